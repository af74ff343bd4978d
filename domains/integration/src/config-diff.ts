import { canonicalJson } from './config-versions.ts';

/**
 * What changes between two configuration documents, entry by entry: connections by id, templates
 * by id, instances by template and asset, downloads by asset, plain mappings by what they map and
 * where from. Entries are compared as written, so reordering changes nothing.
 */

export type ConfigChangeKind = 'ADDED' | 'REMOVED' | 'CHANGED';

export interface ConfigChange {
  kind: ConfigChangeKind;
  /** The section, e.g. `connections`, `mappings.tags`. */
  section: string;
  /** What identifies the entry in its section, e.g. `dresden-opcua`. */
  key: string;
  /** Where the entry is: in the newer document, or in the older one when it was removed. */
  path: string;
  before?: unknown;
  after?: unknown;
}

type Entry = Record<string, unknown>;
type KeyOf = (entry: Entry) => string;

const field = (entry: Entry, name: string): string => {
  const value = entry[name];
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : canonicalJson(value);
};
const fields =
  (...names: string[]): KeyOf =>
  (entry) =>
    names.map((name) => field(entry, name)).join(' · ');

const SECTIONS: readonly [string, KeyOf][] = [
  ['connections', fields('id')],
  ['templates', fields('id')],
  ['instances', fields('template', 'asset')],
  ['downloads', fields('asset')],
  ['mappings.tags', fields('connection', 'asset', 'tag', 'source')],
  ['mappings.states', fields('connection', 'asset', 'source')],
  ['mappings.counters', fields('connection', 'asset', 'counter', 'source')],
  ['mappings.alarms', fields('connection', 'asset', 'code', 'source')],
  ['mappings.events', fields('connection', 'asset', 'source')],
];

function entriesOf(document: unknown, section: string): Entry[] {
  let value: unknown = document;
  for (const part of section.split('.')) {
    value = value && typeof value === 'object' ? (value as Entry)[part] : undefined;
  }
  return Array.isArray(value) ? (value as Entry[]) : [];
}

function indexed(
  entries: readonly Entry[],
  keyOf: KeyOf,
): Map<string, { entry: Entry; index: number }> {
  const byKey = new Map<string, { entry: Entry; index: number }>();
  entries.forEach((entry, index) => {
    const key = keyOf(entry);
    // A key seen twice (which validation refuses) is told apart by its place.
    byKey.set(byKey.has(key) ? `${key} #${index}` : key, { entry, index });
  });
  return byKey;
}

/** The changes from `before` to `after`, section by section, removals first within one. */
export function diffConfigDocuments(before: unknown, after: unknown): ConfigChange[] {
  return SECTIONS.flatMap(([section, keyOf]) => {
    const old = indexed(entriesOf(before, section), keyOf);
    const next = indexed(entriesOf(after, section), keyOf);
    const changes: ConfigChange[] = [];
    for (const [key, { entry, index }] of old) {
      if (!next.has(key)) {
        changes.push({
          kind: 'REMOVED',
          section,
          key,
          path: `${section}[${index}]`,
          before: entry,
        });
      }
    }
    for (const [key, { entry, index }] of next) {
      const path = `${section}[${index}]`;
      const earlier = old.get(key);
      if (!earlier) changes.push({ kind: 'ADDED', section, key, path, after: entry });
      else if (canonicalJson(earlier.entry) !== canonicalJson(entry)) {
        changes.push({ kind: 'CHANGED', section, key, path, before: earlier.entry, after: entry });
      }
    }
    return changes;
  });
}

/** A change as one line of text, e.g. `~ connections[0] dresden-opcua`. */
export function describeConfigChange(change: ConfigChange): string {
  const sign = { ADDED: '+', REMOVED: '-', CHANGED: '~' }[change.kind];
  return `${sign} ${change.path} ${change.key}`;
}

import { assetIdsByPath, upsertMappedTags } from '@plantgraph/assets-domain';
import { ConfigError } from '@plantgraph/config';
import type { Sql } from '@plantgraph/db';
import { diffConfigDocuments, type ConfigChange } from './config-diff.ts';
import {
  canonicalJson,
  configDigest,
  insertConfigVersion,
  latestConfigVersion,
  lockConfigVersions,
  type ConfigVersion,
} from './config-versions.ts';
import {
  parsePlantConfigText,
  preparePlantConfig,
  sourceText,
  type PlantConfig,
  type PlantConfigEnv,
  type TagMapping,
} from './config/index.ts';
import { recordMappingLineage, type TagMappingRecord } from './mapping-lineage.ts';

/** A configuration document that does not validate; each problem names its path. */
export class InvalidConfigDocument extends Error {
  override name = 'InvalidConfigDocument';
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'));
  }
}

export interface ApplyConfigInput {
  /** The document as YAML or JSON text. */
  document: string;
  /** Validate and show the changes without storing anything. */
  dryRun: boolean;
  comment: string;
  /** Who applies it: the caller's subject, or `cli:<user>@<host>`. */
  appliedBy: string;
  /** Where `${NAME}` references are checked (they are stored unresolved); process.env by default. */
  env?: Readonly<Record<string, string | undefined>>;
}

export interface ApplyConfigResult {
  /** The stored version; null for a dry run or a document equal to the current version. */
  version: ConfigVersion | null;
  /** The current version before this one, 0 when there was none. */
  previousVersion: number;
  /** The document equals the current version: nothing was stored. */
  unchanged: boolean;
  /** Entry changes against the current version, as written. */
  changes: ConfigChange[];
  /** How the expanded mappings (tags, states, counters, alarms) change; a template change touches every instance. */
  mappings: { added: number; removed: number; changed: number };
}

/** Where problems of a document handed over as data say they are. */
const ORIGIN = 'document';

/** The problems of a ConfigError as paths in the document (`instances[3].template: …`). */
function invalid(error: ConfigError): InvalidConfigDocument {
  return new InvalidConfigDocument(
    error.problems.map((problem) =>
      problem.startsWith(`${ORIGIN}: `) ? problem.slice(ORIGIN.length + 2) : problem,
    ),
  );
}

function validated<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    throw error instanceof ConfigError ? invalid(error) : error;
  }
}

/** Where a mapping sits in the document, for problems: its instance, or its own entry. */
const placeOf = (mapping: { origin?: { path: string } }, group: string, index: number) =>
  mapping.origin?.path ?? `mappings.${group}[${index}]`;

/** Every asset path the configuration names; the ones that do not exist are problems. */
async function assetProblems(sql: Sql, config: PlantConfig): Promise<Map<string, string>> {
  const named: [string, string][] = [];
  for (const [group, mappings] of Object.entries(config.mappings)) {
    mappings.forEach((mapping, index) =>
      named.push([placeOf(mapping, group, index), mapping.asset]),
    );
  }
  config.downloads.forEach((download, index) =>
    named.push([`downloads[${index}]`, download.asset]),
  );
  for (const binding of config.sparkplugDiscovery ?? []) named.push([binding.path, binding.asset]);
  (config.mappings.events ?? []).forEach((mapping, index) => {
    for (const [name, path] of Object.entries(mapping.assets ?? {})) {
      named.push([`mappings.events[${index}].assets[${JSON.stringify(name)}]`, path]);
    }
  });
  config.connections.forEach((connection, index) => {
    if (connection.kind === 'mqtt' && connection.umh?.assetRoot) {
      named.push([`connections[${index}].umh.assetRoot`, connection.umh.assetRoot]);
    }
  });
  const ids = await assetIdsByPath(sql, [...new Set(named.map(([, path]) => path))]);
  const problems = [
    ...new Set(
      named
        .filter(([, path]) => !ids.has(path))
        .map(([place, path]) =>
          place.endsWith('assetRoot') || place.includes('.assets[')
            ? `${place}: no asset has the path "${path}"`
            : `${place}.asset: no asset has the path "${path}"`,
        ),
    ),
  ];
  if (problems.length > 0) throw new InvalidConfigDocument(problems);
  return ids;
}

/** A mapping's identity across versions: what it feeds and from where. */
function mappingKeys(config: PlantConfig | undefined): Map<string, string> {
  const keys = new Map<string, string>();
  if (!config) return keys;
  for (const [group, mappings] of Object.entries(config.mappings)) {
    for (const mapping of mappings) {
      // Where a mapping was written (its instance's place) is not a change of the mapping.
      const settings = { ...mapping, origin: undefined };
      const target =
        'tag' in mapping
          ? mapping.tag
          : 'counter' in mapping
            ? mapping.counter
            : 'code' in mapping
              ? mapping.code
              : 'state';
      const key = [
        group,
        mapping.connection,
        mapping.asset,
        target,
        sourceText(mapping.source),
      ].join('\u0000');
      keys.set(key, canonicalJson(settings));
    }
  }
  return keys;
}

function countMappingChanges(before: PlantConfig | undefined, after: PlantConfig) {
  const old = mappingKeys(before);
  const next = mappingKeys(after);
  let added = 0;
  let changed = 0;
  for (const [key, settings] of next) {
    const earlier = old.get(key);
    if (earlier === undefined) added++;
    else if (earlier !== settings) changed++;
  }
  const removed = [...old.keys()].filter((key) => !next.has(key)).length;
  return { added, removed, changed };
}

/** A stored version as this process would run it, or undefined when it no longer validates. */
function preparedOrNothing(document: unknown, env: PlantConfigEnv): PlantConfig | undefined {
  try {
    return preparePlantConfig(document, ORIGIN, env);
  } catch {
    return undefined;
  }
}

/** Provisions the version's tags and returns its tag mappings as the lineage records them. */
async function tagMappingRecords(
  tx: Sql,
  config: PlantConfig,
  assets: ReadonlyMap<string, string>,
): Promise<TagMappingRecord[]> {
  const assetOf = (mapping: TagMapping) => assets.get(mapping.asset) ?? '';
  const first = new Map<string, TagMapping>();
  for (const mapping of config.mappings.tags) {
    const key = `${assetOf(mapping)}\u0000${mapping.tag}`;
    if (!first.has(key)) first.set(key, mapping);
  }
  const tags = await upsertMappedTags(
    tx,
    [...first.values()].map((mapping) => ({
      assetId: assetOf(mapping),
      name: mapping.tag,
      dataType: mapping.dataType,
      unit: mapping.unit ?? null,
      description: mapping.description ?? null,
      source: sourceText(mapping.source),
    })),
  );
  const tagIds = new Map(tags.map((tag) => [`${tag.asset_id}\u0000${tag.name}`, tag.id]));
  return config.mappings.tags.flatMap((mapping) => {
    const tagId = tagIds.get(`${assetOf(mapping)}\u0000${mapping.tag}`);
    if (!tagId) return [];
    return [
      {
        tagId,
        connection: mapping.connection,
        source: sourceText(mapping.source),
        scale: mapping.scale,
        offset: mapping.offset,
        deadband: mapping.deadband,
        template: mapping.origin?.template ?? null,
        instance: mapping.origin?.instance ?? null,
      },
    ];
  });
}

/**
 * Validates a document (syntax, schema, templates, connections, asset paths), compares it with
 * the current version and, unless it is a dry run or equal to the current version, stores it as
 * the next version with its tags provisioned and their lineage recorded, in one transaction that
 * holds the version lock (so a concurrent apply is compared with this one). Throws
 * InvalidConfigDocument listing every problem; nothing is written then. The document is stored
 * as written: `${NAME}` references are checked against `env` but stored unresolved.
 */
export async function applyIntegrationConfig(
  sql: Sql,
  input: ApplyConfigInput,
): Promise<ApplyConfigResult> {
  const document = validated(() => parsePlantConfigText(input.document, ORIGIN));
  return applyConfigDocument(sql, { ...input, document });
}

/** `applyIntegrationConfig` for a document already parsed (a file read, a stored version). */
export async function applyConfigDocument(
  sql: Sql,
  input: Omit<ApplyConfigInput, 'document'> & { document: unknown },
): Promise<ApplyConfigResult> {
  const env = input.env ?? process.env;
  const config = validated(() => preparePlantConfig(input.document, ORIGIN, env));
  const assets = await assetProblems(sql, config);
  return sql.transaction(async (tx) => {
    await lockConfigVersions(tx);
    const current = await latestConfigVersion(tx);
    const previousVersion = current?.version ?? 0;
    const changes = diffConfigDocuments(current?.document, input.document);
    const previous = current && preparedOrNothing(current.document, env);
    const mappings = countMappingChanges(previous, config);
    const unchanged = current?.digest === configDigest(input.document);
    if (input.dryRun || unchanged) {
      return { version: null, previousVersion, unchanged, changes, mappings };
    }
    const version = await insertConfigVersion(tx, {
      document: input.document,
      comment: input.comment,
      appliedBy: input.appliedBy,
    });
    await recordMappingLineage(tx, version.version, await tagMappingRecords(tx, config, assets));
    return { version, previousVersion, unchanged, changes, mappings };
  });
}

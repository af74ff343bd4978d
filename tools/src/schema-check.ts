import { type Change, ChangeType, CriticalityLevel, diff } from '@graphql-inspector/core';
import { buildSchema } from 'graphql';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const repositoryRoot = fileURLToPath(new URL('../../', import.meta.url));

/** The API schema of the last release; only `npm run schema:check -- --accept` moves it. */
export const baselinePath = fileURLToPath(
  new URL('../../gateway/api-schema.baseline.graphql', import.meta.url),
);
/** Where breaking changes are recorded, under `## Unreleased` until the next release. */
export const changelogPath = fileURLToPath(
  new URL('../../docs/schema-changelog.md', import.meta.url),
);

export type Severity = 'BREAKING' | 'DANGEROUS' | 'SAFE';

const severityOf: Record<CriticalityLevel, Severity> = {
  [CriticalityLevel.Breaking]: 'BREAKING',
  [CriticalityLevel.Dangerous]: 'DANGEROUS',
  [CriticalityLevel.NonBreaking]: 'SAFE',
};

export interface SchemaChange {
  severity: Severity;
  /** Schema coordinate as GraphQL Inspector names it: `Type`, `Type.field`, `Type.field.arg`. */
  coordinate: string;
  message: string;
  /** Why GraphQL Inspector rates the change breaking or dangerous. */
  reason: string | undefined;
  /** The coordinate appears under `## Unreleased` in the changelog. */
  recorded: boolean;
  /** A field, input field or enum value removed that the baseline did not mark `@deprecated`. */
  retiredWithoutDeprecation: boolean;
}

export interface SchemaCheckResult {
  changes: SchemaChange[];
  /** Breaking changes that fail the check: unrecorded, or retired without deprecation. */
  failures: SchemaChange[];
}

/** Whether a change fails the check; retiring without `@deprecated` fails even when recorded. */
export const isFailure = (change: SchemaChange) =>
  change.severity === 'BREAKING' && (!change.recorded || change.retiredWithoutDeprecation);

const unreleasedHeading = /^##[ \t]+Unreleased[ \t]*$/im;

/** The text of the changelog's `## Unreleased` section, up to the next heading of level 1 or 2. */
export function unreleasedSection(changelog: string): string {
  const heading = unreleasedHeading.exec(changelog);
  if (!heading) return '';
  const rest = changelog.slice(heading.index + heading[0].length);
  const next = /^#{1,2}[ \t]/m.exec(rest);
  return next ? rest.slice(0, next.index) : rest;
}

/**
 * The schema coordinates written in backticks under `## Unreleased`. Older sections do not count:
 * they describe changes the baseline already contains.
 */
export function recordedCoordinates(changelog: string): Set<string> {
  const spans = unreleasedSection(changelog).matchAll(/`([^`\n]+)`/g);
  return new Set([...spans].flatMap((span) => span[1] ?? []));
}

/**
 * Removals a release must announce with `@deprecated` first; the baseline's deprecation is what
 * counts, so deprecating and removing in the same release does not pass.
 */
function retiredWithoutDeprecation(change: Change): boolean {
  switch (change.type) {
    case ChangeType.FieldRemoved:
      return !change.meta.isRemovedFieldDeprecated;
    case ChangeType.InputFieldRemoved:
      return !change.meta.isInputFieldDeprecated;
    case ChangeType.EnumValueRemoved:
      return !change.meta.isEnumValueDeprecated;
    default:
      return false;
  }
}

/** Diffs the current API schema against the baseline and judges every change by the changelog. */
export async function checkSchema(input: {
  baselineSdl: string;
  currentSdl: string;
  changelog: string;
}): Promise<SchemaCheckResult> {
  const recorded = recordedCoordinates(input.changelog);
  const changes = (await diff(buildSchema(input.baselineSdl), buildSchema(input.currentSdl))).map(
    (change): SchemaChange => {
      const coordinate = change.path ?? String(change.type);
      return {
        severity: severityOf[change.criticality.level],
        coordinate,
        message: change.message,
        reason: change.criticality.reason,
        recorded: recorded.has(coordinate),
        retiredWithoutDeprecation: retiredWithoutDeprecation(change),
      };
    },
  );
  return { changes, failures: changes.filter(isFailure) };
}

const displayPath = (path: string) => relative(repositoryRoot, path);

function verdict(change: SchemaChange): string {
  if (change.severity !== 'BREAKING') return '';
  if (change.retiredWithoutDeprecation) {
    return ' [FAIL: retired without deprecation; ship it @deprecated in a release first]';
  }
  return change.recorded ? ' [recorded]' : ` [FAIL: not recorded in ${displayPath(changelogPath)}]`;
}

/** Every change, grouped BREAKING, DANGEROUS, SAFE, one line each with its coordinate. */
export function formatSchemaCheck(result: SchemaCheckResult): string {
  if (result.changes.length === 0) {
    return `No changes against ${displayPath(baselinePath)}.`;
  }
  const groups = (['BREAKING', 'DANGEROUS', 'SAFE'] as const).flatMap((severity) => {
    const changes = result.changes.filter((change) => change.severity === severity);
    if (changes.length === 0) return [];
    const lines = changes.map((change) => {
      const reason = change.reason ? `\n      ${change.reason}` : '';
      return `  ${change.coordinate}: ${change.message}${verdict(change)}${reason}`;
    });
    return [`${severity} (${changes.length})`, ...lines];
  });
  return [`Changes against ${displayPath(baselinePath)}:`, ...groups].join('\n');
}

/** Why the current changes cannot become the new baseline, or undefined when they can. */
export function acceptRefusal(result: SchemaCheckResult, changelog: string): string | undefined {
  if (result.failures.length > 0) return 'the check fails; fix the failures above first.';
  if (result.changes.length > 0 && !/^[ \t]*[-*][ \t]/m.test(unreleasedSection(changelog))) {
    return `describe the release under "## Unreleased" in ${displayPath(changelogPath)} first.`;
  }
  return undefined;
}

/** Closes `## Unreleased` as the release of `date` and opens an empty one above it. */
export function stampRelease(changelog: string, date: string): string {
  return changelog.replace(unreleasedHeading, `## Unreleased\n\n## ${date}`);
}

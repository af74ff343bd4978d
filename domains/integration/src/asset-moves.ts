import { isWithin } from '@plantgraph/assets-domain';
import type { Sql } from '@plantgraph/db';
import { applyConfigDocument, InvalidConfigDocument } from './apply-config.ts';
import { latestConfigVersion, lockConfigVersions, type ConfigVersion } from './config-versions.ts';

/** The fields of a configuration document that name an asset by its path. */
const ASSET_FIELDS = new Set(['asset', 'assetRoot']);

/** The path `path` has once the subtree at `from` lies at `to`; undefined when it is outside. */
function movedPath(path: string, from: string, to: string): string | undefined {
  return isWithin(path, from) ? `${to}${path.slice(from.length)}` : undefined;
}

/** The document with every asset path under `from` moved to `to`, or undefined when none was. */
function movedDocument(document: unknown, from: string, to: string): unknown {
  let moved = false;
  const walk = (value: unknown, key?: string): unknown => {
    if (typeof value === 'string' && key !== undefined && ASSET_FIELDS.has(key)) {
      const next = movedPath(value, from, to);
      if (next === undefined) return value;
      moved = true;
      return next;
    }
    if (Array.isArray(value)) return value.map((item) => walk(item));
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(
      Object.entries(value).map(([name, item]) => [name, walk(item, name)]),
    );
  };
  const result = walk(document);
  return moved ? result : undefined;
}

/**
 * Keeps the integration configuration naming assets where they are: after an asset moved or was
 * renamed (its subtree's paths went from `from` to `to`), stores a version of the newest document
 * with those paths rewritten, in the caller's transaction, so connectors started later still find
 * every asset and the lineage names instances by their new path. Nothing is stored when no asset
 * path of the configuration lies in the subtree. A configuration that does not validate where this
 * runs (a `${NAME}` reference this process cannot resolve) is left as it is: the move stands, and
 * the version that names the old path must be fixed by applying one.
 */
export async function followAssetMove(
  tx: Sql,
  move: { from: string; to: string },
  appliedBy: string,
  env?: Readonly<Record<string, string | undefined>>,
): Promise<ConfigVersion | null> {
  if (move.from === move.to) return null;
  await lockConfigVersions(tx);
  const newest = await latestConfigVersion(tx);
  const document = newest && movedDocument(newest.document, move.from, move.to);
  if (!document) return null;
  try {
    const applied = await applyConfigDocument(tx, {
      document,
      dryRun: false,
      comment: `asset moved: ${move.from} → ${move.to}`,
      appliedBy,
      env,
    });
    return applied.version;
  } catch (error) {
    if (error instanceof InvalidConfigDocument) return null;
    throw error;
  }
}

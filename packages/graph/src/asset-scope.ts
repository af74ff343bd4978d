import DataLoader from 'dataloader';
import { indexBy, loader, type GraphContext } from './context.ts';
import { BadUserInputError, NotFoundError } from './errors.ts';
import { parseId, parseIds } from './validation.ts';

/**
 * Assets as every subgraph sees them when it filters by place: an id and the materialised path
 * (`Enterprise/Site/Area/Line/Equipment`). Subtrees are path prefixes, so `under` works the same
 * way for queries, streams and entity lookups in every subgraph.
 */
export interface AssetPath {
  id: string;
  path: string;
}

/** Most ids one list argument (e.g. a subscription's assetIds) may hold. */
export const MAX_LISTED_IDS = 1000;

/** Asset paths read straight from the shared asset table; null for unknown ids. */
export const assetPathById = (context: GraphContext) =>
  new DataLoader<string, AssetPath | null>(async (ids) => {
    const rows = await context.sql.query<AssetPath>(
      'select id, path from asset where id = any($1::uuid[])',
      [ids],
    );
    return indexBy(ids, rows, (row) => row.id);
  });

/** Checks a list argument of ids: 1 to MAX_LISTED_IDS well-formed ids, duplicates dropped. */
export function parseIdList(values: readonly string[], argument: string, entity: string): string[] {
  if (values.length === 0 || values.length > MAX_LISTED_IDS) {
    throw new BadUserInputError(argument, `must list 1 to ${MAX_LISTED_IDS} ids`);
  }
  return [...new Set(parseIds(values, argument, entity))];
}

/** An existing asset's id and path; BAD_USER_INPUT or NOT_FOUND naming `argument` otherwise. */
export async function requireAssetPath(
  context: GraphContext,
  id: string,
  argument: string,
): Promise<AssetPath> {
  const asset = await loader(context, assetPathById).load(parseId(id, argument, 'Asset'));
  if (!asset) throw new NotFoundError('Asset', id, argument);
  return asset;
}

/** Every listed asset, checked to exist; NOT_FOUND naming `argument` for the first unknown. */
export async function requireAssetPaths(
  context: GraphContext,
  values: readonly string[],
  argument: string,
): Promise<AssetPath[]> {
  const ids = parseIdList(values, argument, 'Asset');
  const assets = await loader(context, assetPathById).loadMany(ids);
  return ids.map((id, index) => {
    const asset = assets[index];
    if (asset instanceof Error) throw asset;
    if (!asset) throw new NotFoundError('Asset', id, argument);
    return asset;
  });
}

/** Whether `path` is `root` itself or lies below it. */
export function isWithin(path: string, root: string): boolean {
  return path === root || path.startsWith(`${root}/`);
}

/** A LIKE pattern for everything below `path`, with LIKE's wildcards escaped. */
export function subtreePattern(path: string): string {
  return `${path.replace(/[\\%_]/g, '\\$&')}/%`;
}

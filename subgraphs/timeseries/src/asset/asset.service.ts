import DataLoader from 'dataloader';
import {
  BadUserInputError,
  indexBy,
  loader,
  NotFoundError,
  parseId,
  parseIds,
  type GraphContext,
} from '@plantgraph/graph';

/** Most ids one subscription argument may list. */
export const MAX_SUBSCRIBED_IDS = 1000;

/** What this subgraph needs of an asset: its id and materialised path. */
export interface AssetPath {
  id: string;
  path: string;
}

/** Asset paths read straight from the shared asset table; null for unknown ids. */
export const assetPathById = (context: GraphContext) =>
  new DataLoader<string, AssetPath | null>(async (ids) => {
    const rows = await context.sql.query<AssetPath>(
      'select id, path from asset where id = any($1::uuid[])',
      [ids],
    );
    return indexBy(ids, rows, (row) => row.id);
  });

/** Checks a list argument of ids: 1 to MAX_SUBSCRIBED_IDS well-formed ids, duplicates dropped. */
export function parseIdList(values: readonly string[], argument: string, entity: string): string[] {
  if (values.length === 0 || values.length > MAX_SUBSCRIBED_IDS) {
    throw new BadUserInputError(argument, `must list 1 to ${MAX_SUBSCRIBED_IDS} ids`);
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

/** Checks that every listed asset exists; NOT_FOUND naming `argument` for the first unknown. */
export async function requireAssetIds(
  context: GraphContext,
  values: readonly string[],
  argument: string,
): Promise<string[]> {
  const ids = parseIdList(values, argument, 'Asset');
  const assets = await loader(context, assetPathById).loadMany(ids);
  const missing = ids.find((_, index) => !assets[index]);
  if (missing) throw new NotFoundError('Asset', missing, argument);
  return ids;
}

/** Whether `path` is `root` itself or lies below it. */
export function isWithin(path: string, root: string): boolean {
  return path === root || path.startsWith(`${root}/`);
}

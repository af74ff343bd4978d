import DataLoader from 'dataloader';
import { assetPathsByIds, type AssetPath } from '@plantgraph/assets-domain';
import { loader, type GraphContext } from './context.ts';
import { BadUserInputError, NotFoundError } from './errors.ts';
import { parseId, parseIds } from './validation.ts';

/**
 * Assets as every subgraph sees them when it filters by place: an id and the materialised path
 * (`AssetPath` of the assets domain). Subtrees are path prefixes, so `under` works the same way
 * for queries, streams and entity lookups in every subgraph.
 */
export { isWithin, subtreePattern, type AssetPath } from '@plantgraph/assets-domain';

/** Most ids one list argument (e.g. a subscription's assetIds) may hold. */
export const MAX_LISTED_IDS = 1000;

/** Asset paths by id, batched per request; null for unknown ids. */
export const assetPathById = (context: GraphContext) =>
  new DataLoader<string, AssetPath | null>((ids) => assetPathsByIds(context.sql, ids));

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

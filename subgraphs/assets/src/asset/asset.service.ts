import DataLoader from 'dataloader';
import {
  ancestorsOf,
  assetByPath,
  assetsByIds,
  childrenOf,
  descendantsOf as assetsBelow,
  listAssets as listAssetRows,
  type SubtreeKey,
} from '@plantgraph/assets-domain';
import {
  decodeCursor,
  loader,
  NotFoundError,
  pageSize,
  parseId,
  sitePaths,
  toConnection,
  type GraphContext,
} from '@plantgraph/graph';
import { Asset, AssetKind } from './asset.type.ts';

/** The asset table's reads are the assets domain's; these batch them per request. */

export const assetById = (context: GraphContext) =>
  new DataLoader<string, Asset | null>(async (ids) =>
    (await assetsByIds(context.sql, ids)).map((row) => row && Asset.fromRow(row)),
  );

export const childrenByParentId = (context: GraphContext) =>
  new DataLoader<string, Asset[]>(async (parentIds) =>
    (await childrenOf(context.sql, parentIds)).map((rows) => rows.map(Asset.fromRow)),
  );

/** Ancestors of a path, root first. */
export const ancestorsByPath = (context: GraphContext) =>
  new DataLoader<string, Asset[]>(async (paths) =>
    (await ancestorsOf(context.sql, paths)).map((rows) => rows.map(Asset.fromRow)),
  );

export const descendantsOf = (context: GraphContext) =>
  new DataLoader<SubtreeKey, Asset[], string>(
    async (keys) => (await assetsBelow(context.sql, keys)).map((rows) => rows.map(Asset.fromRow)),
    { cacheKeyFn: (key) => `${key.kind ?? '*'}:${key.path}` },
  );

export async function requireAsset(
  context: GraphContext,
  id: string,
  argument = 'id',
): Promise<Asset> {
  const asset = await loader(context, assetById).load(parseId(id, argument, 'Asset'));
  if (!asset) throw new NotFoundError('Asset', id, argument);
  return asset;
}

export async function findAssetByPath(context: GraphContext, path: string): Promise<Asset> {
  const row = await assetByPath(context.sql, path);
  if (!row) throw new NotFoundError('Asset with path', path, 'path');
  return Asset.fromRow(row);
}

export interface AssetFilter {
  kind?: AssetKind | null;
  under?: string | null;
  includeRetired?: boolean | null;
  first?: number | null;
  after?: string | null;
}

/**
 * Assets in path order, optionally of one kind and within a subtree (the asset and below); active
 * ones only unless `includeRetired`.
 */
export async function listAssets(context: GraphContext, filter: AssetFilter) {
  const first = pageSize(filter.first);
  const [afterPath] = decodeCursor(filter.after, 1) ?? [];
  const root = filter.under ? await requireAsset(context, filter.under, 'under') : undefined;
  const { rows, total } = await listAssetRows(context.sql, {
    kind: filter.kind ?? null,
    includeRetired: filter.includeRetired ?? false,
    underPath: root?.path ?? null,
    afterPath: afterPath === undefined ? null : String(afterPath),
    limit: first + 1,
    siteRoots: await sitePaths(context),
  });
  return toConnection(rows, first, Asset.fromRow, (row) => [row.path], total);
}

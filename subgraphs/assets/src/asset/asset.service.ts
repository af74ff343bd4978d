import DataLoader from 'dataloader';
import {
  decodeCursor,
  groupBy,
  indexBy,
  loader,
  NotFoundError,
  pageSize,
  parseId,
  toConnection,
  type GraphContext,
  scopeFilter,
} from '@plantgraph/graph';
import { Asset, AssetKind, type AssetRow } from './asset.type.ts';

const columns = 'id, parent_id, kind, name, path, description';

/** Escapes LIKE wildcards so a path matches literally as a prefix. */
export function subtreePattern(path: string): string {
  return `${path.replace(/[\\%_]/g, '\\$&')}/%`;
}

export const assetById = (context: GraphContext) =>
  new DataLoader<string, Asset | null>(async (ids) => {
    const rows = await context.sql.query<AssetRow>(
      `select ${columns} from asset where id = any($1::uuid[])`,
      [ids],
    );
    return indexBy(ids, rows.map(Asset.fromRow), (asset) => asset.id);
  });

export const childrenByParentId = (context: GraphContext) =>
  new DataLoader<string, Asset[]>(async (parentIds) => {
    const rows = await context.sql.query<AssetRow>(
      `select ${columns} from asset where parent_id = any($1::uuid[]) order by name`,
      [parentIds],
    );
    return groupBy(parentIds, rows.map(Asset.fromRow), (asset) => asset.parentId);
  });

/** Ancestors of a path, root first: every proper prefix of the path is one. */
export const ancestorsByPath = (context: GraphContext) =>
  new DataLoader<string, Asset[]>(async (paths) => {
    const prefixesOf = (path: string) =>
      path
        .split('/')
        .slice(0, -1)
        .map((_, index, parts) => parts.slice(0, index + 1).join('/'));
    const prefixes = [...new Set(paths.flatMap(prefixesOf))];
    const rows = await context.sql.query<AssetRow>(
      `select ${columns} from asset where path = any($1::text[])`,
      [prefixes],
    );
    const byPath = new Map(rows.map((row) => [row.path, Asset.fromRow(row)]));
    return paths.map((path) => prefixesOf(path).flatMap((prefix) => byPath.get(prefix) ?? []));
  });

interface DescendantsKey {
  path: string;
  kind: AssetKind | null;
}

export const descendantsOf = (context: GraphContext) =>
  new DataLoader<DescendantsKey, Asset[], string>(
    async (keys) => {
      const rows = await context.sql.query<AssetRow & { key_index: number }>(
        `select q.key_index, ${columns
          .split(', ')
          .map((c) => `a.${c}`)
          .join(', ')}
           from unnest($1::text[], $2::text[]::asset_kind[]) with ordinality as q(pattern, kind, key_index)
           join asset a on a.path like q.pattern and (q.kind is null or a.kind = q.kind)
          order by a.path`,
        [keys.map((key) => subtreePattern(key.path)), keys.map((key) => key.kind)],
      );
      const groups = groupBy(
        keys.map((_, index) => index + 1),
        rows,
        (row) => Number(row.key_index),
      );
      return groups.map((group) => group.map(Asset.fromRow));
    },
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
  const [row] = await context.sql.query<AssetRow>(`select ${columns} from asset where path = $1`, [
    path,
  ]);
  if (!row) throw new NotFoundError('Asset with path', path, 'path');
  return Asset.fromRow(row);
}

export interface AssetFilter {
  kind?: AssetKind | null;
  under?: string | null;
  first?: number | null;
  after?: string | null;
}

/** Assets in path order, optionally of one kind and within a subtree (the asset and below). */
export async function listAssets(context: GraphContext, filter: AssetFilter) {
  const first = pageSize(filter.first);
  const [afterPath] = decodeCursor(filter.after, 1) ?? [];
  const root = filter.under ? await requireAsset(context, filter.under, 'under') : undefined;
  const where = `($1::asset_kind is null or kind = $1)
    and ($2::text is null or path = $2 or path like $3)`;
  const params = [filter.kind ?? null, root?.path ?? null, root ? subtreePattern(root.path) : null];
  const [pageScope, pageScopeParams] = await scopeFilter(context, 'path', 6);
  const [countScope, countScopeParams] = await scopeFilter(context, 'path', 4);
  const [rows, [count]] = await Promise.all([
    context.sql.query<AssetRow>(
      `select ${columns} from asset where ${where} and ${pageScope}
          and ($4::text is null or path > $4)
        order by path limit $5`,
      [...params, afterPath ?? null, first + 1, ...pageScopeParams],
    ),
    context.sql.query<{ total: number }>(
      `select count(*) as total from asset where ${where} and ${countScope}`,
      [...params, ...countScopeParams],
    ),
  ]);
  return toConnection(rows, first, Asset.fromRow, (row) => [row.path], count?.total ?? 0);
}

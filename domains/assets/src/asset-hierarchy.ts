import { groupBy, type Sql } from '@plantgraph/db';
import { ancestorPaths, subtreePattern } from './asset-path.ts';
import { siteScopeCondition } from './site-scope.ts';

/** ISA-95 equipment hierarchy levels, top down. */
export const ASSET_KINDS = ['ENTERPRISE', 'SITE', 'AREA', 'LINE', 'CELL', 'EQUIPMENT'] as const;
export type AssetKind = (typeof ASSET_KINDS)[number];

/** A row of the asset table as the hierarchy's reads return it. */
export interface AssetRow {
  id: string;
  parent_id: string | null;
  kind: AssetKind;
  name: string;
  path: string;
  description: string | null;
  /** When the asset was retired; null while it is active. */
  retired_at: Date | null;
}

const COLUMNS = ['id', 'parent_id', 'kind', 'name', 'path', 'description', 'retired_at'];
const columns = (alias?: string) =>
  COLUMNS.map((column) => (alias ? `${alias}.${column}` : column)).join(', ');

/** Assets by id, in the order asked; null for unknown ids. */
export async function assetsByIds(sql: Sql, ids: readonly string[]): Promise<(AssetRow | null)[]> {
  const rows = await sql.query<AssetRow>(
    `select ${columns()} from asset where id = any($1::uuid[])`,
    [ids],
  );
  const byId = new Map(rows.map((row) => [row.id, row]));
  return ids.map((id) => byId.get(id) ?? null);
}

/** The asset at `path`; undefined when there is none. */
export async function assetByPath(sql: Sql, path: string): Promise<AssetRow | undefined> {
  const [row] = await sql.query<AssetRow>(`select ${columns()} from asset where path = $1`, [path]);
  return row;
}

/** The children of each parent, retired ones included, by name, in the order of `parentIds`. */
export async function childrenOf(sql: Sql, parentIds: readonly string[]): Promise<AssetRow[][]> {
  const rows = await sql.query<AssetRow>(
    `select ${columns()} from asset where parent_id = any($1::uuid[]) order by name`,
    [parentIds],
  );
  return groupBy(parentIds, rows, (row) => row.parent_id);
}

/** The assets above each path, the enterprise first, in the order of `paths`. */
export async function ancestorsOf(sql: Sql, paths: readonly string[]): Promise<AssetRow[][]> {
  const prefixes = [...new Set(paths.flatMap(ancestorPaths))];
  const rows = await sql.query<AssetRow>(
    `select ${columns()} from asset where path = any($1::text[])`,
    [prefixes],
  );
  const byPath = new Map(rows.map((row) => [row.path, row]));
  return paths.map((path) => ancestorPaths(path).flatMap((prefix) => byPath.get(prefix) ?? []));
}

/** Everything below an asset's path, optionally of one kind. */
export interface SubtreeKey {
  path: string;
  kind: AssetKind | null;
}

/**
 * The assets below each key's path in path order, retired ones included, one statement for every
 * key.
 */
export async function descendantsOf(sql: Sql, keys: readonly SubtreeKey[]): Promise<AssetRow[][]> {
  const rows = await sql.query<AssetRow & { key_index: number }>(
    `select q.key_index, ${columns('a')}
       from unnest($1::text[], $2::text[]::asset_kind[]) with ordinality as q(pattern, kind, key_index)
       join asset a on a.path like q.pattern and (q.kind is null or a.kind = q.kind)
      order by a.path`,
    [keys.map((key) => subtreePattern(key.path)), keys.map((key) => key.kind)],
  );
  const ordinals = keys.map((_, index) => index + 1);
  return groupBy(ordinals, rows, (row) => Number(row.key_index)).map((group) =>
    group.map(({ key_index: _, ...asset }) => asset),
  );
}

/** Which assets a list holds and where its page starts. */
export interface AssetListing {
  kind: AssetKind | null;
  /** Whether retired assets are listed too. */
  includeRetired: boolean;
  /** The path of the asset whose subtree (itself included) the list keeps to. */
  underPath: string | null;
  /** The last path of the previous page. */
  afterPath: string | null;
  /** Rows to read: the page size plus one, which tells whether another page exists. */
  limit: number;
  /** The caller's site roots (siteRoots); undefined for every site. */
  siteRoots: readonly string[] | undefined;
}

/**
 * One page of assets in path order and how many the whole list holds. Site scope is part of
 * both statements, so pages stay full and the total counts only what the caller may see.
 */
export async function listAssets(
  sql: Sql,
  listing: AssetListing,
): Promise<{ rows: AssetRow[]; total: number }> {
  const where = `($1::asset_kind is null or kind = $1)
    and ($2::text is null or path = $2 or path like $3)
    and ${listing.includeRetired ? 'true' : 'retired_at is null'}`;
  const { underPath } = listing;
  const params = [listing.kind, underPath, underPath === null ? null : subtreePattern(underPath)];
  const [pageScope, pageScopeParams] = siteScopeCondition('path', 6, listing.siteRoots);
  const [countScope, countScopeParams] = siteScopeCondition('path', 4, listing.siteRoots);
  const [rows, [count]] = await Promise.all([
    sql.query<AssetRow>(
      `select ${columns()} from asset where ${where} and ${pageScope}
          and ($4::text is null or path > $4)
        order by path limit $5`,
      [...params, listing.afterPath, listing.limit, ...pageScopeParams],
    ),
    sql.query<{ total: number }>(
      `select count(*) as total from asset where ${where} and ${countScope}`,
      [...params, ...countScopeParams],
    ),
  ]);
  return { rows, total: count?.total ?? 0 };
}

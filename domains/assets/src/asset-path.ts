import type { Sql } from '@plantgraph/db';

/**
 * An asset as everything that filters by place sees it: its id and its materialised path
 * (`Enterprise/Site/Area/Line/Equipment`). Subtrees are path prefixes, so "this asset and
 * everything below it" is the same test in SQL (`path = $root or path like $pattern`) and here.
 */
export interface AssetPath {
  id: string;
  path: string;
}

const ASSET_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `value` can name an asset at all; the asset table's ids are UUIDs. */
export function isAssetId(value: string): boolean {
  return ASSET_ID.test(value);
}

/** Whether `path` is `root` itself or lies below it. */
export function isWithin(path: string, root: string): boolean {
  return path === root || path.startsWith(`${root}/`);
}

/** A LIKE pattern for everything below `path`, with LIKE's wildcards escaped. */
export function subtreePattern(path: string): string {
  return `${path.replace(/[\\%_]/g, '\\$&')}/%`;
}

/** The paths of every asset above `path`, the enterprise first: each proper prefix is one. */
export function ancestorPaths(path: string): string[] {
  const parts = path.split('/');
  return parts.slice(0, -1).map((_, index) => parts.slice(0, index + 1).join('/'));
}

/** The id and path of each asset in `ids`, in their order; null for unknown ids. */
export async function assetPathsByIds(
  sql: Sql,
  ids: readonly string[],
): Promise<(AssetPath | null)[]> {
  const rows = await sql.query<AssetPath>('select id, path from asset where id = any($1::uuid[])', [
    ids,
  ]);
  const byId = new Map(rows.map((row) => [row.id, row]));
  return ids.map((id) => byId.get(id) ?? null);
}

import { subtreePattern, type AssetPath } from './asset-path.ts';
import type { Sql } from '@plantgraph/db';

/** A tag with the path of the asset it belongs to, as exports and reports name it. */
export interface TagOnAsset {
  id: string;
  name: string;
  assetPath: string;
}

const TAG_ON_ASSET = `select t.id, t.name, a.path as "assetPath"
  from tag t join asset a on a.id = t.asset_id`;

/** Tags by id, in the order of `ids`; null for unknown ids. */
export async function tagsByIds(sql: Sql, ids: readonly string[]): Promise<(TagOnAsset | null)[]> {
  const rows = await sql.query<TagOnAsset>(`${TAG_ON_ASSET} where t.id = any($1::uuid[])`, [ids]);
  const byId = new Map(rows.map((row) => [row.id, row]));
  return ids.map((id) => byId.get(id) ?? null);
}

/** Which tags below an asset to find, and how many at most. */
export interface TagsUnderAsset {
  asset: AssetPath;
  /** Only tags of this name (e.g. every line's `Temperature`); null for any name. */
  tagName: string | null;
  limit: number;
  /** Only tags at or below these asset paths (the caller's site roots); undefined for all. */
  siteRoots?: readonly string[] | undefined;
}

/**
 * The tags of an asset and of everything below it, by asset path, then tag name; within the
 * site roots when given, so that a list leaves out what the caller may not see.
 */
export function tagsUnder(
  sql: Sql,
  { asset, tagName, limit, siteRoots }: TagsUnderAsset,
): Promise<TagOnAsset[]> {
  return sql.query<TagOnAsset>(
    `${TAG_ON_ASSET}
      where (a.id = $1 or a.path like $2) and ($3::text is null or t.name = $3)
        and ($5::text[] is null or exists (
              select 1 from unnest($5::text[]) as site(path)
               where a.path = site.path or starts_with(a.path, site.path || '/')))
      order by a.path, t.name
      limit $4`,
    [asset.id, subtreePattern(asset.path), tagName, limit, siteRoots ?? null],
  );
}

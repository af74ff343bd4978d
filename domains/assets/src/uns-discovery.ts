import type { Sql } from '@plantgraph/db';
import type { TagDataType } from './tag-provisioning.ts';

/** How UNS topics spell asset and tag names: lower-case, whitespace as '-'. */
export function slugify(text: string): string {
  return text.toLowerCase().replace(/\s+/g, '-');
}

// The SQL twin of `slugify`.
const SLUG_SQL = (column: string) => `lower(regexp_replace(${column}, '[[:space:]]+', '-', 'g'))`;

/**
 * The asset whose slugged path is `slug`. UNS topics usually put the enterprise into the prefix
 * (`acme/lyon/...`), so the path below the top-level asset matches too; a full-path match wins,
 * and several assets matching only below the top level is ambiguous and matches none.
 */
export async function assetBySlugPath(
  sql: Sql,
  slug: string,
): Promise<{ id: string; path: string } | null> {
  const rows = await sql.query<{ id: string; path: string; full: boolean }>(
    `select id, path, ${SLUG_SQL('path')} = $1 as full from asset
      where ${SLUG_SQL('path')} = $1
         or (position('/' in path) > 0 and ${SLUG_SQL("substr(path, position('/' in path) + 1)")} = $1)`,
    [slug],
  );
  const full = rows.find((row) => row.full);
  if (full) return { id: full.id, path: full.path };
  return rows.length === 1 && rows[0] ? { id: rows[0].id, path: rows[0].path } : null;
}

/** A tag discovery found or created. */
export interface DiscoveredTag {
  id: string;
  name: string;
  data_type: TagDataType;
}

/**
 * The asset's tag whose name slugs to `name`'s slug, now read from `source` (its data type
 * unchanged); else a new tag named `name` of `dataType`.
 */
export async function createDiscoveredTag(
  sql: Sql,
  assetId: string,
  name: string,
  source: string,
  dataType: TagDataType = 'FLOAT',
): Promise<DiscoveredTag> {
  const [existing] = await sql.query<DiscoveredTag>(
    `update tag set source = $3
      where id = (select id from tag where asset_id = $1 and ${SLUG_SQL('name')} = $2
                   order by name limit 1)
      returning id, name, data_type::text as data_type`,
    [assetId, slugify(name), source],
  );
  if (existing) return existing;
  const [created] = await sql.query<DiscoveredTag>(
    `insert into tag (asset_id, name, data_type, source) values ($1, $2, $4::tag_data_type, $3)
     on conflict (asset_id, name) do update set source = excluded.source
     returning id, name, data_type::text as data_type`,
    [assetId, name, source, dataType],
  );
  if (!created) throw new Error(`creating tag "${name}" returned no row`);
  return created;
}

import type { Sql } from '@plantgraph/db';
import type { TagMapping } from '../plant-config.ts';
import type { ResolvedTagMapping } from './resolve.ts';
import type { PlantSignalMapper } from './signal-mapper.ts';

/** How UNS topics spell asset and tag names: lower-case, whitespace as '-'. */
export function slugify(text: string): string {
  return text.toLowerCase().replace(/\s+/g, '-');
}

const SLUG_SQL = (column: string) => `lower(regexp_replace(${column}, '[[:space:]]+', '-', 'g'))`;

/**
 * The asset whose slugged path is `slug`. UNS topics usually put the enterprise into the prefix
 * (`acme/lyon/...`), so the path below the top-level asset matches too; a full-path match wins,
 * and several assets matching only below the top level is ambiguous and matches none.
 */
async function assetBySlug(sql: Sql, slug: string): Promise<{ id: string; path: string } | null> {
  const rows = await sql.query<{ id: string; path: string; full: boolean }>(
    `select id, path, ${SLUG_SQL('path')} = $1 as full from asset
      where ${SLUG_SQL('path')} = $1
         or (position('/' in path) > 0 and ${SLUG_SQL("substr(path, position('/' in path) + 1)")} = $1)`,
    [slug],
  );
  const full = rows.find((row) => row.full);
  if (full) return full;
  return rows.length === 1 && rows[0] ? rows[0] : null;
}

type TagRow = { id: string; name: string; data_type: TagMapping['dataType'] };

/** The asset's tag whose name slugs to the topic level, else a new FLOAT tag of that name. */
async function tagFor(sql: Sql, assetId: string, level: string, topic: string): Promise<TagRow> {
  const [existing] = await sql.query<TagRow>(
    `update tag set source = $3
      where id = (select id from tag where asset_id = $1 and ${SLUG_SQL('name')} = $2
                   order by name limit 1)
      returning id, name, data_type::text as data_type`,
    [assetId, slugify(level), topic],
  );
  if (existing) return existing;
  const [created] = await sql.query<TagRow>(
    `insert into tag (asset_id, name, data_type, source) values ($1, $2, 'FLOAT', $3)
     on conflict (asset_id, name) do update set source = excluded.source
     returning id, name, data_type::text as data_type`,
    [assetId, level, topic],
  );
  if (!created) throw new Error(`creating tag "${level}" returned no row`);
  return created;
}

/**
 * UNS discovery: for an unmapped `topic` of a connection with `discovery.prefix`, shaped
 * `<prefix><asset path in slug form>/<tag>`, finds the asset, creates the tag (FLOAT) unless the
 * asset has one whose name slugs to the last level, and makes the mapper map the exact topic from
 * now on. Returns the new mapping, or null when the connection has no discovery, the topic is
 * outside the prefix, or no single asset matches.
 */
export async function discoverTag(
  sql: Sql,
  mapper: PlantSignalMapper,
  connectionId: string,
  topic: string,
): Promise<ResolvedTagMapping | null> {
  const connection = mapper.connection(connectionId);
  if (connection?.kind !== 'mqtt' || !connection.discovery) return null;
  const { prefix } = connection.discovery;
  if (!topic.startsWith(prefix)) return null;
  const levels = topic.slice(prefix.length).split('/');
  const level = levels.pop();
  if (!level || levels.length === 0 || levels.includes('')) return null;
  const asset = await assetBySlug(sql, slugify(levels.join('/')));
  if (!asset) return null;
  const tag = await tagFor(sql, asset.id, level, topic);
  const mapping: ResolvedTagMapping = {
    connection: connectionId,
    source: { topic },
    asset: asset.path,
    tag: tag.name,
    dataType: tag.data_type,
    scale: 1,
    offset: 0,
    deadband: 0,
    assetId: asset.id,
    tagId: tag.id,
  };
  mapper.addTagMapping(mapping);
  return mapping;
}

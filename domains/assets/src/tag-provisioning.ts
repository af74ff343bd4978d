import type { Sql } from '@plantgraph/db';

/** The tag data types, as the `tag_data_type` enum names them. */
export type TagDataType = 'FLOAT' | 'INTEGER' | 'BOOLEAN' | 'STRING' | 'JSON';

/** A tag a connection's mapping declares on an asset. */
export interface MappedTag {
  assetId: string;
  name: string;
  dataType: TagDataType;
  /** Null keeps the tag's unit. */
  unit: string | null;
  /** Null keeps the tag's description. */
  description: string | null;
  /** Where the connection reads it: a node id, a topic. */
  source: string;
}

/** A provisioned tag's id on its asset. */
export interface ProvisionedTag {
  id: string;
  asset_id: string;
  name: string;
}

/**
 * Creates the mapped tags that do not exist and brings the others in line with the mapping, in
 * one statement. A unit or description the mapping leaves out keeps what the tag has.
 */
export async function upsertMappedTags(
  sql: Sql,
  tags: readonly MappedTag[],
): Promise<ProvisionedTag[]> {
  if (tags.length === 0) return [];
  return sql.query<ProvisionedTag>(
    `insert into tag (asset_id, name, data_type, unit, description, source)
     select * from unnest($1::uuid[], $2::text[], $3::text[]::tag_data_type[], $4::text[],
                          $5::text[], $6::text[])
     on conflict (asset_id, name) do update set
       data_type = excluded.data_type,
       unit = coalesce(excluded.unit, tag.unit),
       description = coalesce(excluded.description, tag.description),
       source = excluded.source
     returning id, asset_id, name`,
    [
      tags.map((tag) => tag.assetId),
      tags.map((tag) => tag.name),
      tags.map((tag) => tag.dataType),
      tags.map((tag) => tag.unit),
      tags.map((tag) => tag.description),
      tags.map((tag) => tag.source),
    ],
  );
}

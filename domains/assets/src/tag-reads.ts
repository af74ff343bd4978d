import type { Sql } from '@plantgraph/db';

/** A tag as stored; `data_type` is one of the tag_data_type enum's values. */
export interface TagRecord<DataType extends string = string> {
  id: string;
  asset_id: string;
  name: string;
  data_type: DataType;
  unit: string | null;
  description: string | null;
  source: string | null;
  /** When the tag was retired; null while it is active. */
  retired_at: Date | null;
}

const COLUMNS = 'id, asset_id, name, data_type, unit, description, source, retired_at';

/** The tags with these ids, in no particular order; unknown ids are left out. */
export function tagsWithIds<DataType extends string>(
  sql: Sql,
  ids: readonly string[],
): Promise<TagRecord<DataType>[]> {
  return sql.query<TagRecord<DataType>>(`select ${COLUMNS} from tag where id = any($1::uuid[])`, [
    ids,
  ]);
}

/** The tags of these assets, retired ones included, by name within each asset. */
export function tagsOfAssets<DataType extends string>(
  sql: Sql,
  assetIds: readonly string[],
): Promise<TagRecord<DataType>[]> {
  return sql.query<TagRecord<DataType>>(
    `select ${COLUMNS} from tag where asset_id = any($1::uuid[]) order by name`,
    [assetIds],
  );
}

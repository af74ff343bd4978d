import type { Sql } from '@plantgraph/db';
import type { TagDataType } from './tag-provisioning.ts';
import type { DiscoveredTag } from './uns-discovery.ts';

/**
 * The asset's tag named exactly `name` for a signal read from `source`, in one statement: a new
 * tag of `dataType` when the asset has none of that name; else the existing one, its data type
 * unchanged, when it reads from `source` already (found again after a restart) or from nowhere
 * (made by hand, now fed). A tag of that name that reads from another source, or was retired,
 * is left as it is: null then.
 */
export async function claimTagForSource(
  sql: Sql,
  assetId: string,
  name: string,
  source: string,
  dataType: TagDataType,
): Promise<DiscoveredTag | null> {
  const [tag] = await sql.query<DiscoveredTag>(
    `insert into tag (asset_id, name, data_type, source) values ($1, $2, $4::tag_data_type, $3)
     on conflict (asset_id, name) do update set source = excluded.source
       where tag.retired_at is null and (tag.source is null or tag.source = excluded.source)
     returning id, name, data_type::text as data_type`,
    [assetId, name, source, dataType],
  );
  return tag ?? null;
}

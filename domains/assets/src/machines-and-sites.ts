import type { Sql } from '@plantgraph/db';
import { belowPath } from './below-path.ts';

/** A machine (EQUIPMENT asset) with the SITE it belongs to. */
export interface MachineOnSite {
  /** Null for an asset without machines: the row only tells its site. */
  equipmentId: string | null;
  siteId: string | null;
}

/**
 * Per asset, in the order of `assetIds`, the machines at or below it (by path) with the SITE
 * each belongs to; an asset without machines gives one row without equipment, for its own site.
 * One statement for every asset.
 */
export async function machinesAtOrBelow(
  sql: Sql,
  assetIds: readonly string[],
): Promise<MachineOnSite[][]> {
  const rows = await sql.query<{
    key_index: number;
    equipment_id: string | null;
    site_id: string | null;
  }>(
    `select q.key_index::int as key_index, e.id as equipment_id,
            (select s.id from asset s
              where s.kind = 'SITE'
                and (s.path = coalesce(e.path, a.path)
                     or coalesce(e.path, a.path) like ${belowPath('s.path')})
              order by length(s.path) desc limit 1) as site_id
       from unnest($1::uuid[]) with ordinality as q(asset_id, key_index)
       join asset a on a.id = q.asset_id
       left join asset e
         on e.kind = 'EQUIPMENT' and (e.id = a.id or e.path like ${belowPath('a.path')})
      order by q.key_index, e.path`,
    [assetIds],
  );
  const machines: MachineOnSite[][] = assetIds.map(() => []);
  for (const row of rows) {
    machines[row.key_index - 1]?.push({ equipmentId: row.equipment_id, siteId: row.site_id });
  }
  return machines;
}

/**
 * SQL for a relation `(asset_id, site_id, site_path)`: for each asset in the uuid[] parameter
 * `assetIdsParameter`, the SITEs whose calendars apply to it: the site it is or lies below, and
 * for an asset above sites every site below it. A relation rather than a read, so that a caller
 * joining its own table to the sites keeps to one statement.
 */
export function sitesAroundRelation(assetIdsParameter: string): string {
  return `select a.id as asset_id, s.id as site_id, s.path as site_path
       from asset a
       join asset s
         on s.kind = 'SITE'
        and (s.path = a.path
             or a.path like ${belowPath('s.path')}
             or s.path like ${belowPath('a.path')})
      where a.id = any(${assetIdsParameter})`;
}

/** Those of `ids` that are no SITE: unknown assets and assets of another kind. */
export async function unknownSiteIds(sql: Sql, ids: readonly string[]): Promise<string[]> {
  const rows = await sql.query<{ id: string }>(
    `select s as id from unnest($1::uuid[]) s where s not in (select id from asset where kind = 'SITE')`,
    [ids],
  );
  return rows.map((row) => row.id);
}

import { sitesAroundRelation } from '@plantgraph/assets-domain';
import type { Sql } from '@plantgraph/db';
import type { ShiftDefinition } from './shift-calendar.ts';

interface ShiftRow {
  id: string;
  site_id: string;
  name: string;
  start_time: string;
  end_time: string;
  days_of_week: number[];
  timezone: string;
}

const SHIFT_COLUMNS = `sh.id, sh.site_id, sh.name, sh.start_time::text as start_time,
  sh.end_time::text as end_time, sh.days_of_week, sh.timezone`;

function definitionOf(row: ShiftRow): ShiftDefinition {
  return {
    id: row.id,
    siteId: row.site_id,
    name: row.name,
    startTime: row.start_time,
    endTime: row.end_time,
    daysOfWeek: row.days_of_week,
    timezone: row.timezone,
  };
}

/** The shift calendars of `siteIds`, by start time and name; one statement, none for no sites. */
export async function shiftsOfSites(
  sql: Sql,
  siteIds: readonly string[],
): Promise<Map<string, ShiftDefinition[]>> {
  const calendars = new Map(siteIds.map((siteId): [string, ShiftDefinition[]] => [siteId, []]));
  if (siteIds.length === 0) return calendars;
  const rows = await sql.query<ShiftRow>(
    `select ${SHIFT_COLUMNS} from shift sh
      where sh.site_id = any($1::uuid[]) order by sh.site_id, sh.start_time, sh.name`,
    [siteIds],
  );
  for (const row of rows) calendars.get(row.site_id)?.push(definitionOf(row));
  return calendars;
}

/**
 * The shifts that apply to each asset, in the order of `assetIds`: those of the site it belongs
 * to (or is), and for an asset above sites, those of every site below it; by site path, then
 * start time. One statement: the sites are the assets domain's relation, joined to shift here.
 */
export async function shiftsOfAssets(
  sql: Sql,
  assetIds: readonly string[],
): Promise<ShiftDefinition[][]> {
  const rows = await sql.query<ShiftRow & { asset_id: string }>(
    `select x.asset_id, ${SHIFT_COLUMNS}
       from (${sitesAroundRelation('$1::uuid[]')}) x
       join shift sh on sh.site_id = x.site_id
      order by x.site_path, sh.start_time, sh.name`,
    [assetIds],
  );
  const shifts = new Map(assetIds.map((assetId): [string, ShiftDefinition[]] => [assetId, []]));
  for (const row of rows) shifts.get(row.asset_id)?.push(definitionOf(row));
  return assetIds.map((assetId) => shifts.get(assetId) ?? []);
}

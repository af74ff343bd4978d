import DataLoader from 'dataloader';
import { groupBy, type GraphContext } from '@plantgraph/graph';
import type { ShiftDefinition } from './shift-calendar.ts';
import { belowPath } from './subtree-sql.ts';

interface ShiftRow {
  id: string;
  site_id: string;
  name: string;
  start_time: string;
  end_time: string;
  days_of_week: number[];
  timezone: string;
}

const shiftColumns = `sh.id, sh.site_id, sh.name, sh.start_time::text as start_time,
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

/** The shift calendars of `siteIds`, by site; one statement, none for no sites. */
export async function shiftsOfSites(
  context: GraphContext,
  siteIds: readonly string[],
): Promise<Map<string, ShiftDefinition[]>> {
  if (siteIds.length === 0) return new Map();
  const rows = await context.sql.query<ShiftRow>(
    `select ${shiftColumns} from shift sh
      where sh.site_id = any($1::uuid[]) order by sh.site_id, sh.start_time, sh.name`,
    [siteIds],
  );
  const groups = groupBy(siteIds, rows, (row) => row.site_id);
  return new Map(siteIds.map((siteId, index) => [siteId, (groups[index] ?? []).map(definitionOf)]));
}

/**
 * The shifts that apply to each asset: those of the site it belongs to (or is), and for an
 * asset above sites, those of every site below it; by site path, then start time.
 */
export const shiftsByAssetId = (context: GraphContext) =>
  new DataLoader<string, ShiftDefinition[]>(async (assetIds) => {
    const rows = await context.sql.query<ShiftRow & { asset_id: string }>(
      `select a.id as asset_id, ${shiftColumns}
         from asset a
         join asset s
           on s.kind = 'SITE'
          and (s.path = a.path
               or a.path like ${belowPath('s.path')}
               or s.path like ${belowPath('a.path')})
         join shift sh on sh.site_id = s.id
        where a.id = any($1::uuid[])
        order by s.path, sh.start_time, sh.name`,
      [assetIds],
    );
    return groupBy(assetIds, rows, (row) => row.asset_id).map((group) => group.map(definitionOf));
  });

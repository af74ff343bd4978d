import {
  joinAsset,
  siteScopeCondition,
  subtreePattern,
  type AssetPath,
} from '@plantgraph/assets-domain';
import { exactTimeOf, type Sql } from '@plantgraph/db';
import { alarmStateSql, type AlarmSeverity, type AlarmState } from './alarm-state.ts';

/** An alarm_event row with its derived state, as every read returns it. */
export interface AlarmRow {
  id: string;
  asset_id: string;
  code: string;
  message: string;
  severity: AlarmSeverity;
  state: AlarmState;
  raised_at: Date;
  cleared_at: Date | null;
  /** Why it was cleared, when not by an edge at its source (`CLEARED_ON_RECONNECT`). */
  clear_reason: string | null;
  acknowledged_at: Date | null;
  acknowledged_by: string | null;
  acknowledge_comment: string | null;
}

/** The columns of an AlarmRow, from `alarm_event` aliased `e`. */
export const alarmColumns = `e.id, e.asset_id, e.code, e.message, e.severity, e.raised_at, e.cleared_at,
  e.clear_reason, e.acknowledged_at, e.acknowledged_by, e.acknowledge_comment, ${alarmStateSql} as state`;

/** The alarm's asset, aliased `a`, joined to `alarm_event` aliased `e`: for path filters. */
export const withAlarmAsset = joinAsset('a', 'e.asset_id');

/** raised_at with all its microseconds, for cursors (see exactTimeOf). */
const exactRaisedAt = exactTimeOf('e.raised_at');

/** The alarms with these ids, in no particular order; unknown ids are left out. */
export function alarmsByIds(sql: Sql, ids: readonly string[]): Promise<AlarmRow[]> {
  return sql.query<AlarmRow>(
    `select ${alarmColumns} from alarm_event e where e.id = any($1::uuid[])`,
    [ids],
  );
}

/** The asset each alarm was raised on, in the order of `alarmIds`; null for unknown alarms. */
export async function assetsOfAlarms(
  sql: Sql,
  alarmIds: readonly string[],
): Promise<(string | null)[]> {
  const rows = await sql.query<{ id: string; asset_id: string }>(
    'select id, asset_id from alarm_event where id = any($1::uuid[])',
    [alarmIds],
  );
  const assets = new Map(rows.map((row) => [row.id, row.asset_id]));
  return alarmIds.map((id) => assets.get(id) ?? null);
}

/** The alarms of these assets not yet cleared, most severe first, then the newest. */
export function activeAlarmsOfAssets(sql: Sql, assetIds: readonly string[]): Promise<AlarmRow[]> {
  return sql.query<AlarmRow>(
    `select ${alarmColumns} from alarm_event e
      where e.asset_id = any($1::uuid[]) and e.cleared_at is null
      order by e.severity desc, e.raised_at desc, e.id desc`,
    [assetIds],
  );
}

/** A position in the newest-first list: the last alarm's raised_at with every microsecond, its id. */
export interface AlarmCursor {
  raisedAt: string;
  id: string;
}

/** Which alarms to list; every condition is optional (null) and they combine. */
export interface AlarmListFilter {
  /** Only alarms of this asset itself. */
  assetId: string | null;
  /** Only alarms of this asset and everything below it. */
  under: AssetPath | null;
  state: AlarmState | null;
  /** The half-open window [from, to) of raised_at. */
  from: Date | null;
  to: Date | null;
  after: AlarmCursor | null;
  /** Most rows to return. */
  limit: number;
  /** The roots of the caller's sites (siteRoots); undefined for every site. */
  sites: readonly string[] | undefined;
}

/** A listed alarm with its cursor key, raised_at with every microsecond. */
export type ListedAlarm = AlarmRow & { cursor_time: string };

/**
 * Alarms newest first, filtered by asset, subtree, state, the raised_at window and the caller's
 * sites, with how many the filter holds in all; two statements, run together.
 */
export async function listAlarms(
  sql: Sql,
  filter: AlarmListFilter,
): Promise<{ rows: ListedAlarm[]; total: number }> {
  const where = `($1::uuid is null or e.asset_id = $1)
    and ($2::text is null or a.path = $2 or a.path like $3)
    and ($4::timestamptz is null or e.raised_at >= $4)
    and ($5::timestamptz is null or e.raised_at < $5)
    and ($6::text is null or ${alarmStateSql} = $6)`;
  const params = [
    filter.assetId,
    filter.under?.path ?? null,
    filter.under ? subtreePattern(filter.under.path) : null,
    filter.from?.toISOString() ?? null,
    filter.to?.toISOString() ?? null,
    filter.state,
  ];
  const [pageScope, pageScopeParams] = siteScopeCondition('a.path', 10, filter.sites);
  const [countScope, countScopeParams] = siteScopeCondition('a.path', 7, filter.sites);
  const [rows, [count]] = await Promise.all([
    sql.query<ListedAlarm>(
      `select ${alarmColumns}, ${exactRaisedAt} as cursor_time
         from alarm_event e ${withAlarmAsset}
        where ${where} and ${pageScope}
          and ($7::timestamptz is null or (e.raised_at, e.id) < ($7::timestamptz, $8::uuid))
        order by e.raised_at desc, e.id desc
        limit $9`,
      [
        ...params,
        filter.after?.raisedAt ?? null,
        filter.after?.id ?? null,
        filter.limit,
        ...pageScopeParams,
      ],
    ),
    sql.query<{ total: number }>(
      `select count(*) as total from alarm_event e ${withAlarmAsset}
        where ${where} and ${countScope}`,
      [...params, ...countScopeParams],
    ),
  ]);
  return { rows, total: count?.total ?? 0 };
}

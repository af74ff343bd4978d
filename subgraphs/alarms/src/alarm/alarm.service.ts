import DataLoader from 'dataloader';
import {
  BadUserInputError,
  checkTimeWindow,
  ConflictError,
  decodeCursor,
  groupBy,
  indexBy,
  loader,
  NotFoundError,
  pageSize,
  parseId,
  requireAssetPath,
  requireRowInScope,
  subtreePattern,
  toConnection,
  type GraphContext,
  scopeFilter,
} from '@plantgraph/graph';
import { Alarm, alarmStateSql, AlarmState, type AlarmRow } from './alarm.type.ts';

/** The columns Alarm.fromRow reads, from `alarm_event` aliased `e`. */
export const alarmColumns = `e.id, e.asset_id, e.code, e.message, e.severity, e.raised_at, e.cleared_at,
  e.acknowledged_at, e.acknowledged_by, e.acknowledge_comment, ${alarmStateSql} as state`;

/**
 * raised_at with all its microseconds, for cursors: a JavaScript Date keeps only milliseconds,
 * and a truncated key would skip or repeat rows on the next page.
 */
const exactRaisedAt = `to_char(e.raised_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
const EXACT_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/** Alarms by id, with their derived state; null for unknown ids. */
export const alarmById = (context: GraphContext) =>
  new DataLoader<string, Alarm | null>(async (ids) => {
    const rows = await context.sql.query<AlarmRow>(
      `select ${alarmColumns} from alarm_event e where e.id = any($1::uuid[])`,
      [ids],
    );
    return indexBy(ids, rows.map(Alarm.fromRow), (alarm) => alarm.id);
  });

/** Alarms not yet cleared, most severe first, then the newest. */
export const activeAlarmsByAssetId = (context: GraphContext) =>
  new DataLoader<string, Alarm[]>(async (assetIds) => {
    const rows = await context.sql.query<AlarmRow>(
      `select ${alarmColumns} from alarm_event e
        where e.asset_id = any($1::uuid[]) and e.cleared_at is null
        order by e.severity desc, e.raised_at desc, e.id desc`,
      [assetIds],
    );
    return groupBy(assetIds, rows.map(Alarm.fromRow), (alarm) => alarm.assetId);
  });

/** The alarm with `id`; BAD_USER_INPUT when malformed, NOT_FOUND when unknown. */
export async function requireAlarm(context: GraphContext, id: string): Promise<Alarm> {
  const alarm = await loader(context, alarmById).load(parseId(id, 'id', 'Alarm'));
  if (!alarm) throw new NotFoundError('Alarm', id);
  return alarm;
}

export interface AlarmFilter {
  assetId?: string | null;
  under?: string | null;
  state?: AlarmState | null;
  from?: Date | null;
  to?: Date | null;
  first?: number | null;
  after?: string | null;
}

function decodeAlarmCursor(after: string | null | undefined): [string, string] | [null, null] {
  const key = decodeCursor(after, 2);
  if (!key) return [null, null];
  const [raisedAt, id] = key;
  if (typeof raisedAt !== 'string' || !EXACT_TIME.test(raisedAt) || typeof id !== 'string') {
    throw new BadUserInputError('after', `"${after}" is not a valid cursor`);
  }
  return [raisedAt, parseId(id, 'after', 'Alarm')];
}

/** Alarms newest first, filtered by asset, subtree, state and a half-open raisedAt window. */
export async function listAlarms(context: GraphContext, filter: AlarmFilter) {
  const first = pageSize(filter.first);
  const [afterRaisedAt, afterId] = decodeAlarmCursor(filter.after);
  const { from, to } = checkTimeWindow(filter.from, filter.to);
  const [asset, root] = await Promise.all([
    filter.assetId ? requireAssetPath(context, filter.assetId, 'assetId') : null,
    filter.under ? requireAssetPath(context, filter.under, 'under') : null,
  ]);
  const where = `($1::uuid is null or e.asset_id = $1)
    and ($2::text is null or a.path = $2 or a.path like $3)
    and ($4::timestamptz is null or e.raised_at >= $4)
    and ($5::timestamptz is null or e.raised_at < $5)
    and ($6::text is null or ${alarmStateSql} = $6)`;
  const params = [
    asset?.id ?? null,
    root?.path ?? null,
    root ? subtreePattern(root.path) : null,
    from?.toISOString() ?? null,
    to?.toISOString() ?? null,
    filter.state ?? null,
  ];
  const [pageScope, pageScopeParams] = await scopeFilter(context, 'a.path', 10);
  const [countScope, countScopeParams] = await scopeFilter(context, 'a.path', 7);
  const [rows, [count]] = await Promise.all([
    context.sql.query<AlarmRow & { cursor_time: string }>(
      `select ${alarmColumns}, ${exactRaisedAt} as cursor_time
         from alarm_event e join asset a on a.id = e.asset_id
        where ${where} and ${pageScope}
          and ($7::timestamptz is null or (e.raised_at, e.id) < ($7::timestamptz, $8::uuid))
        order by e.raised_at desc, e.id desc
        limit $9`,
      [...params, afterRaisedAt, afterId, first + 1, ...pageScopeParams],
    ),
    context.sql.query<{ total: number }>(
      `select count(*) as total from alarm_event e join asset a on a.id = e.asset_id
        where ${where} and ${countScope}`,
      [...params, ...countScopeParams],
    ),
  ]);
  return toConnection(
    rows,
    first,
    Alarm.fromRow,
    (row) => [row.cursor_time, row.id],
    count?.total ?? 0,
  );
}

/**
 * Acknowledges an alarm as the caller. One conditional UPDATE decides the winner, so of two
 * concurrent acknowledgements exactly one succeeds and the other gets CONFLICT.
 */
export async function acknowledge(
  context: GraphContext,
  id: string,
  comment: string | null,
): Promise<Alarm> {
  const alarmId = parseId(id, 'id', 'Alarm');
  await requireRowInScope(context, 'alarm_event', alarmId, 'id');
  const [row] = await context.sql.query<AlarmRow>(
    `update alarm_event as e
        set acknowledged_at = now(), acknowledged_by = $2, acknowledge_comment = $3
      where e.id = $1 and e.acknowledged_at is null
      returning ${alarmColumns}`,
    [alarmId, context.identity.subject, comment],
  );
  if (row) return Alarm.fromRow(row);
  const [existing] = await context.sql.query<{ acknowledged_by: string; acknowledged_at: Date }>(
    'select acknowledged_by, acknowledged_at from alarm_event where id = $1',
    [alarmId],
  );
  if (!existing) throw new NotFoundError('Alarm', id);
  throw new ConflictError(
    `Alarm "${id}" was already acknowledged by ${existing.acknowledged_by} ` +
      `at ${existing.acknowledged_at.toISOString()}`,
  );
}

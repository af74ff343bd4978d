import DataLoader from 'dataloader';
import { isExactTime } from '@plantgraph/db';
import {
  BadUserInputError,
  checkTimeWindow,
  decodeCursor,
  groupBy,
  indexBy,
  loader,
  NotFoundError,
  pageSize,
  parseId,
  requireAssetPath,
  sitePaths,
  toConnection,
  type GraphContext,
} from '@plantgraph/graph';
import {
  activeAlarmsOfAssets,
  alarmsByIds,
  listAlarms,
  sourceAcknowledgements,
  type AlarmCursor,
  type AlarmState,
} from '@plantgraph/alarms-domain';
import { Alarm } from './alarm.type.ts';
import { SourceAcknowledgement } from './source-acknowledgement.type.ts';

/** Alarms by id, with their derived state; null for unknown ids. */
export const alarmById = (context: GraphContext) =>
  new DataLoader<string, Alarm | null>(async (ids) => {
    const rows = await alarmsByIds(context.sql, ids);
    return indexBy(ids, rows.map(Alarm.fromRow), (alarm) => alarm.id);
  });

/** Alarms not yet cleared, most severe first, then the newest. */
export const activeAlarmsByAssetId = (context: GraphContext) =>
  new DataLoader<string, Alarm[]>(async (assetIds) => {
    const rows = await activeAlarmsOfAssets(context.sql, assetIds);
    return groupBy(assetIds, rows.map(Alarm.fromRow), (alarm) => alarm.assetId);
  });

/**
 * The source's answer to the newest acknowledgement carried to it, per alarm id; null when none
 * was carried. Every alarm of a request in one statement.
 */
export const sourceAcknowledgementByAlarmId = (context: GraphContext) =>
  new DataLoader<string, SourceAcknowledgement | null>(async (alarmIds) => {
    const answers = await sourceAcknowledgements(context.sql, alarmIds);
    return indexBy(alarmIds, answers, (answer) => answer.alarmId).map((answer) =>
      answer ? SourceAcknowledgement.fromDomain(answer) : null,
    );
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

function decodeAlarmCursor(after: string | null | undefined): AlarmCursor | null {
  const key = decodeCursor(after, 2);
  if (!key) return null;
  const [raisedAt, id] = key;
  if (!isExactTime(raisedAt) || typeof id !== 'string') {
    throw new BadUserInputError('after', `"${after}" is not a valid cursor`);
  }
  return { raisedAt, id: parseId(id, 'after', 'Alarm') };
}

/** Alarms newest first, filtered by asset, subtree, state and a half-open raisedAt window. */
export async function alarmPage(context: GraphContext, filter: AlarmFilter) {
  const first = pageSize(filter.first);
  const after = decodeAlarmCursor(filter.after);
  const { from, to } = checkTimeWindow(filter.from, filter.to);
  const [asset, under] = await Promise.all([
    filter.assetId ? requireAssetPath(context, filter.assetId, 'assetId') : null,
    filter.under ? requireAssetPath(context, filter.under, 'under') : null,
  ]);
  const { rows, total } = await listAlarms(context.sql, {
    assetId: asset?.id ?? null,
    under,
    state: filter.state ?? null,
    from: from ?? null,
    to: to ?? null,
    after,
    limit: first + 1,
    sites: await sitePaths(context),
  });
  return toConnection(rows, first, Alarm.fromRow, (row) => [row.cursor_time, row.id], total);
}

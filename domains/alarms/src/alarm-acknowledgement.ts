import type { Sql } from '@plantgraph/db';
import { AlarmAlreadyAcknowledged, AlarmNotFound } from './alarm-errors.ts';
import { alarmColumns, type AlarmRow } from './alarm-queries.ts';

/** An operator's acknowledgement of one alarm. */
export interface AlarmAcknowledgement {
  /** A well-formed alarm id (the adapter parsed it). */
  alarmId: string;
  /** Who acknowledges: the caller's subject. */
  actor: string;
  /** Why, or what was done about it. */
  comment: string | null;
}

/**
 * Which alarms the caller may acknowledge. The adapter that knows the caller implements it; the
 * domain asks before anything is written. Callers acting for the whole plant pass none.
 */
export interface AlarmAccess {
  alarm(alarmId: string, field: string): Promise<void>;
}

/**
 * Acknowledges an alarm and answers it as stored. One conditional UPDATE decides the winner, so
 * of two concurrent acknowledgements exactly one succeeds and the other gets
 * AlarmAlreadyAcknowledged; AlarmNotFound for an unknown id.
 */
export async function acknowledgeAlarm(
  sql: Sql,
  { alarmId, actor, comment }: AlarmAcknowledgement,
  access?: AlarmAccess,
): Promise<AlarmRow> {
  await access?.alarm(alarmId, 'id');
  const [row] = await sql.query<AlarmRow>(
    `update alarm_event as e
        set acknowledged_at = now(), acknowledged_by = $2, acknowledge_comment = $3
      where e.id = $1 and e.acknowledged_at is null
      returning ${alarmColumns}`,
    [alarmId, actor, comment],
  );
  if (row) return row;
  const [existing] = await sql.query<{ acknowledged_by: string; acknowledged_at: Date }>(
    'select acknowledged_by, acknowledged_at from alarm_event where id = $1',
    [alarmId],
  );
  if (!existing) throw new AlarmNotFound(alarmId);
  throw new AlarmAlreadyAcknowledged(alarmId, existing.acknowledged_by, existing.acknowledged_at);
}

/**
 * The newest alarm of `code` on the asset, active or cleared: the one an acknowledgement at the
 * source (an OPC UA server's AckedState) stands for; null when there is none. Older alarms of the
 * code are not the source's current state and are left as they are.
 */
export async function latestAlarmOf(
  sql: Sql,
  assetId: string,
  code: string,
): Promise<string | null> {
  const [row] = await sql.query<{ id: string }>(
    `select id from alarm_event
      where asset_id = $1 and code = $2
      order by raised_at desc
      limit 1`,
    [assetId, code],
  );
  return row?.id ?? null;
}

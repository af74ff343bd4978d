import type { BulkColumn, Sql } from '@plantgraph/db';
import type { AlarmSeverity } from './alarm-state.ts';

/*
 * The connectors' writes to alarm_event: the raises a batch stores, the clears of events stored
 * earlier, and the open events both are planned against. Each runs inside the caller's
 * transaction.
 */

/**
 * Why a connector cleared an alarm that its source did not report clearing: the alarm was not
 * active in the values read when the connection was (re)established, so it went away while the
 * connector was not watching. Its clear time is when that was observed.
 */
export const CLEARED_ON_RECONNECT = 'not active on reconnect';

/** An alarm event a connector raised; `clearedAt` set when the same batch cleared it. */
export interface NewAlarmEvent {
  assetId: string;
  code: string;
  message: string;
  severity: `${AlarmSeverity}`;
  raisedAt: Date;
  clearedAt: Date | null;
  /** Why it was cleared when not by an edge at its source; null otherwise. */
  clearReason?: string | null;
}

/** A clear of a stored event: when, and why when not by an edge at its source. */
export interface AlarmClear {
  id: string;
  clearedAt: Date;
  reason?: string | null;
}

/** An event still open (not cleared). */
export interface OpenAlarmEvent {
  id: string;
  asset_id: string;
  code: string;
  raised_at: Date;
}

const col = (name: string, type: string): BulkColumn => ({ name, type });

const ALARM_COLUMNS = [
  col('asset_id', 'uuid'),
  col('code', 'text'),
  col('message', 'text'),
  col('severity', 'alarm_severity'),
  col('raised_at', 'timestamptz'),
  col('cleared_at', 'timestamptz'),
  col('clear_reason', 'text'),
];

/** The open events of these assets, oldest raise first. */
export function openAlarmEvents(tx: Sql, assetIds: readonly string[]): Promise<OpenAlarmEvent[]> {
  return tx.query<OpenAlarmEvent>(
    `select id, asset_id, code, raised_at from alarm_event
      where cleared_at is null and asset_id = any($1::uuid[])
      order by raised_at`,
    [assetIds],
  );
}

/** Stores raised events in one statement; an (asset, code, raise time) already stored is kept. */
export function insertAlarmEvents(tx: Sql, events: readonly NewAlarmEvent[]): Promise<void> {
  return tx.bulkInsert(
    'alarm_event',
    ALARM_COLUMNS,
    events.map((e) => [
      e.assetId,
      e.code,
      e.message,
      e.severity,
      e.raisedAt,
      e.clearedAt,
      e.clearReason ?? null,
    ]),
    'on conflict (asset_id, code, raised_at) do nothing',
  );
}

/**
 * Clears stored events in one statement; an event cleared meanwhile keeps its clear time and
 * reason.
 */
export async function clearAlarmEvents(tx: Sql, clears: readonly AlarmClear[]): Promise<void> {
  if (clears.length === 0) return;
  await tx.query(
    `update alarm_event as e set cleared_at = u.cleared_at, clear_reason = u.reason
       from unnest($1::uuid[], $2::timestamptz[], $3::text[]) as u (id, cleared_at, reason)
      where e.id = u.id and e.cleared_at is null`,
    [
      clears.map((clear) => clear.id),
      clears.map((clear) => clear.clearedAt.toISOString()),
      clears.map((clear) => clear.reason ?? null),
    ],
  );
}

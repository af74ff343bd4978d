import type { Sql } from '@plantgraph/db';

/** The protocol of a machine connection. */
export enum ConnectionKind {
  OPCUA = 'opcua',
  MQTT = 'mqtt',
}

/** Where a connection stands, as its connector reports it. */
export enum ConnectionState {
  CONNECTING = 'CONNECTING',
  CONNECTED = 'CONNECTED',
  RECONNECTING = 'RECONNECTING',
  DISCONNECTED = 'DISCONNECTED',
  FAILED = 'FAILED',
}

/** A row of connection_status: what the process owning a connection last reported. */
export interface ConnectionRow {
  id: string;
  kind: ConnectionKind;
  endpoint: string;
  state: ConnectionState;
  since: Date;
  last_error: string | null;
  messages_per_second: number;
  items: number;
  last_message_at: Date | null;
  spool_depth: number;
  dead_letters: number;
  lost_messages: number;
  falling_behind: boolean;
  reported_at: Date;
  /** The configuration version the connection runs; null until its connector reports one. */
  config_version: number | null;
}

/** A connector's status older than this is reported as stale: its process stopped reporting. */
export const STALE_AFTER_MS = 30_000;

/** Whether the process behind a status has not reported for longer than STALE_AFTER_MS. */
export function isStale(row: Pick<ConnectionRow, 'reported_at'>, now = Date.now()): boolean {
  return now - row.reported_at.getTime() > STALE_AFTER_MS;
}

/** Every configured machine connection's last reported status, by id. */
export function connectionStatuses(sql: Sql): Promise<ConnectionRow[]> {
  return sql.query<ConnectionRow>(
    `select id, kind, endpoint, state, since, last_error, messages_per_second, items,
            last_message_at, spool_depth, dead_letters, lost_messages,
            falling_behind, reported_at, config_version
       from connection_status order by id`,
  );
}

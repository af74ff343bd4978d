import type { BulkColumn, Sql } from '@plantgraph/db';
import type {
  BackfillReport,
  ConnectionKind,
  ConnectionState,
  ServerLimits,
  SubscriptionPlan,
} from './connection-status.ts';

/** What the process owning a connection reports about it. */
export interface ConnectionStatusReport {
  id: string;
  kind: `${ConnectionKind}`;
  endpoint: string;
  state: `${ConnectionState}`;
  since: Date;
  lastError: string | null;
  messagesPerSecond: number;
  items: number;
  lastMessageAt: Date | null;
  spoolDepth: number;
  deadLetters: number;
  lostMessages: number;
  fallingBehind: boolean;
  /** The configuration version the connection runs; null for a configuration not stored. */
  configVersion: number | null;
  /** The last history backfill; null keeps the one stored (a restarted process has none yet). */
  lastBackfill?: BackfillReport | null;
  /** OPC UA: the server's published limits; absent for other kinds and before connecting. */
  serverLimits?: ServerLimits | null;
  /** OPC UA: how the monitored items are spread over subscriptions and calls. */
  subscriptionPlan?: SubscriptionPlan | null;
}

const col = (name: string, type: string): BulkColumn => ({ name, type });

const STATUS_COLUMNS = [
  col('id', 'text'),
  col('kind', 'text'),
  col('endpoint', 'text'),
  col('state', 'text'),
  col('since', 'timestamptz'),
  col('last_error', 'text'),
  col('messages_per_second', 'float8'),
  col('items', 'int4'),
  col('last_message_at', 'timestamptz'),
  col('spool_depth', 'int8'),
  col('dead_letters', 'int8'),
  col('lost_messages', 'int8'),
  col('falling_behind', 'bool'),
  col('config_version', 'int4'),
  col('server_limits', 'jsonb'),
  col('subscription_plan', 'jsonb'),
  col('reported_at', 'timestamptz'),
  col('last_backfill', 'jsonb'),
];

/** Columns a report leaves null to keep the stored value rather than erase it. */
const KEPT_UNLESS_REPORTED = new Set(['last_backfill']);

const UPSERT = `on conflict (id) do update set ${STATUS_COLUMNS.slice(1)
  .map(({ name }) =>
    KEPT_UNLESS_REPORTED.has(name)
      ? `${name} = coalesce(excluded.${name}, connection_status.${name})`
      : `${name} = excluded.${name}`,
  )
  .join(', ')}`;

/**
 * Upserts one `connection_status` row per report in one statement, all stamped `reportedAt`, so
 * any replica can answer health queries (and tell a stale report, see `isStale`).
 */
export function upsertConnectionStatus(
  sql: Sql,
  reports: readonly ConnectionStatusReport[],
  reportedAt: Date,
): Promise<void> {
  return sql.bulkInsert(
    'connection_status',
    STATUS_COLUMNS,
    reports.map((status) => [
      status.id,
      status.kind,
      status.endpoint,
      status.state,
      status.since,
      status.lastError,
      status.messagesPerSecond,
      status.items,
      status.lastMessageAt,
      status.spoolDepth,
      status.deadLetters,
      status.lostMessages,
      status.fallingBehind,
      status.configVersion,
      jsonOrNull(status.serverLimits),
      jsonOrNull(status.subscriptionPlan),
      reportedAt,
      status.lastBackfill ? JSON.stringify(status.lastBackfill) : null,
    ]),
    UPSERT,
  );
}

function jsonOrNull(value: object | null | undefined): string | null {
  return value ? JSON.stringify(value) : null;
}

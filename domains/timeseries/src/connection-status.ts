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

/**
 * The last history backfill of an OPC UA connection: what its connector read from the server's
 * history after (re)connecting, to store what it missed (docs/connectors.md, History backfill).
 */
export interface BackfillReport {
  /** The earliest and latest time any node's history was read from and to. */
  from: Date;
  to: Date;
  startedAt: Date;
  durationMs: number;
  /** Nodes whose history was read. */
  nodes: number;
  /** Values the server returned. */
  valuesRead: number;
  /**
   * Datapoints handed to storage after mapping and deadband; the (tag, time) key drops those
   * already stored, so storage keeps at most this many.
   */
  valuesDelivered: number;
  /** Mapped nodes without readable history (no HistoryRead access, or unsupported). */
  nodesUnsupported: number;
  /** The first of those nodes' addresses, at most 20. */
  unsupported: string[];
  /** Why the backfill stopped early; null when it completed. */
  error: string | null;
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
  /** The last history backfill (OPC UA); null until one ran. */
  last_backfill: BackfillReport | null;
  /** OPC UA: the limits the server publishes; null for MQTT and until connected. */
  server_limits: ServerLimits | null;
  /** OPC UA: how the monitored items are spread over subscriptions and calls. */
  subscription_plan: SubscriptionPlan | null;
}

/**
 * What an OPC UA server says it can take (Part 5, 6.3.2 ServerCapabilitiesType and 6.3.11
 * OperationLimitsType). `null` is a limit the server does not publish or publishes as 0, which
 * both mean "no limit". MaxSubscriptionsPerSession, MaxMonitoredItems and
 * MaxMonitoredItemsPerSubscription are new in 1.04/1.05, so older servers leave them out.
 */
export interface ServerLimits {
  maxSubscriptionsPerSession: number | null;
  maxMonitoredItems: number | null;
  maxMonitoredItemsPerSubscription: number | null;
  maxMonitoredItemsPerCall: number | null;
  maxNodesPerRead: number | null;
  maxNodesPerBrowse: number | null;
  maxNodesPerTranslateBrowsePathsToNodeIds: number | null;
  /** Nodes one HistoryRead of raw values may read; absent from limits stored before it was read. */
  maxNodesPerHistoryReadData: number | null;
}

/** How an OPC UA connection's monitored items are spread over subscriptions and calls. */
export interface SubscriptionPlan {
  /** Subscriptions to create. */
  subscriptions: number;
  /** The most items any one subscription holds; they are spread evenly. */
  itemsPerSubscription: number;
  /** Monitored items per CreateMonitoredItems call. */
  itemsPerCall: number;
  /** Items the plan monitors. */
  items: number;
  /** Items the server's limits leave no room for; each becomes a dead letter. */
  unplanned: number;
  /** How often the server refused a plan within its published limits and it was made again. */
  replans: number;
}

/** A connector's status older than this is reported as stale: its process stopped reporting. */
export const STALE_AFTER_MS = 30_000;

/** Whether the process behind a status has not reported for longer than STALE_AFTER_MS. */
export function isStale(row: Pick<ConnectionRow, 'reported_at'>, now = Date.now()): boolean {
  return now - row.reported_at.getTime() > STALE_AFTER_MS;
}

/** Every configured machine connection's last reported status, by id. */
export async function connectionStatuses(sql: Sql): Promise<ConnectionRow[]> {
  const rows = await sql.query<Omit<ConnectionRow, 'last_backfill'> & { last_backfill: unknown }>(
    `select id, kind, endpoint, state, since, last_error, messages_per_second, items,
            last_message_at, spool_depth, dead_letters, lost_messages,
            falling_behind, reported_at, config_version, last_backfill,
            server_limits, subscription_plan
       from connection_status order by id`,
  );
  return rows.map((row) => ({ ...row, last_backfill: backfillOf(row.last_backfill) }));
}

/** The stored JSON of a backfill report (times as ISO strings) as a report. */
function backfillOf(stored: unknown): BackfillReport | null {
  if (stored === null || typeof stored !== 'object') return null;
  const report = stored as Record<string, unknown>;
  return {
    ...(report as unknown as BackfillReport),
    from: new Date(report.from as string),
    to: new Date(report.to as string),
    startedAt: new Date(report.startedAt as string),
  };
}

import type { EventEmitter } from 'node:events';
import type { ClientSession } from 'node-opcua';
import type { Logger } from '@plantgraph/config';
import type { LastStoredTimes } from './history-backfill.ts';
import type {
  BackfillReport,
  ConnectionHealth,
  ConnectionState,
  Connector,
  DeadLetterRecord,
  IngestSink,
  OpcuaConnectionConfig,
  ResolvedEventMapping,
  SignalMapper,
} from '@plantgraph/ingest';
import type {
  AcknowledgedAtSource,
  ConditionAckResult,
  OpenAlarm,
} from './events/alarm-conditions.ts';

export interface OpcuaConnectorOptions {
  connection: OpcuaConnectionConfig;
  mapper: SignalMapper;
  sink: IngestSink;
  health: ConnectionHealth;
  logger: Logger;
  /** Called with each dead letter once the sink has taken it (metrics, tests). */
  onDeadLetter?: (letter: DeadLetterRecord) => void;
  /**
   * node-opcua's certificate folder (client certificate, trusted and rejected server
   * certificates). Defaults to a folder under the OS temp directory; pass one inside the data
   * directory when the server must keep trusting the same client certificate across reboots.
   */
  pkiFolder?: string;
  /** Samples waiting for the sink at which the subscriptions stop publishing; default 5000. */
  maxPendingSamples?: number;
  /**
   * What the tags of each address last stored, where a history backfill starts (the connection's
   * `backfill`); without it a backfill reads its whole window.
   */
  lastStored?: LastStoredTimes;
  /** The connection's Alarms & Conditions (events) mappings, read on every (re)subscription. */
  eventMappings?: () => readonly ResolvedEventMapping[];
  /** Plantgraph's open alarms of events mappings, compared with each ConditionRefresh. */
  openAlarms?: (assetIds: readonly string[]) => Promise<OpenAlarm[]>;
}

/** What the connector monitors after (re)subscribing. */
export interface SubscriptionSummary {
  subscriptions: number;
  /** Monitored items the server accepted. */
  items: number;
  /** Sources that could not be monitored (each also became a dead letter). */
  rejected: number;
}

export interface OpcuaConnectorEvents {
  /** The connection state changed; `error` says why it is not CONNECTED. */
  state: [state: ConnectionState, error: string | undefined];
  /** Subscriptions were created: after connecting, and after a reconnection that lost items. */
  subscribed: [summary: SubscriptionSummary];
  /** After a connection loss the session is back and its subscriptions are complete again. */
  restored: [];
  /** `refresh` brought the monitored items in line with the mapper: what it added and removed. */
  refreshed: [change: { added: number; removed: number }];
  /** A history backfill ended (the connection's `backfill`): what it read and handed on. */
  backfilled: [report: BackfillReport];
  /** The server reports a condition of an events mapping acknowledged (AckedState true). */
  conditionAcknowledged: [ack: AcknowledgedAtSource];
}

/** A running OPC UA connector. */
export interface OpcuaConnector
  extends Connector, Pick<EventEmitter<OpcuaConnectorEvents>, 'on' | 'once' | 'off'> {
  /**
   * Runs `action` on the connector's session (writes, reads and method calls for order
   * downloads); fails at once while the server is not connected.
   */
  withSession<T>(action: (session: ClientSession) => Promise<T>): Promise<T>;
  /** Monitors what the mapper lists now, on the running session (see the implementation). */
  refresh(): Promise<void>;
  /**
   * Calls Acknowledge on the condition behind the alarm `code` of `assetId` (events mappings);
   * null when no condition of this connection is behind it. Fails while not connected.
   */
  acknowledgeCondition(
    assetId: string,
    code: string,
    comment: string,
  ): Promise<ConditionAckResult | null>;
}

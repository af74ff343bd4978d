import type { DeadLetterRecord, IngestRecord, SourceSample } from './records.ts';
import type { BackfillReport, ServerLimits, SubscriptionPlan } from '@plantgraph/timeseries-domain';

export type { BackfillReport, ServerLimits, SubscriptionPlan };
import type { SourceConfig } from './plant-config.ts';

/** Where connectors deliver: the one ingest pipeline. */
export interface IngestSink {
  /**
   * Queues records for the batched writer. Resolves at once while there is room and waits while
   * the queue is full, so a fast source slows down instead of growing memory without bound.
   */
  write(records: readonly IngestRecord[]): Promise<void>;
  /** Stores a message that could not be mapped. */
  deadLetter(letter: DeadLetterRecord): Promise<void>;
  /**
   * Resolves once everything written and dead-lettered before the call is durable (committed,
   * or spooled and fsynced), so a source may acknowledge it; rejects if that cannot happen.
   */
  durable(): Promise<void>;
}

/** What a connector must watch for one connection: every mapped source address. */
export interface WatchedSource {
  source: SourceConfig;
  /** The address samples for this source carry (node id, topic pattern, Sparkplug path). */
  address: string;
  /**
   * Read the current value on every (re)connect and map it with `readOnConnect` set: alarm
   * sources, whose clears a connector may have missed while it was away.
   */
  readOnConnect?: boolean;
}

export type MapResult = { ok: true; records: IngestRecord[] } | { ok: false; reason: string };

/** Turns samples into normalised records according to the configuration's mappings. */
export interface SignalMapper {
  /** The sources mapped on a connection, each once. */
  sourcesOf(connectionId: string): WatchedSource[];
  /** Whether any mapping covers this address (MQTT: topic pattern match). */
  covers(connectionId: string, address: string): boolean;
  /**
   * Maps a sample. Unmapped addresses and values of the wrong type give `ok: false` with the
   * reason; the caller turns that into a dead letter.
   */
  map(sample: SourceSample): MapResult;
  /** The ids of the tags an address feeds: what a history backfill reads and stores. */
  tagIdsOf?(connectionId: string, address: string): string[];
}

export type ConnectionState =
  'CONNECTING' | 'CONNECTED' | 'RECONNECTING' | 'DISCONNECTED' | 'FAILED';

/** What a connector reports about one connection, for the `connections` query and /metrics. */
export interface ConnectionHealth {
  setState(state: ConnectionState, error?: string): void;
  /** Counts one received message (a notification, a publish). */
  received(count?: number): void;
  /** The number of monitored items / subscribed topics. */
  setItems(count: number): void;
  /** Counts messages the source sent but this connection never received (sequence gaps). */
  lost(count: number): void;
  /**
   * Whether the connection is falling behind: what it received waits too long to be stored, so
   * the source (the broker's queue, a server's queue) holds more and more.
   */
  setBehind(behind: boolean): void;
  /** Reports a history backfill that ran (OPC UA, after connecting): the graph's `lastBackfill`. */
  backfilled?(report: BackfillReport): void;
  /**
   * OPC UA: the limits the server publishes and how the monitored items are spread over
   * subscriptions and calls within them (`Connection.serverLimits`, `Connection.subscriptionPlan`).
   */
  setSubscriptionPlan?(limits: ServerLimits, plan: SubscriptionPlan): void;
}

/** A running connector; `close` ends its connection and stops delivering. */
export interface Connector {
  readonly connectionId: string;
  /**
   * Brings what the connector watches in line with the mapper's sources after the mapper ran
   * `reconcile`. A connector that looks the mapper up per message needs none.
   */
  refresh?(): Promise<void>;
  close(): Promise<void>;
}

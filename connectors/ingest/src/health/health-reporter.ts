import type { Logger } from '@plantgraph/config';
import type { Sql } from '@plantgraph/db';
import { upsertConnectionStatus } from '@plantgraph/timeseries-domain';
import type { IngestWriter } from '../writer/ingest-writer.ts';
import {
  ConnectionTracker,
  type ConnectionKind,
  type ConnectionSnapshot,
} from './connection-tracker.ts';

/** What the reporter needs from the process's writer. */
export type WriterStatus = Pick<
  IngestWriter,
  'spoolDepth' | 'databaseAvailable' | 'observeDeadLetters' | 'saturated'
>;

export interface HealthReporterOptions {
  sql: Sql;
  logger: Logger;
  /** The process's writer: its spool depth, whether the database answers, its dead letters. */
  writer?: WriterStatus;
  /** The clock (tests). */
  now?: () => number;
}

/** A connection's row in `connection_status`. */
export interface ConnectionStatus extends ConnectionSnapshot {
  spoolDepth: number;
  deadLetters: number;
  configVersion: number | null;
}

/**
 * The health of every connection a process owns. Connectors report into the `ConnectionHealth`
 * each `connection()` hands out; `reportEvery` upserts one `connection_status` row per connection
 * so any subgraph replica can answer health queries. One per process.
 */
export class HealthReporter {
  readonly #sql: Sql;
  readonly #logger: Logger;
  readonly #writer: WriterStatus | undefined;
  readonly #now: () => number;
  readonly #connections = new Map<string, ConnectionTracker>();
  readonly #deadLetters = new Map<string, number>();
  readonly #unobserve: (() => void) | undefined;
  #timer: NodeJS.Timeout | undefined;
  #reporting: Promise<boolean> | undefined;
  /** The configuration version the connections run; null for a configuration not stored. */
  configVersion: number | null = null;

  constructor(options: HealthReporterOptions) {
    this.#sql = options.sql;
    this.#logger = options.logger;
    this.#writer = options.writer;
    this.#now = options.now ?? Date.now;
    this.#unobserve = options.writer?.observeDeadLetters((letters) =>
      this.countDeadLetters(letters),
    );
  }

  /** The health handle for a connection; asking again for the same id returns the same one. */
  connection(id: string, details: { kind: ConnectionKind; endpoint: string }): ConnectionTracker {
    const existing = this.#connections.get(id);
    if (existing) {
      existing.kind = details.kind;
      existing.endpoint = details.endpoint;
      return existing;
    }
    const tracker = new ConnectionTracker(id, details.kind, details.endpoint, this.#now);
    this.#connections.set(id, tracker);
    return tracker;
  }

  /**
   * Stops reporting a connection the process no longer runs; its row stays as last reported and
   * turns stale, which the graph shows.
   */
  forget(id: string): void {
    this.#connections.delete(id);
  }

  /** Counts stored dead letters per connection (the writer's letters arrive here by themselves). */
  countDeadLetters(letters: readonly { connection: string }[]): void {
    for (const { connection } of letters) {
      this.#deadLetters.set(connection, (this.#deadLetters.get(connection) ?? 0) + 1);
    }
  }

  /**
   * Every connection's current status. A saturated writer holds every connector of the process
   * back, so each of its connections counts as falling behind.
   */
  statuses(): ConnectionStatus[] {
    const spoolDepth = this.#writer?.spoolDepth ?? 0;
    const saturated = this.#writer?.saturated ?? false;
    return [...this.#connections.values()].map((tracker) => {
      const snapshot = tracker.snapshot();
      return {
        ...snapshot,
        fallingBehind: snapshot.fallingBehind || saturated,
        spoolDepth,
        deadLetters: this.#deadLetters.get(tracker.id) ?? 0,
        configVersion: this.configVersion,
      };
    });
  }

  /**
   * Upserts every connection's row in one statement. Skipped (false) while the database is
   * unavailable or a report is still under way; a failed report is logged at debug level only.
   */
  report(): Promise<boolean> {
    if (this.#reporting) return Promise.resolve(false);
    this.#reporting = this.#upsert().finally(() => (this.#reporting = undefined));
    return this.#reporting;
  }

  /** Reports now and then every `intervalMs` until `close`. */
  reportEvery(intervalMs: number): void {
    clearInterval(this.#timer);
    void this.report();
    this.#timer = setInterval(() => void this.report(), intervalMs);
  }

  /** Stops reporting after one last report (connectors have set their final states by now). */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#unobserve?.();
    await this.#reporting;
    await this.report();
  }

  async #upsert(): Promise<boolean> {
    if (this.#connections.size === 0 || this.#writer?.databaseAvailable === false) return false;
    try {
      await upsertConnectionStatus(this.#sql, this.statuses(), new Date(this.#now()));
      return true;
    } catch (error) {
      this.#logger.debug({ err: error }, 'connection health not reported');
      return false;
    }
  }
}

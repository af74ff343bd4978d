import type { BackfillReport } from '@plantgraph/timeseries-domain';
import { ingestMetrics } from '../metrics.ts';
import type {
  ConnectionHealth,
  ConnectionState,
  ServerLimits,
  SubscriptionPlan,
} from '../ports.ts';

export type ConnectionKind = 'opcua' | 'mqtt';

/** A connection's health at one moment, as `connection_status` stores it. */
export interface ConnectionSnapshot {
  id: string;
  kind: ConnectionKind;
  endpoint: string;
  state: ConnectionState;
  since: Date;
  lastError: string | null;
  messagesPerSecond: number;
  items: number;
  lastMessageAt: Date | null;
  /** Messages known lost since the process started (Sparkplug B sequence gaps). */
  lostMessages: number;
  /** What the connector reports; the reporter adds whether the writer holds it back. */
  fallingBehind: boolean;
  /** The last history backfill this process ran; null keeps the one stored. */
  lastBackfill: BackfillReport | null;
  /** OPC UA: the server's published limits and the subscription plan made within them. */
  serverLimits: ServerLimits | null;
  subscriptionPlan: SubscriptionPlan | null;
}

const WINDOW_SECONDS = 10;

/**
 * Messages per second over the last 10 s, from one counter per second. The current second is
 * partial, so the rate divides by the time the window really covers (at least one second, and
 * no more than the tracker has existed).
 */
export class MovingRate {
  readonly #buckets = new Array<number>(WINDOW_SECONDS).fill(0);
  readonly #bucketSecond = new Array<number>(WINDOW_SECONDS).fill(-1);
  readonly #startedAt: number;

  constructor(now: number) {
    this.#startedAt = now;
  }

  add(count: number, now: number): void {
    const second = Math.floor(now / 1000);
    const index = second % WINDOW_SECONDS;
    if (this.#bucketSecond[index] !== second) {
      this.#bucketSecond[index] = second;
      this.#buckets[index] = 0;
    }
    this.#buckets[index] = (this.#buckets[index] ?? 0) + count;
  }

  perSecond(now: number): number {
    const second = Math.floor(now / 1000);
    const oldest = second - WINDOW_SECONDS + 1;
    let total = 0;
    for (let index = 0; index < WINDOW_SECONDS; index += 1) {
      const bucketSecond = this.#bucketSecond[index] ?? -1;
      if (bucketSecond >= oldest && bucketSecond <= second) total += this.#buckets[index] ?? 0;
    }
    const windowStart = Math.max(oldest * 1000, this.#startedAt);
    return total / Math.max(1, (now - windowStart) / 1000);
  }
}

/** The `ConnectionHealth` a connector reports into; see `HealthReporter.connection`. */
export class ConnectionTracker implements ConnectionHealth {
  readonly id: string;
  kind: ConnectionKind;
  endpoint: string;
  #state: ConnectionState = 'CONNECTING';
  #since: Date;
  #lastError: string | null = null;
  #items = 0;
  #lastMessageAt: Date | null = null;
  #lostMessages = 0;
  #behind = false;
  #lastBackfill: BackfillReport | null = null;
  #serverLimits: ServerLimits | null = null;
  #subscriptionPlan: SubscriptionPlan | null = null;
  readonly #rate: MovingRate;
  readonly #now: () => number;

  constructor(id: string, kind: ConnectionKind, endpoint: string, now: () => number) {
    this.id = id;
    this.kind = kind;
    this.endpoint = endpoint;
    this.#now = now;
    this.#since = new Date(now());
    this.#rate = new MovingRate(now());
    this.#publishUp();
  }

  /** `since` moves only when the state changes; an error is kept until the next one. */
  setState(state: ConnectionState, error?: string): void {
    if (error !== undefined) this.#lastError = error;
    if (state === this.#state) return;
    this.#state = state;
    this.#since = new Date(this.#now());
    this.#publishUp();
  }

  received(count = 1): void {
    const now = this.#now();
    this.#rate.add(count, now);
    this.#lastMessageAt = new Date(now);
    ingestMetrics.connectionMessages.inc({ connection: this.id }, count);
  }

  setItems(count: number): void {
    this.#items = count;
  }

  lost(count: number): void {
    if (count <= 0) return;
    this.#lostMessages += count;
    ingestMetrics.lostMessages.inc({ connection: this.id }, count);
  }

  setBehind(behind: boolean): void {
    if (behind === this.#behind) return;
    this.#behind = behind;
    ingestMetrics.connectionBehind.set({ connection: this.id }, behind ? 1 : 0);
  }

  setSubscriptionPlan(limits: ServerLimits, plan: SubscriptionPlan): void {
    this.#serverLimits = { ...limits };
    this.#subscriptionPlan = { ...plan };
  }

  backfilled(report: BackfillReport): void {
    this.#lastBackfill = report;
    const connection = { connection: this.id };
    const outcome = report.error === null ? 'completed' : 'failed';
    ingestMetrics.backfills.inc({ ...connection, outcome });
    ingestMetrics.backfillValuesRead.inc(connection, report.valuesRead);
    ingestMetrics.backfillValuesDelivered.inc(connection, report.valuesDelivered);
    ingestMetrics.backfillNodesUnsupported.inc(connection, report.nodesUnsupported);
    ingestMetrics.backfillSeconds.observe(connection, report.durationMs / 1000);
  }

  snapshot(): ConnectionSnapshot {
    return {
      id: this.id,
      kind: this.kind,
      endpoint: this.endpoint,
      state: this.#state,
      since: this.#since,
      lastError: this.#lastError,
      messagesPerSecond: this.#rate.perSecond(this.#now()),
      items: this.#items,
      lastMessageAt: this.#lastMessageAt,
      lostMessages: this.#lostMessages,
      fallingBehind: this.#behind,
      lastBackfill: this.#lastBackfill,
      serverLimits: this.#serverLimits,
      subscriptionPlan: this.#subscriptionPlan,
    };
  }

  #publishUp(): void {
    const up = this.#state === 'CONNECTED' ? 1 : 0;
    ingestMetrics.connectionUp.set({ connection: this.id, kind: this.kind }, up);
  }
}

import type { Logger } from '@plantgraph/config';
import { inSpan } from '@plantgraph/service';
import type { Sql } from '@plantgraph/db';
import { ingestMetrics, observeStored } from '../metrics.ts';
import type { IngestSink } from '../ports.ts';
import type { DeadLetterRecord, IngestRecord } from '../records.ts';
import { writeBatch, type BatchOutcome } from './batch.ts';
import { errorReason, isDataError } from './errors.ts';
import {
  rejectedRecord,
  toStoredDeadLetter,
  type QueueItem,
  type StoredDeadLetter,
} from './items.ts';
import { ReferenceCache } from './references.ts';
import { Spool } from './spool.ts';

export interface IngestWriterOptions {
  sql: Sql;
  /** Where batches wait while the database is unreachable. */
  spoolDir: string;
  logger: Logger;
  /** Records per transaction (default 5000). */
  batchSize?: number;
  /** A smaller batch is written after this long (default 200 ms). */
  flushIntervalMs?: number;
  /** `write` waits while this many records are held in memory (default 100 000). */
  maxQueued?: number;
  /** Called after a commit with the records that changed something (unchanged states left out). */
  onWritten?: (records: readonly IngestRecord[]) => void;
  /** A spool file is closed and a new one started past this size (default 16 MiB). */
  spoolFileBytes?: number;
  /** How long a tag's or asset's existence and last state are trusted (default 60 s). */
  referenceTtlMs?: number;
  /** First retry delay after losing the database (default 200 ms); doubles up to `retryMaxMs`. */
  retryInitialMs?: number;
  retryMaxMs?: number;
}

type Mode = 'up' | 'down' | 'replaying';

interface Replay {
  name: string;
  items: QueueItem[];
  offset: number;
}

/** Collects what the halves of a rejected batch did. */
interface Isolation {
  outcomes: BatchOutcome[];
  rejected: StoredDeadLetter[];
}

const GROUP_ORDER = ['datapoint', 'counter', 'state', 'alarm', 'deadLetter'] as const;

function byKind(items: readonly QueueItem[]): QueueItem[][] {
  return GROUP_ORDER.map((kind) => items.filter((item) => item.kind === kind)).filter(
    (group) => group.length > 0,
  );
}

function merge(outcomes: readonly BatchOutcome[]): BatchOutcome {
  return {
    accepted: outcomes.flatMap((outcome) => outcome.accepted),
    changes: outcomes.flatMap((outcome) => outcome.changes),
    letters: outcomes.flatMap((outcome) => outcome.letters),
  };
}

function countBy<T>(items: readonly T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}

const release = (waiters: (() => void)[]): void => {
  for (const resolve of waiters.splice(0)) resolve();
};

/** A `durable()` caller: waits until the first `upTo` items ever queued are stored. */
interface DurabilityWaiter {
  upTo: number;
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * The batched writer between connectors and the database. Records queue in memory and are written
 * in batches, one transaction each. While the database is unreachable batches go to append-only
 * spool files instead; once it answers again the spool is replayed oldest first, then writing
 * resumes, so order is kept and nothing is lost. Rows the database rejects become dead letters and
 * the rest of their batch is written.
 */
export class IngestWriter implements IngestSink {
  readonly #sql: Sql;
  readonly #logger: Logger;
  readonly #spoolDir: string;
  readonly #batchSize: number;
  readonly #flushIntervalMs: number;
  readonly #maxQueued: number;
  readonly #spoolFileBytes: number;
  readonly #retryInitialMs: number;
  readonly #retryMaxMs: number;
  readonly #onWritten: IngestWriterOptions['onWritten'];
  readonly #letterListeners = new Set<(letters: readonly StoredDeadLetter[]) => void>();
  readonly #references: ReferenceCache;
  /** The configuration version the connectors run, stamped on the dead letters they send. */
  configVersion: number | null = null;

  #state: 'new' | 'running' | 'closing' | 'closed' = 'new';
  #spool: Spool | undefined;
  #queue: QueueItem[] = [];
  #inFlight = 0;
  #flushDue = false;
  #mode: Mode = 'up';
  #retryDelay: number;
  #nextAttemptAt = 0;
  #spoolBlockedUntil = 0;
  #spoolFailure: string | undefined;
  #replay: Replay | undefined;
  #interval: NodeJS.Timeout | undefined;
  #wake: (() => void) | undefined;
  /** Set by `#signal`, so a signal during a step is not lost before the loop sleeps. */
  #signalled = false;
  #loop: Promise<void> | undefined;
  #closed: Promise<void> | undefined;
  readonly #roomWaiters: (() => void)[] = [];
  readonly #drainWaiters: (() => void)[] = [];
  /**
   * Items ever queued, and how many of them are committed or spooled. Batches leave the front of
   * the queue and either are stored whole or go back to the front, so items are stored in the
   * order they were queued and one count says which are durable.
   */
  #queuedTotal = 0;
  #storedTotal = 0;
  readonly #durabilityWaiters: DurabilityWaiter[] = [];

  constructor(options: IngestWriterOptions) {
    this.#sql = options.sql;
    this.#logger = options.logger;
    this.#spoolDir = options.spoolDir;
    this.#batchSize = options.batchSize ?? 5000;
    this.#flushIntervalMs = options.flushIntervalMs ?? 200;
    this.#maxQueued = options.maxQueued ?? 100_000;
    this.#spoolFileBytes = options.spoolFileBytes ?? 16 * 1024 * 1024;
    this.#retryInitialMs = options.retryInitialMs ?? 200;
    this.#retryMaxMs = options.retryMaxMs ?? 10_000;
    this.#retryDelay = this.#retryInitialMs;
    this.#onWritten = options.onWritten;
    this.#references = new ReferenceCache(options.referenceTtlMs ?? 60_000);
  }

  /** Records held in memory: queued plus the batch being written or spooled. */
  get queued(): number {
    return this.#queue.length + this.#inFlight;
  }

  /** Records waiting in spool files. */
  get spoolDepth(): number {
    return this.#spool?.depth ?? 0;
  }

  /** False while batches go to the spool or the spool is being replayed. */
  get databaseAvailable(): boolean {
    return this.#mode === 'up';
  }

  /** Why the last spool write failed (a full disk, say); undefined once a write succeeds again. */
  get spoolFailure(): string | undefined {
    return this.#spoolFailure;
  }

  /** True while the writer holds `maxQueued` records or more, so `write` makes callers wait. */
  get saturated(): boolean {
    return this.queued >= this.#maxQueued;
  }

  /**
   * Calls `listener` after each commit with the dead letters it stored (the health reporter counts
   * them per connection); returns the unsubscribe function.
   */
  observeDeadLetters(listener: (letters: readonly StoredDeadLetter[]) => void): () => void {
    this.#letterListeners.add(listener);
    return () => this.#letterListeners.delete(listener);
  }

  /** Opens the spool; files a previous run left there are replayed before anything new. */
  async start(): Promise<void> {
    if (this.#state !== 'new') throw new Error('IngestWriter was already started');
    this.#spool = await Spool.open(this.#spoolDir, this.#spoolFileBytes);
    if (this.#spool.files.length > 0) {
      this.#logger.info(
        { records: this.#spool.depth, files: this.#spool.files.length },
        'replaying spool files left by a previous run',
      );
      this.#mode = 'down';
    }
    ingestMetrics.spoolRecords.set(this.#spool.depth);
    this.#state = 'running';
    this.#interval = setInterval(() => {
      if (this.#queue.length === 0) return;
      this.#flushDue = true;
      this.#signal();
    }, this.#flushIntervalMs);
    this.#loop = this.#run();
  }

  /** Queues records; waits while the writer holds `maxQueued` records or more. */
  write(records: readonly IngestRecord[]): Promise<void> {
    return this.#enqueue(records);
  }

  /** Queues a dead letter; it is stored with the next batch (or spooled with it). */
  deadLetter(letter: DeadLetterRecord): Promise<void> {
    const configVersion = letter.configVersion ?? this.configVersion;
    return this.#enqueue([toStoredDeadLetter({ ...letter, configVersion })]);
  }

  /**
   * Resolves once every record and dead letter queued before the call is durable: committed to
   * the database, or appended to a spool file and fsynced. What is queued is written at once
   * rather than on the flush timer, as the caller is holding something back until then (MQTT:
   * the acknowledgement the broker's in-flight window waits for); whatever arrives during that
   * write makes the next batch. Rejects when the writer is closed before storing them.
   */
  durable(): Promise<void> {
    const upTo = this.#queuedTotal;
    if (this.#storedTotal >= upTo) return Promise.resolve();
    const stored = new Promise<void>((resolve, reject) =>
      this.#durabilityWaiters.push({ upTo, resolve, reject }),
    );
    if (this.#queue.length > 0) {
      this.#flushDue = true;
      this.#signal();
    }
    return stored;
  }

  /** Writes (or spools) everything queued so far. */
  async flush(): Promise<void> {
    if (this.#state !== 'running' || this.queued === 0) return;
    const drained = new Promise<void>((resolve) => this.#drainWaiters.push(resolve));
    this.#flushDue = true;
    this.#signal();
    await drained;
  }

  /**
   * Writes what is queued (spools it when the database is away), then stops. Spool files stay
   * for the next start. Does not close `sql`.
   */
  close(): Promise<void> {
    if (this.#state === 'new') this.#state = 'closed';
    if (this.#state === 'closed') return this.#closed ?? Promise.resolve();
    if (this.#closed) return this.#closed;
    this.#state = 'closing';
    clearInterval(this.#interval);
    this.#signal();
    this.#closed = (async () => {
      await this.#loop;
      await this.#spool?.close();
      this.#state = 'closed';
      release(this.#roomWaiters);
      release(this.#drainWaiters);
      for (const waiter of this.#durabilityWaiters.splice(0)) {
        waiter.reject(new Error('IngestWriter closed before storing everything queued'));
      }
    })();
    return this.#closed;
  }

  async #enqueue(items: readonly QueueItem[]): Promise<void> {
    if (this.#state !== 'running') {
      throw new Error(`IngestWriter is ${this.#state === 'new' ? 'not started' : 'closed'}`);
    }
    for (const item of items) this.#queue.push(item);
    this.#queuedTotal += items.length;
    ingestMetrics.queueDepth.set(this.queued);
    if (this.#queue.length >= this.#batchSize) this.#signal();
    if (this.queued < this.#maxQueued) return;
    await new Promise<void>((resolve) => this.#roomWaiters.push(resolve));
  }

  async #run(): Promise<void> {
    for (;;) {
      this.#signalled = false;
      const worked = await this.#step();
      if (this.queued === 0) release(this.#drainWaiters);
      if (worked) continue;
      if (this.#state === 'closing' && this.#queue.length === 0) return;
      if (!this.#signalled) await this.#sleep();
    }
  }

  #signal(): void {
    this.#signalled = true;
    this.#wake?.();
  }

  /** Does the next piece of work; false when there is nothing to do right now. */
  async #step(): Promise<boolean> {
    if (this.#mode === 'up') return this.#writeStep();
    const now = Date.now();
    if (this.#queue.length > 0 && now >= this.#spoolBlockedUntil) {
      await this.#spoolStep();
      return true;
    }
    if (this.#state === 'closing' || now < this.#nextAttemptAt) return false;
    if (this.#mode === 'down') await this.#probe();
    else await this.#replayStep();
    return true;
  }

  async #writeStep(): Promise<boolean> {
    const due = this.#flushDue || this.#state === 'closing';
    if (this.#queue.length === 0 || (this.#queue.length < this.#batchSize && !due)) return false;
    const batch = this.#take();
    try {
      await this.#deliver(batch);
      this.#spoolFailure = undefined;
      this.#stored(batch.length);
    } catch (error) {
      this.#lost(error);
      // Back to the front of the queue; the next step spools it ahead of anything newer.
      this.#queue = batch.concat(this.#queue);
    }
    this.#settle();
    return true;
  }

  async #spoolStep(): Promise<void> {
    const batch = this.#take();
    try {
      await this.#openSpool.append(batch);
      this.#spoolFailure = undefined;
      this.#stored(batch.length);
    } catch (error) {
      this.#logger.error({ err: error }, 'cannot write the spool; holding records in memory');
      this.#spoolFailure = error instanceof Error ? error.message : String(error);
      this.#queue = batch.concat(this.#queue);
      this.#spoolBlockedUntil = Date.now() + this.#retryDelay;
    }
    ingestMetrics.spoolRecords.set(this.spoolDepth);
    this.#settle();
  }

  async #probe(): Promise<void> {
    try {
      await this.#sql.query('select 1');
    } catch (error) {
      this.#lost(error);
      return;
    }
    this.#logger.info({ records: this.spoolDepth }, 'database answers again; replaying the spool');
    this.#mode = 'replaying';
  }

  /** Writes the next batch of the oldest spool file; deletes the file once all of it is stored. */
  async #replayStep(): Promise<void> {
    const spool = this.#openSpool;
    try {
      if (!this.#replay) {
        const name = spool.files[0];
        if (name === undefined) {
          this.#resume();
          return;
        }
        const { items, tornBytes } = await spool.read(name);
        if (tornBytes > 0) this.#torn(name, tornBytes);
        this.#replay = { name, items, offset: 0 };
      }
      const replay = this.#replay;
      const batch = replay.items.slice(replay.offset, replay.offset + this.#batchSize);
      if (batch.length > 0) await this.#deliver(batch);
      replay.offset += batch.length;
      if (replay.offset < replay.items.length) return;
      await spool.remove(replay.name);
      this.#replay = undefined;
      ingestMetrics.spoolRecords.set(spool.depth);
    } catch (error) {
      this.#lost(error);
    }
  }

  /** A spool file ends in a partial line; what comes before it is replayed all the same. */
  #torn(name: string, bytes: number): void {
    ingestMetrics.spoolTornLines.inc();
    this.#logger.warn(
      { file: name, bytes },
      'spool file ends in a partial line (an append cut short); replaying up to its last full line',
    );
  }

  #resume(): void {
    this.#mode = 'up';
    this.#retryDelay = this.#retryInitialMs;
    this.#logger.info('spool replayed; writing to the database again');
  }

  /** The database did not take a batch for a reason other than its data: spool and retry later. */
  #lost(error: unknown): void {
    if (this.#mode === 'up') {
      this.#logger.warn({ err: error }, 'database unavailable; spooling batches');
      this.#retryDelay = this.#retryInitialMs;
    } else if (this.#mode === 'replaying') {
      // The probe had succeeded: worth a warning, it may be more than a lost connection.
      this.#logger.warn({ err: error }, 'spool replay failed; retrying');
    } else {
      this.#logger.debug({ err: error }, 'database still unavailable');
    }
    this.#mode = 'down';
    this.#references.forget();
    this.#nextAttemptAt = Date.now() + this.#retryDelay;
    this.#retryDelay = Math.min(this.#retryDelay * 2, this.#retryMaxMs);
  }

  get #openSpool(): Spool {
    if (!this.#spool) throw new Error('IngestWriter is not started');
    return this.#spool;
  }

  #take(): QueueItem[] {
    const batch = this.#queue.splice(0, this.#batchSize);
    this.#inFlight = batch.length;
    if (this.#queue.length === 0) this.#flushDue = false;
    return batch;
  }

  /** `count` items from the front of the queue are committed or spooled. */
  #stored(count: number): void {
    this.#storedTotal += count;
    const waiters = this.#durabilityWaiters;
    while (waiters[0] && waiters[0].upTo <= this.#storedTotal) waiters.shift()?.resolve();
  }

  #settle(): void {
    this.#inFlight = 0;
    ingestMetrics.queueDepth.set(this.queued);
    if (this.queued < this.#maxQueued) release(this.#roomWaiters);
  }

  #sleep(): Promise<void> {
    const now = Date.now();
    const deadlines: number[] = [];
    if (this.#mode !== 'up') {
      if (this.#queue.length > 0) deadlines.push(this.#spoolBlockedUntil);
      if (this.#state !== 'closing') deadlines.push(this.#nextAttemptAt);
    }
    return new Promise((resolve) => {
      const timer =
        deadlines.length > 0
          ? setTimeout(() => this.#signal(), Math.max(0, Math.min(...deadlines) - now))
          : undefined;
      this.#wake = () => {
        clearTimeout(timer);
        this.#wake = undefined;
        resolve();
      };
    });
  }

  /**
   * Writes a batch; when the database rejects rows, writes the rest and dead-letters those. With
   * tracing on, the batch is a span: its statements and the events published for it are children.
   */
  #deliver(batch: readonly QueueItem[]): Promise<void> {
    return inSpan(
      '@plantgraph/ingest',
      'ingest batch',
      { attributes: { 'messaging.batch.message_count': batch.length } },
      () => this.#deliverBatch(batch),
    );
  }

  async #deliverBatch(batch: readonly QueueItem[]): Promise<void> {
    const stopTimer = ingestMetrics.batchSeconds.startTimer();
    let outcome: BatchOutcome;
    try {
      outcome = await writeBatch(this.#sql, batch, this.#references);
    } catch (error) {
      if (!isDataError(error)) throw error;
      this.#logger.warn({ err: error }, 'database rejected rows of a batch; isolating them');
      outcome = await this.#isolateBatch(batch, error);
    }
    stopTimer();
    this.#report(outcome);
  }

  async #isolateBatch(batch: readonly QueueItem[], error: unknown): Promise<BatchOutcome> {
    const isolation: Isolation = { outcomes: [], rejected: [] };
    await this.#isolate(batch, error, isolation);
    while (isolation.rejected.length > 0) {
      const letters = isolation.rejected.splice(0);
      await this.#attempt(letters, isolation);
    }
    return merge(isolation.outcomes);
  }

  /** `items` failed with a data error: split by kind, then in halves, down to the bad rows. */
  async #isolate(items: readonly QueueItem[], error: unknown, isolation: Isolation) {
    const [only] = items;
    if (items.length === 1 && only) {
      this.#reject(only, error, isolation);
      return;
    }
    const groups = byKind(items);
    const parts =
      groups.length > 1
        ? groups
        : [items.slice(0, Math.ceil(items.length / 2)), items.slice(Math.ceil(items.length / 2))];
    for (const part of parts) await this.#attempt(part, isolation);
  }

  async #attempt(items: readonly QueueItem[], isolation: Isolation): Promise<void> {
    try {
      isolation.outcomes.push(await writeBatch(this.#sql, items, this.#references));
    } catch (error) {
      if (!isDataError(error)) throw error;
      await this.#isolate(items, error, isolation);
    }
  }

  #reject(item: QueueItem, error: unknown, isolation: Isolation): void {
    if (item.kind !== 'deadLetter') {
      isolation.rejected.push(rejectedRecord(item, errorReason(error)));
      return;
    }
    // A letter is the last resort: when even it cannot be stored, the log is all that is left.
    this.#logger.error(
      { err: error, letter: { ...item, payload: item.payload.toString('base64') } },
      'database rejected a dead letter; dropping it',
    );
  }

  #report(outcome: BatchOutcome): void {
    for (const [kind, count] of countBy(outcome.accepted, (record) => record.kind)) {
      ingestMetrics.records.inc({ kind }, count);
    }
    observeStored(outcome.accepted);
    for (const [connection, count] of countBy(outcome.letters, (letter) => letter.connection)) {
      ingestMetrics.deadLetters.inc({ connection }, count);
    }
    this.#notify(this.#onWritten, outcome.changes);
    for (const listener of this.#letterListeners) this.#notify(listener, outcome.letters);
  }

  #notify<T>(listener: ((items: readonly T[]) => void) | undefined, items: readonly T[]): void {
    if (!listener || items.length === 0) return;
    try {
      listener(items);
    } catch (error) {
      this.#logger.error({ err: error }, 'ingest writer listener failed');
    }
  }
}

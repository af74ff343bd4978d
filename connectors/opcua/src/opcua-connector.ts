import { EventEmitter } from 'node:events';
import type { ClientSession, DataValue, OPCUAClient, UserIdentityInfo } from 'node-opcua';
import type { Logger } from '@plantgraph/config';
import type { ConnectionState } from '@plantgraph/ingest';
import {
  createOpcuaClient,
  defaultPkiFolder,
  reconnectBackoff,
  userIdentityFor,
} from './client.ts';
import { readCurrentValues } from './current-values.ts';
import { SerialDelivery } from './delivery.ts';
import type {
  OpcuaConnector,
  OpcuaConnectorEvents,
  OpcuaConnectorOptions,
} from './opcua-connector.types.ts';
import { describeDataValue, sampleTime, toSourceSample } from './sample.ts';
import {
  incompleteBatches,
  resolveSources,
  subscribe,
  terminate,
  type Rejected,
  type SubscriptionBatch,
  type Target,
} from './subscriptions.ts';

/** How long close() waits for each polite goodbye to a server that may be gone. */
const closeStepTimeoutMs = 2_000;

/**
 * Starts watching one OPC UA connection: every source the mapper lists for it is monitored and
 * each data change is mapped and written to the sink. Returns at once; the connection is made in
 * the background and retried with backoff for as long as the server is unreachable, so a
 * connector process outlives its servers. Throws only for configuration errors (credentials).
 */
export function startOpcuaConnector(options: OpcuaConnectorOptions): OpcuaConnector {
  return new OpcuaConnectorImpl(options);
}

class OpcuaConnectorImpl extends EventEmitter<OpcuaConnectorEvents> implements OpcuaConnector {
  readonly connectionId: string;
  readonly #options: OpcuaConnectorOptions;
  readonly #log: Logger;
  readonly #identity: UserIdentityInfo;
  readonly #client: OPCUAClient;
  readonly #delivery: SerialDelivery;
  readonly #running: Promise<void>;
  #session: ClientSession | undefined;
  #batches: SubscriptionBatch[] = [];
  /** The sources whose current value is read on every (re)connect: alarm sources. */
  #readOnConnect: Target[] = [];
  #maintenance: Promise<void> = Promise.resolve();
  #state: ConnectionState | undefined;
  #wasConnected = false;
  #closing: Promise<void> | undefined;
  #retryTimer: NodeJS.Timeout | undefined;
  #wake: (() => void) | undefined;

  constructor(options: OpcuaConnectorOptions) {
    super();
    const { connection } = options;
    this.connectionId = connection.id;
    this.#options = options;
    this.#log = options.logger.child({ connection: connection.id, endpoint: connection.endpoint });
    this.#identity = userIdentityFor(connection);
    this.#client = createOpcuaClient({
      securityMode: connection.securityMode,
      securityPolicy: connection.securityPolicy,
      pkiFolder: options.pkiFolder ?? defaultPkiFolder,
      clientName: connection.id,
      maxRetry: -1,
    });
    const high = options.maxPendingSamples ?? 5000;
    this.#delivery = new SerialDelivery(
      { high, low: Math.floor(high / 2) },
      { pause: () => this.#setPublishing(false), resume: () => this.#setPublishing(true) },
      (error) => this.#log.error({ err: error }, 'delivering a sample failed'),
    );
    this.#watchClient();
    this.#running = this.#connect();
  }

  close(): Promise<void> {
    this.#closing ??= this.#shutDown();
    return this.#closing;
  }

  /**
   * Monitors what the mapper now lists and stops monitoring what it no longer does, on the
   * running session. A subscription holding a source no longer mapped is replaced by one for the
   * rest of its sources, created before the old one ends, so the two overlap rather than leave a
   * gap; a change seen by both, and the current values a new subscription starts with, are the
   * same (tag, time), stored once. Subscriptions without removed sources stay untouched.
   */
  refresh(): Promise<void> {
    return this.#serially(async () => {
      const session = this.#session;
      // Without a session there is nothing to change: connecting subscribes to the mapper's sources.
      if (this.#closed || !session) return;
      await this.#resubscribeChanged(session);
    });
  }

  async #resubscribeChanged(session: ClientSession): Promise<void> {
    const { connection, mapper } = this.#options;
    const sources = mapper.sourcesOf(connection.id);
    const wanted = new Set(sources.map((source) => source.address));
    const watched = new Set(this.#batches.flatMap((b) => b.targets.map((t) => t.address)));
    const stale = this.#batches.filter((b) => b.targets.some((t) => !wanted.has(t.address)));
    const kept = this.#batches.filter((batch) => !stale.includes(batch));
    const keptAddresses = new Set(kept.flatMap((b) => b.targets.map((t) => t.address)));
    const needed = sources.filter((source) => !keptAddresses.has(source.address));
    const removed = [...watched].filter((address) => !wanted.has(address)).length;
    const added = sources.filter((source) => !watched.has(source.address)).length;
    if (stale.length === 0 && needed.length === 0) return;
    const resolved = await resolveSources(session, needed);
    const onChange = (target: Target, dataValue: DataValue) => this.#received(target, dataValue);
    const subscribed = await subscribe(session, resolved.targets, connection, onChange);
    this.#batches = [...kept, ...subscribed.batches];
    // Make before break: the stale subscriptions end only once their kept sources are monitored
    // anew, so no change of those falls between the two.
    await terminate(stale);
    const read = new Set(sources.filter((s) => s.readOnConnect).map((s) => s.address));
    const targets = this.#batches.flatMap((batch) => batch.targets);
    this.#readOnConnect = targets.filter((target) => read.has(target.address));
    for (const rejection of [...resolved.rejected, ...subscribed.rejected]) {
      await this.#reject(rejection);
    }
    const items = this.#batches.reduce((sum, batch) => sum + batch.monitored, 0);
    this.#options.health.setItems(items);
    this.#log.info({ added, removed, items }, 'monitored items reconciled');
    this.emit('refreshed', { added, removed });
  }

  async withSession<T>(action: (session: ClientSession) => Promise<T>): Promise<T> {
    const session = this.#session;
    if (this.#closed || !session || this.#state !== 'CONNECTED') {
      throw new Error(`${this.#options.connection.endpoint} is not connected`);
    }
    return action(session);
  }

  get #closed(): boolean {
    return this.#closing !== undefined;
  }

  #watchClient(): void {
    const client = this.#client;
    client.on('backoff', (retry: number, delay: number) => {
      const problem = `${this.#options.connection.endpoint} not reachable (attempt ${retry + 1})`;
      this.#log.warn({ retry: retry + 1, delayMs: delay }, `${problem}; retrying in ${delay} ms`);
      this.#setState(this.#wasConnected ? 'RECONNECTING' : 'CONNECTING', problem);
    });
    client.on('connection_lost', () => {
      this.#log.warn('connection lost; reconnecting');
      this.#setState('RECONNECTING', 'connection lost');
    });
    client.on('reconnection_attempt_has_failed', (error: Error, message: string) => {
      this.#log.warn({ err: error }, `reconnection attempt failed: ${message}`);
      this.#setState('RECONNECTING', error.message);
    });
    client.on('connection_reestablished', () => {
      this.#log.info('connection re-established');
    });
  }

  /** The first connection; afterwards node-opcua reconnects and restores the session itself. */
  async #connect(): Promise<void> {
    this.#setState('CONNECTING');
    for (let attempt = 1; !this.#closed; attempt++) {
      try {
        await this.#establish();
        return;
      } catch (error) {
        if (this.#closed) return;
        const delay = backoffDelay(attempt);
        const message = (error as Error).message;
        this.#log.warn({ err: error, attempt }, `connecting failed; retrying in ${delay} ms`);
        this.#setState('CONNECTING', message);
        await this.#abandonSession();
        await this.#sleep(delay);
      }
    }
  }

  async #establish(): Promise<void> {
    const { endpoint } = this.#options.connection;
    this.#log.info('connecting');
    await this.#client.connect(endpoint);
    const session = await this.#client.createSession(this.#identity);
    this.#session = session;
    session.on('session_restored', () => this.#serially(() => this.#verifyRestored(session)));
    await this.#serially(() => this.#subscribeAll(session));
    this.#wasConnected = true;
    this.#setState('CONNECTED');
  }

  async #abandonSession(): Promise<void> {
    const session = this.#session;
    this.#session = undefined;
    this.#batches = [];
    if (session) await withTimeout(session.close(true));
    await withTimeout(this.#client.disconnect());
  }

  async #subscribeAll(session: ClientSession): Promise<void> {
    const { connection, mapper } = this.#options;
    const sources = mapper.sourcesOf(connection.id);
    if (sources.length === 0) this.#log.warn('no mappings use this connection');
    const resolved = await resolveSources(session, sources);
    const read = new Set(sources.filter((s) => s.readOnConnect).map((s) => s.address));
    this.#readOnConnect = resolved.targets.filter((target) => read.has(target.address));
    await this.#readCurrent(session);
    const onChange = (target: Target, dataValue: DataValue) => this.#received(target, dataValue);
    const subscribed = await subscribe(session, resolved.targets, connection, onChange);
    this.#batches = subscribed.batches;
    const rejected = [...resolved.rejected, ...subscribed.rejected];
    for (const rejection of rejected) await this.#reject(rejection);
    const summary = {
      subscriptions: subscribed.batches.length,
      items: subscribed.batches.reduce((sum, batch) => sum + batch.monitored, 0),
      rejected: rejected.length,
    };
    this.#options.health.setItems(summary.items);
    this.#log.info(summary, 'subscribed');
    this.emit('subscribed', summary);
  }

  /**
   * node-opcua has re-activated the session or created a new one and re-created its
   * subscriptions. Items it could not re-create (a restarted server may number its nodes anew)
   * are only logged there, so the server is asked what it monitors; anything missing means
   * subscribing from scratch, which translates browse paths again.
   */
  async #verifyRestored(session: ClientSession): Promise<void> {
    // Before the first subscription is complete its own outcome decides: done, or start over.
    if (this.#closed || !this.#wasConnected || session !== this.#session) return;
    clearTimeout(this.#retryTimer);
    try {
      const incomplete = await incompleteBatches(session, this.#batches);
      if (incomplete.length > 0) {
        this.#log.warn({ incomplete: incomplete.length }, 'subscriptions incomplete; re-creating');
        await terminate(this.#batches);
        await this.#subscribeAll(session);
      } else await this.#readCurrent(session);
      this.#setState('CONNECTED');
      this.#log.info('session restored');
      this.emit('restored');
    } catch (error) {
      const delay = reconnectBackoff.maxDelay;
      this.#log.error({ err: error }, `restoring subscriptions failed; retrying in ${delay} ms`);
      this.#setState('RECONNECTING', (error as Error).message);
      this.#retryTimer = setTimeout(
        () => this.#serially(() => this.#verifyRestored(session)),
        delay,
      );
    }
  }

  /**
   * Reads the current values of the alarm sources and maps them as read on connecting. An alarm
   * that cleared while the connection was down is cleared then, with its reason: no data change
   * may ever report it (a restarted server starts from its initial values, whose source time can
   * predate the alarm). The delivery is queued before the read is sent, so a change notified
   * while the read is under way is mapped after it; and the read counts as made when it was
   * requested, so such a change is also later in time.
   */
  async #readCurrent(session: ClientSession): Promise<void> {
    if (this.#readOnConnect.length === 0) return;
    const readAt = new Date();
    const read = readCurrentValues(session, this.#readOnConnect);
    this.#delivery.push(async () => {
      // A failed read is the caller's to handle: connecting or restoring is retried.
      const values = await read.catch(() => []);
      for (const { target, dataValue } of values) {
        await this.#deliver(target.address, dataValue, readAt, readAt);
      }
    });
    await read;
  }

  #received(target: Target, dataValue: DataValue): void {
    this.#options.health.received();
    const receivedAt = new Date();
    this.#delivery.push(() => this.#deliver(target.address, dataValue, receivedAt));
  }

  async #deliver(
    address: string,
    dataValue: DataValue,
    receivedAt: Date,
    readOnConnect?: Date,
  ): Promise<void> {
    const { connection, mapper, sink } = this.#options;
    // Only mapped nodes are monitored: a node no longer mapped is one a reconciliation removed,
    // whose last notifications can still be on their way.
    if (!mapper.covers(connection.id, address)) return;
    const converted = toSourceSample(connection.id, address, dataValue, receivedAt);
    const time = sampleTime(dataValue, receivedAt);
    if (!converted.ok) {
      return this.#deadLetter(address, describeDataValue(dataValue), converted.reason, time);
    }
    const sample = readOnConnect ? { ...converted.sample, readOnConnect } : converted.sample;
    let mapped;
    try {
      mapped = mapper.map(sample);
    } catch (error) {
      const reason = `mapping failed: ${(error as Error).message}`;
      return this.#deadLetter(address, describeDataValue(dataValue), reason, time);
    }
    if (!mapped.ok) {
      return this.#deadLetter(address, describeDataValue(dataValue), mapped.reason, time);
    }
    if (mapped.records.length > 0) await sink.write(mapped.records);
  }

  async #reject({ address, payload, reason }: Rejected): Promise<void> {
    this.#log.warn({ address }, `cannot monitor ${address}: ${reason}`);
    await this.#deadLetter(address, payload, reason, new Date());
  }

  async #deadLetter(address: string, payload: string, reason: string, time: Date): Promise<void> {
    const letter = { connection: this.connectionId, address, payload, reason, time };
    try {
      await this.#options.sink.deadLetter(letter);
    } catch (error) {
      this.#log.error({ err: error, address }, 'storing a dead letter failed');
    }
    this.#options.onDeadLetter?.(letter);
  }

  /** Backpressure: the server keeps sampling into each item's queue while publishing is off. */
  #setPublishing(enabled: boolean): void {
    const pending = this.#delivery.pending;
    if (enabled) this.#log.info({ pending }, 'sink caught up; publishing resumed');
    else this.#log.warn({ pending }, 'sink is slow; publishing paused');
    for (const { subscription } of this.#batches) {
      subscription.setPublishingMode(enabled).catch((error: unknown) => {
        this.#log.warn({ err: error }, 'changing the publishing mode failed');
      });
    }
  }

  #setState(state: ConnectionState, error?: string): void {
    if (state !== this.#state) this.#log.info({ state, error }, `connection ${state}`);
    this.#state = state;
    this.#options.health.setState(state, error);
    this.emit('state', state, error);
  }

  /** Subscribing and verifying never overlap: both replace the batches. */
  #serially(task: () => Promise<void>): Promise<void> {
    const run = this.#maintenance.then(task);
    this.#maintenance = run.catch(() => undefined);
    return run;
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.#wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  async #shutDown(): Promise<void> {
    this.#wake?.();
    clearTimeout(this.#retryTimer);
    const session = this.#session;
    if (session && !this.#client.isReconnecting) {
      await withTimeout(terminate(this.#batches));
      await withTimeout(session.close(true));
    }
    await this.#client.disconnect();
    await this.#running;
    await this.#maintenance;
    await this.#delivery.idle();
    this.#setState('DISCONNECTED');
    this.#log.info('closed');
  }
}

function backoffDelay(attempt: number): number {
  return Math.min(reconnectBackoff.initialDelay * 2 ** (attempt - 1), reconnectBackoff.maxDelay);
}

/** Settles after `promise` or the timeout, whichever comes first; failures are ignored. */
async function withTimeout(promise: Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, closeStepTimeoutMs);
  });
  await Promise.race([promise.then(noop, noop), timeout]);
  clearTimeout(timer);
}

function noop(): void {}

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
import { HistoryBackfill, mapHistoryValues } from './history-backfill.ts';
import { ConditionWatcher, type ConditionAckResult } from './events/alarm-conditions.ts';
import type {
  OpcuaConnector,
  OpcuaConnectorEvents,
  OpcuaConnectorOptions,
} from './opcua-connector.types.ts';
import { describeDataValue, sampleTime, toSourceSample } from './sample.ts';
import {
  LimitRefusedError,
  lowerOf,
  planSubscriptions,
  readServerLimits,
  remainingBudget,
  type ServerLimits,
  type SubscriptionPlan,
} from './server-limits.ts';
import { subscribeWithinLimits } from './subscription-planner.ts';
import {
  incompleteBatches,
  resolveSources,
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
  readonly #backfill: HistoryBackfill | undefined;
  readonly #conditions: ConditionWatcher;
  #session: ClientSession | undefined;
  #batches: SubscriptionBatch[] = [];
  /** What the server publishes, as read on the latest connect. */
  #publishedLimits: ServerLimits | undefined;
  /** The limits plans keep to: the published ones, lowered by what the server refused. */
  #limits: ServerLimits | undefined;
  #replans = 0;
  /** Items per call of the latest plan that created any; a refresh that only removes keeps it. */
  #itemsPerCall = 0;
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
    this.#backfill = this.#historyBackfill();
    this.#conditions = this.#watchConditions();
    this.#watchClient();
    this.#running = this.#connect();
  }

  #watchConditions(): ConditionWatcher {
    const { connection, eventMappings, openAlarms, sink } = this.#options;
    const watcher = new ConditionWatcher({
      connectionId: connection.id,
      mappings: eventMappings ?? (() => []),
      sink,
      publishingIntervalMs: connection.publishingIntervalMs,
      logger: this.#log,
      reject: (rejected) => this.#reject(rejected),
      openAlarms,
    });
    watcher.on('acknowledgedAtSource', (ack) => this.emit('conditionAcknowledged', ack));
    return watcher;
  }

  acknowledgeCondition(
    assetId: string,
    code: string,
    comment: string,
  ): Promise<ConditionAckResult | null> {
    return this.withSession((session) =>
      this.#conditions.acknowledge(session, assetId, code, comment),
    );
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
      await this.#conditions.sync(session);
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
    const limits = await this.#knownLimits(session);
    const resolved = await resolveSources(session, needed, limits);
    // Make before break: the stale subscriptions end only once their kept sources are monitored
    // anew, so no change of those falls between the two; unless the session has no room for
    // both, when they end first.
    const overlap = this.#held([...kept, ...stale]);
    const room = remainingBudget(limits, overlap);
    const plan = planSubscriptions(
      resolved.targets.length,
      limits,
      connection.maxItemsPerSubscription,
      room,
    );
    const overlapFits = plan.unplanned === 0;
    if (!overlapFits) await terminate(stale);
    const subscribed = await this.#subscribeWithinLimits(
      session,
      resolved.targets,
      this.#held(overlapFits ? [...kept, ...stale] : kept),
    );
    this.#batches = [...kept, ...subscribed.batches];
    if (overlapFits) await terminate(stale);
    this.#reportPlan(subscribed.plan);
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
      this.#backfill?.connectionLost();
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
    this.#publishedLimits = await readServerLimits(session);
    this.#limits = lowerOf(this.#publishedLimits, this.#limits);
    const resolved = await resolveSources(session, sources, this.#limits);
    const read = new Set(sources.filter((s) => s.readOnConnect).map((s) => s.address));
    this.#readOnConnect = resolved.targets.filter((target) => read.has(target.address));
    await this.#readCurrent(session);
    this.#queueBackfill(session, resolved.targets);
    const held = this.#held([]);
    const subscribed = await this.#subscribeWithinLimits(session, resolved.targets, held);
    this.#batches = subscribed.batches;
    this.#reportPlan(subscribed.plan);
    const rejected = [...resolved.rejected, ...subscribed.rejected];
    for (const rejection of rejected) await this.#reject(rejection);
    const summary = {
      subscriptions: subscribed.batches.length,
      items: subscribed.batches.reduce((sum, batch) => sum + batch.monitored, 0),
      rejected: rejected.length,
    };
    this.#options.health.setItems(summary.items);
    this.#log.info(summary, 'subscribed');
    await this.#conditions.start(session);
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
      } else {
        await this.#readCurrent(session);
        this.#queueBackfill(
          session,
          this.#batches.flatMap((batch) => batch.targets),
        );
        await this.#conditions.start(session);
      }
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
    const limits = await this.#knownLimits(session);
    const read = readCurrentValues(session, this.#readOnConnect, limits.maxNodesPerRead);
    this.#delivery.push(async () => {
      // A failed read is the caller's to handle: connecting or restoring is retried.
      const values = await read.catch(() => []);
      for (const { target, dataValue } of values) {
        await this.#deliver(target.address, dataValue, readAt, readAt);
      }
    });
    await read;
  }

  #historyBackfill(): HistoryBackfill | undefined {
    const { connection, lastStored } = this.#options;
    if (!connection.backfill) return undefined;
    return new HistoryBackfill({
      config: connection.backfill,
      lastStored,
      logger: this.#log,
      deliver: async (target, values) => {
        const reject = (address: string, payload: string, reason: string, time: Date) =>
          this.#deadLetter(address, payload, reason, time);
        const { mapper, sink } = this.#options;
        const records = await mapHistoryValues(
          connection.id,
          target.address,
          values,
          mapper,
          reject,
        );
        if (records.length > 0) await sink.write(records);
        return records.length;
      },
    });
  }

  /**
   * Queues the history backfill of the targets that feed tags ahead of the live values the
   * subscriptions are about to deliver, so each tag's values reach the mapper (and its deadband)
   * in time order. The window ends now: from here on the subscriptions deliver.
   */
  #queueBackfill(session: ClientSession, targets: readonly Target[]): void {
    const backfill = this.#backfill;
    const { connection, mapper } = this.#options;
    // A mapper that cannot say which addresses feed tags has every target read.
    const feedsTags = (t: Target) => mapper.tagIdsOf?.(connection.id, t.address).length !== 0;
    const tagged = targets.filter(feedsTags);
    if (!backfill || tagged.length === 0) return;
    const until = new Date();
    this.#delivery.push(async () => {
      const report = await backfill.run(session, tagged, until, await this.#knownLimits(session));
      this.#log.info({ ...report }, 'history backfilled');
      this.#options.health.backfilled?.(report);
      this.emit('backfilled', report);
    });
  }

  /**
   * What the session holds besides new data subscriptions: `batches`, and the event subscription
   * with one item per event mapping, which the condition watcher creates after them.
   */
  #held(batches: readonly SubscriptionBatch[]): { subscriptions: number; items: number } {
    const events = this.#options.eventMappings?.().length ?? 0;
    const data = heldBy(batches);
    // A session allowed a single subscription keeps it for data; the event subscription then fails.
    const perSession = this.#limits?.maxSubscriptionsPerSession ?? null;
    const eventSubscriptions = events > 0 && (perSession === null || perSession > 1) ? 1 : 0;
    return { subscriptions: data.subscriptions + eventSubscriptions, items: data.items + events };
  }

  /** The limits plans keep to; read from the server when no connect has read them yet. */
  async #knownLimits(session: ClientSession): Promise<ServerLimits> {
    if (!this.#limits) {
      this.#publishedLimits = await readServerLimits(session);
      this.#limits = this.#publishedLimits;
    }
    return this.#limits;
  }

  /** Subscribes within the known limits and keeps what refusals on the way showed of them. */
  async #subscribeWithinLimits(
    session: ClientSession,
    targets: readonly Target[],
    held: { subscriptions: number; items: number },
  ) {
    const limits = await this.#knownLimits(session);
    try {
      const subscribed = await subscribeWithinLimits({
        session,
        targets,
        settings: this.#options.connection,
        limits,
        held,
        onChange: (target, dataValue) => this.#received(target, dataValue),
        log: this.#log,
      });
      this.#limits = subscribed.limits;
      this.#replans += subscribed.plan.replans;
      return subscribed;
    } catch (error) {
      if (error instanceof LimitRefusedError) this.#replans++;
      throw error;
    }
  }

  /** The plan of every subscription held now, as `Connection.subscriptionPlan` shows it. */
  #reportPlan(latest: SubscriptionPlan): void {
    const { health } = this.#options;
    if (!this.#publishedLimits || !health.setSubscriptionPlan) return;
    const items = heldBy(this.#batches).items;
    const largest = Math.max(0, ...this.#batches.map((batch) => batch.targets.length));
    if (latest.items > 0) this.#itemsPerCall = latest.itemsPerCall;
    health.setSubscriptionPlan(this.#publishedLimits, {
      subscriptions: this.#batches.length,
      itemsPerSubscription: largest,
      itemsPerCall: this.#itemsPerCall,
      items,
      unplanned: latest.unplanned,
      replans: this.#replans,
    });
  }

  #received(target: Target, dataValue: DataValue): void {
    this.#options.health.received();
    const receivedAt = new Date();
    this.#backfill?.seen(target.address, sampleTime(dataValue, receivedAt));
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
      await withTimeout(this.#conditions.stop());
      await withTimeout(session.close(true));
    }
    await this.#client.disconnect();
    await this.#running;
    await this.#maintenance;
    await this.#delivery.idle();
    await this.#conditions.idle();
    this.#setState('DISCONNECTED');
    this.#log.info('closed');
  }
}

/** The subscriptions and accepted items `batches` hold on the session. */
function heldBy(batches: readonly SubscriptionBatch[]): { subscriptions: number; items: number } {
  const items = batches.reduce((sum, batch) => sum + batch.monitored, 0);
  return { subscriptions: batches.length, items };
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

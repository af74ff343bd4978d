import { EventEmitter } from 'node:events';
import {
  AttributeIds,
  DataType,
  MethodIds,
  ObjectIds,
  ObjectTypeIds,
  TimestampsToReturn,
  makeBrowsePath,
  resolveNodeId,
  type ClientSession,
  type NodeId,
  type ClientSubscription,
  type Variant,
} from 'node-opcua';
import { CLEARED_ON_RECONNECT } from '@plantgraph/alarms-domain';
import type { Logger } from '@plantgraph/config';
import {
  sourceAddress,
  type AlarmRecord,
  type AssetPlace,
  type IngestSink,
  type ResolvedEventMapping,
} from '@plantgraph/ingest';
import { toNodeId } from '../common.ts';
import type { Rejected } from '../subscriptions.ts';
import {
  acknowledgeArguments,
  conditionEventFilter,
  readConditionEvent,
  severityBand,
  type ConditionEvent,
} from './condition-event.ts';

/** An alarm Plantgraph holds open (not cleared) on one asset. */
export interface OpenAlarm extends AssetPlace {
  code: string;
}

/** A condition the server reports acknowledged (AckedState true) that Plantgraph mapped. */
export interface AcknowledgedAtSource extends AssetPlace {
  code: string;
  conditionId: string;
  time: Date;
}

/** The outcome of an Acknowledge call: the server's status code, `Good` on success. */
export interface ConditionAckResult {
  ok: boolean;
  conditionId: string;
  statusCode: string;
}

export interface ConditionWatcherOptions {
  connectionId: string;
  /** The events mappings of this connection, read on every (re)subscription. */
  mappings: () => readonly ResolvedEventMapping[];
  sink: IngestSink;
  publishingIntervalMs: number;
  logger: Logger;
  /** A mapping whose node cannot be subscribed, or an event that cannot be read: a dead letter. */
  reject: (rejected: Rejected) => Promise<void>;
  /**
   * The alarms Plantgraph holds open on these assets that came from events mappings, so a
   * refresh also clears those raised before this process started. Without it only the alarms
   * this watcher raised itself are compared.
   */
  openAlarms?: (assetIds: readonly string[]) => Promise<OpenAlarm[]>;
}

export interface ConditionWatcherEvents {
  /** The server reports a mapped condition acknowledged. */
  acknowledgedAtSource: [ack: AcknowledgedAtSource];
  /** A ConditionRefresh ended: how many conditions it found active, how many alarms it cleared. */
  refreshed: [outcome: { address: string; active: number; cleared: number }];
}

/** One events mapping's monitored item and the refresh running on it. */
interface Watched {
  mapping: ResolvedEventMapping;
  address: string;
  refresh?: { requestedAt: Date; seen: Set<string> };
}

/** What is remembered of a condition for acknowledging it and for refreshes. */
interface KnownCondition extends AssetPlace {
  code: string;
  conditionId: string;
  eventId: Buffer;
  active: boolean;
  acked: boolean;
  /**
   * The EventId of a branch still waiting for acknowledgement: an earlier activation the server
   * kept when the condition cleared unacknowledged (OPC 10000-9 4.4, 5.5.3).
   */
  branchEventId?: Buffer;
  watched: Watched;
}

const EVENT_QUEUE_SIZE = 1000;

/**
 * OPC UA Alarms & Conditions for one connection (OPC 10000-9): one subscription with an event
 * monitored item per events mapping, filtered to AlarmConditionType and its subtypes. Each
 * condition's trunk becomes alarm raises and clears on its asset through the sink, like any
 * alarm record, so the writer's one set of rules stores them. After every (re)subscription a
 * ConditionRefresh re-sends the retained conditions; an alarm of the mapping open in Plantgraph
 * but not active in the refresh is cleared then with `CLEARED_ON_RECONNECT`: it cleared while
 * nobody was watching.
 */
export class ConditionWatcher extends EventEmitter<ConditionWatcherEvents> {
  readonly #options: ConditionWatcherOptions;
  readonly #log: Logger;
  readonly #conditions = new Map<string, KnownCondition>();
  #subscription: ClientSubscription | undefined;
  #started = '';
  #tail: Promise<void> = Promise.resolve();

  constructor(options: ConditionWatcherOptions) {
    super();
    this.#options = options;
    this.#log = options.logger.child({ component: 'alarm-conditions' });
  }

  /** Re-subscribes when the mappings changed since the last start; nothing otherwise. */
  async sync(session: ClientSession): Promise<void> {
    if (JSON.stringify(this.#options.mappings()) !== this.#started) await this.start(session);
  }

  /**
   * (Re)creates the event subscription on `session` and asks for a ConditionRefresh. Called
   * after every connect and every restored session: the refresh is what tells which conditions
   * are active now.
   */
  async start(session: ClientSession): Promise<void> {
    await this.stop();
    const mappings = this.#options.mappings();
    this.#started = JSON.stringify(mappings);
    if (mappings.length === 0) return;
    const subscription = await session.createSubscription2({
      requestedPublishingInterval: this.#options.publishingIntervalMs,
      requestedMaxKeepAliveCount: 10,
      requestedLifetimeCount: 60,
      maxNotificationsPerPublish: 1000,
      publishingEnabled: true,
      priority: 1,
    });
    this.#subscription = subscription;
    const watched: Watched[] = [];
    for (const mapping of mappings) {
      const item = await this.#monitor(session, subscription, mapping);
      if (item) watched.push(item);
    }
    if (watched.length === 0) return;
    await this.#refresh(session, subscription, watched);
  }

  /** Ends the event subscription; failures (a lost connection) are ignored. */
  async stop(): Promise<void> {
    const subscription = this.#subscription;
    this.#subscription = undefined;
    if (subscription) await subscription.terminate().catch(() => undefined);
  }

  /** Resolves once every event received so far has been handled. */
  idle(): Promise<void> {
    return this.#tail;
  }

  /**
   * Calls the Acknowledge method of the condition behind the alarm (`code` on `assetId`) with
   * its latest EventId; null when no condition this watcher knows is behind it.
   */
  async acknowledge(
    session: ClientSession,
    assetId: string,
    code: string,
    comment: string,
  ): Promise<ConditionAckResult | null> {
    const known = this.#conditions.get(conditionKey(assetId, code));
    if (!known) return null;
    // A cleared condition's unacknowledged state lives on in its branch.
    const eventId = known.active ? known.eventId : (known.branchEventId ?? known.eventId);
    const result = await session.call({
      objectId: resolveNodeId(known.conditionId),
      methodId: resolveNodeId(MethodIds.AcknowledgeableConditionType_Acknowledge),
      inputArguments: acknowledgeArguments(eventId, comment),
    });
    const ok = result.statusCode.isGood();
    this.#log.info(
      { conditionId: known.conditionId, code, status: result.statusCode.name },
      ok ? 'condition acknowledged' : 'acknowledging a condition failed',
    );
    return { ok, conditionId: known.conditionId, statusCode: result.statusCode.name };
  }

  async #monitor(
    session: ClientSession,
    subscription: ClientSubscription,
    mapping: ResolvedEventMapping,
  ): Promise<Watched | undefined> {
    const address = sourceAddress(mapping.source);
    let payload = JSON.stringify(mapping.source);
    let problem: string;
    try {
      const nodeId = await eventSource(session, mapping);
      payload = JSON.stringify({ nodeId: nodeId.toString(), events: true });
      const item = await subscription.monitor(
        { nodeId, attributeId: AttributeIds.EventNotifier },
        {
          samplingInterval: 0,
          queueSize: EVENT_QUEUE_SIZE,
          discardOldest: false,
          filter: conditionEventFilter(),
        },
        TimestampsToReturn.Neither,
      );
      if (item.statusCode.isGood()) {
        const watched: Watched = { mapping, address };
        item.on('changed', (fields: Variant[]) =>
          this.#queue(() => this.#onEvent(watched, fields)),
        );
        return watched;
      }
      problem = item.statusCode.name;
    } catch (error) {
      problem = (error as Error).message;
    }
    await this.#options.reject({ address, payload, reason: `events not monitored: ${problem}` });
    return undefined;
  }

  /**
   * ConditionRefresh (OPC 10000-9 5.5.7) on the ConditionType object with the subscription's id.
   * A server that refuses it is logged: its conditions then arrive only as they change.
   */
  async #refresh(
    session: ClientSession,
    subscription: ClientSubscription,
    watched: readonly Watched[],
  ): Promise<void> {
    const requestedAt = new Date();
    for (const item of watched) item.refresh = { requestedAt, seen: new Set() };
    const result = await session.call({
      objectId: resolveNodeId(ObjectTypeIds.ConditionType),
      methodId: resolveNodeId(MethodIds.ConditionType_ConditionRefresh),
      inputArguments: [{ dataType: DataType.UInt32, value: subscription.subscriptionId }],
    });
    if (result.statusCode.isGood()) return;
    for (const item of watched) item.refresh = undefined;
    this.#log.warn({ status: result.statusCode.name }, 'ConditionRefresh refused');
  }

  #queue(task: () => Promise<void>): void {
    this.#tail = this.#tail.then(task).catch((error: unknown) => {
      this.#log.error({ err: error }, 'handling a condition event failed');
    });
  }

  async #onEvent(watched: Watched, fields: Variant[]): Promise<void> {
    const event = readConditionEvent(fields);
    switch (event.kind) {
      case 'refreshStart':
        watched.refresh ??= { requestedAt: new Date(), seen: new Set() };
        watched.refresh.seen.clear();
        return;
      case 'refreshEnd':
        return this.#endRefresh(watched);
      case 'invalid': {
        const payload = JSON.stringify(
          fields.map((field) => field.value),
          jsonSafe,
        );
        return this.#options.reject({ address: watched.address, payload, reason: event.reason });
      }
      case 'condition':
        if (event.branch) this.#onBranch(watched, event);
        else await this.#onCondition(watched, event);
    }
  }

  async #onCondition(watched: Watched, event: ConditionEvent): Promise<void> {
    const place = placeOf(watched.mapping, event);
    const code = event.conditionName ?? event.conditionId;
    const key = conditionKey(place.assetId, code);
    const previous = this.#conditions.get(key);
    if (event.active) watched.refresh?.seen.add(key);
    const branchEventId = previous?.branchEventId;
    if (event.active || event.retain || branchEventId) {
      this.#conditions.set(key, {
        ...place,
        code,
        conditionId: event.conditionId,
        eventId: event.eventId,
        active: event.active,
        acked: event.acked,
        branchEventId,
        watched,
      });
    } else this.#conditions.delete(key);
    const record: AlarmRecord = {
      kind: 'alarm',
      ...place,
      time: event.time,
      code,
      active: event.active,
      severity: severityBand(event.severity),
      message: event.message || code,
    };
    await this.#options.sink.write([record]);
    if (acknowledgedNow(previous, event)) this.#acknowledgedAtSource(place, code, event);
  }

  /**
   * A branch keeps an earlier activation for acknowledgement. Unacknowledged, its EventId is what
   * Acknowledge must name once the condition itself has cleared; acknowledged, the alarm of that
   * activation was acknowledged on the server.
   */
  #onBranch(watched: Watched, event: ConditionEvent): void {
    const place = placeOf(watched.mapping, event);
    const code = event.conditionName ?? event.conditionId;
    const key = conditionKey(place.assetId, code);
    const known = this.#conditions.get(key);
    if (event.acked) {
      if (known) known.branchEventId = undefined;
      this.#acknowledgedAtSource(place, code, event);
      return;
    }
    const condition = {
      ...place,
      code,
      conditionId: event.conditionId,
      eventId: event.eventId,
      active: false,
      acked: true,
      watched,
    };
    this.#conditions.set(key, { ...(known ?? condition), branchEventId: event.eventId });
  }

  #acknowledgedAtSource(place: AssetPlace, code: string, event: ConditionEvent): void {
    this.emit('acknowledgedAtSource', {
      ...place,
      code,
      conditionId: event.conditionId,
      time: event.time,
    });
  }

  /** Clears what was active for the mapping but is not among the conditions the refresh sent. */
  async #endRefresh(watched: Watched): Promise<void> {
    const refresh = watched.refresh;
    watched.refresh = undefined;
    if (!refresh) return;
    const open = new Map<string, OpenAlarm>();
    for (const [key, known] of this.#conditions) {
      if (known.watched.mapping === watched.mapping && known.active) open.set(key, known);
    }
    const places = assetPlaces(watched.mapping);
    const stored = (await this.#options.openAlarms?.([...places.keys()])) ?? [];
    for (const alarm of stored) open.set(conditionKey(alarm.assetId, alarm.code), alarm);
    const gone = [...open].filter(([key]) => !refresh.seen.has(key));
    const clears = gone.map(([key, alarm]): AlarmRecord => {
      const known = this.#conditions.get(key);
      if (known) known.active = false;
      return {
        kind: 'alarm',
        assetId: alarm.assetId,
        assetPath: alarm.assetPath,
        time: refresh.requestedAt,
        code: alarm.code,
        active: false,
        // Severity and message are those of the raise; a clear does not change them.
        severity: 'LOW',
        message: alarm.code,
        clearReason: CLEARED_ON_RECONNECT,
      };
    });
    if (clears.length > 0) await this.#options.sink.write(clears);
    const outcome = { address: watched.address, active: refresh.seen.size, cleared: clears.length };
    this.#log.info(outcome, 'condition refresh complete');
    this.emit('refreshed', outcome);
  }
}

/**
 * The node whose events a mapping subscribes: a node id as written, or a browse path from the
 * Root folder translated by the server.
 */
async function eventSource(session: ClientSession, mapping: ResolvedEventMapping): Promise<NodeId> {
  const { source } = mapping;
  if ('nodeId' in source) return resolveNodeId(source.nodeId);
  if (!('browsePath' in source)) throw new Error('not an OPC UA source');
  const [result] = await session.translateBrowsePath([
    makeBrowsePath(ObjectIds.RootFolder, source.browsePath),
  ]);
  const target = result?.targets?.find((candidate) => candidate.remainingPathIndex === 0xffffffff);
  if (!result?.statusCode.isGood() || !target) {
    throw new Error(`browse path not found: ${result?.statusCode.name}`);
  }
  return toNodeId(target.targetId);
}

/**
 * Whether the trunk's event reports an acknowledgement made now: AckedState went true, and not
 * in the event that cleared the condition (a server that keeps the unacknowledged activation in
 * a branch shows the cleared trunk acknowledged; the branch's own acknowledgement comes later).
 * A condition first seen acknowledged counts only while active.
 */
function acknowledgedNow(previous: KnownCondition | undefined, event: ConditionEvent): boolean {
  if (!event.acked) return false;
  if (!previous) return event.active;
  const cleared = previous.active && !event.active;
  return !previous.acked && !cleared;
}

const conditionKey = (assetId: string, code: string) => `${assetId}\u0000${code}`;

/** The asset a condition belongs to: named by SourceName or ConditionName, else the mapping's. */
function placeOf(mapping: ResolvedEventMapping, event: ConditionEvent): AssetPlace {
  // Some servers (node-opcua among them) send the qualified browse name, "2:Press01".
  const unqualified = event.sourceName.replace(/^\d+:/, '');
  const names = [event.sourceName, unqualified, event.conditionName ?? ''];
  const name = names.find((candidate) => mapping.assetIds[candidate] !== undefined);
  if (name === undefined || !mapping.assets?.[name]) {
    return { assetId: mapping.assetId, assetPath: mapping.asset };
  }
  return { assetId: mapping.assetIds[name] ?? mapping.assetId, assetPath: mapping.assets[name] };
}

/** Every asset an events mapping may raise alarms on, by id. */
function assetPlaces(mapping: ResolvedEventMapping): Map<string, string> {
  const places = new Map([[mapping.assetId, mapping.asset]]);
  for (const [name, id] of Object.entries(mapping.assetIds)) {
    const path = mapping.assets?.[name];
    if (path) places.set(id, path);
  }
  return places;
}

function jsonSafe(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (Buffer.isBuffer(value)) return value.toString('hex');
  return value;
}

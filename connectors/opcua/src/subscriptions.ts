import {
  AttributeIds,
  DataChangeFilter,
  DataChangeTrigger,
  DataType,
  DeadbandType,
  MethodIds,
  ObjectIds,
  StatusCodes,
  TimestampsToReturn,
  makeBrowsePath,
  resolveNodeId,
  type ClientMonitoredItemGroup,
  type ClientSession,
  type ClientSubscription,
  type DataValue,
  type NodeId,
} from 'node-opcua';
import type { WatchedSource } from '@plantgraph/ingest';
import { chunks, toNodeId } from './common.ts';
import {
  LimitRefusedError,
  chunkSize,
  limitStatusOf,
  type ServerLimits,
  type SubscriptionPlan,
} from './server-limits.ts';

/** A source resolved to the node it reads. */
export interface Target {
  address: string;
  nodeId: NodeId;
}

/** A source that cannot be monitored: what was asked for (JSON) and why it failed. */
export interface Rejected {
  address: string;
  payload: string;
  reason: string;
}

export interface SubscriptionSettings {
  publishingIntervalMs: number;
  samplingIntervalMs: number;
  queueSize: number;
}

/** One server-side subscription and the items the server accepted on it. */
export interface SubscriptionBatch {
  subscription: ClientSubscription;
  monitored: number;
  /** The targets its items were created for, accepted or not. */
  targets: readonly Target[];
}

export type DataChangeHandler = (target: Target, dataValue: DataValue) => void;

/**
 * Resolves every watched source to a node id. Browse paths are OPC UA relative paths from the
 * Root folder (`/Objects/2:Plant/2:Press01/2:Speed`) and are translated by the server; node ids
 * are taken as written and checked when their monitored item is created.
 */
export async function resolveSources(
  session: ClientSession,
  sources: readonly WatchedSource[],
  limits: Pick<ServerLimits, 'maxNodesPerTranslateBrowsePathsToNodeIds'>,
): Promise<{ targets: Target[]; rejected: Rejected[] }> {
  const targets: Target[] = [];
  const rejected: Rejected[] = [];
  const byPath: { watched: WatchedSource; path: ReturnType<typeof makeBrowsePath> }[] = [];
  const reject = ({ address, source }: WatchedSource, reason: string) =>
    rejected.push({ address, payload: JSON.stringify(source), reason });
  for (const watched of sources) {
    const { source, address } = watched;
    try {
      if ('nodeId' in source) targets.push({ address, nodeId: resolveNodeId(source.nodeId) });
      else if ('browsePath' in source) {
        byPath.push({ watched, path: makeBrowsePath(ObjectIds.RootFolder, source.browsePath) });
      } else reject(watched, 'not an OPC UA source');
    } catch (error) {
      reject(watched, `invalid address: ${(error as Error).message}`);
    }
  }
  const translateLimit = chunkSize(limits.maxNodesPerTranslateBrowsePathsToNodeIds);
  for (const chunk of chunks(byPath, translateLimit)) {
    const results = await session.translateBrowsePath(chunk.map((entry) => entry.path));
    chunk.forEach(({ watched }, index) => {
      const result = results[index];
      const target = result?.targets?.find(
        (candidate) => candidate.remainingPathIndex === 0xffffffff,
      );
      if (result?.statusCode.isGood() && target) {
        targets.push({ address: watched.address, nodeId: toNodeId(target.targetId) });
      } else reject(watched, `browse path not found: ${result?.statusCode.name}`);
    });
  }
  return { targets, rejected };
}

/**
 * Creates the subscriptions of `plan` and their items, at most `plan.itemsPerCall` per call; the
 * targets beyond `plan.items` are rejected unasked. Every item reports status, value and
 * timestamp changes without a deadband: deadbands are the mapper's job, per mapping, and a status
 * change without a value change must still reach it. A refusal for a limit the plan kept to throws
 * `LimitRefusedError` (what the limit is at most) after ending what this call created.
 */
export async function subscribe(
  session: ClientSession,
  targets: readonly Target[],
  settings: SubscriptionSettings,
  plan: SubscriptionPlan,
  onChange: DataChangeHandler,
): Promise<{ batches: SubscriptionBatch[]; rejected: Rejected[] }> {
  const batches: SubscriptionBatch[] = [];
  const rejected: Rejected[] = targets
    .slice(plan.items)
    .map((target) => notMonitored(target, 'BadTooManyMonitoredItems (beyond the server limits)'));
  try {
    for (const batch of chunks(targets.slice(0, plan.items), plan.itemsPerSubscription)) {
      const subscription = await createSubscription(session, settings, batches.length);
      const entry = { subscription, monitored: 0, targets: batch };
      batches.push(entry);
      let refusedForRoom = 0;
      for (const chunk of chunks(batch, plan.itemsPerCall)) {
        const group = await monitor(subscription, chunk, settings, entry.monitored);
        group.on('changed', (_item, dataValue, index) => {
          const target = chunk[index];
          if (target) onChange(target, dataValue);
        });
        chunk.forEach((target, index) => {
          const status = group.monitoredItems[index]?.statusCode;
          if (status?.isGood()) entry.monitored++;
          else if (status?.equals(StatusCodes.BadTooManyMonitoredItems)) refusedForRoom++;
          else rejected.push(notMonitored(target, status?.name ?? 'no result'));
        });
      }
      if (refusedForRoom > 0) throw roomRefusal(batches, entry.monitored);
    }
  } catch (error) {
    // Half a set of subscriptions would deliver alongside the next attempt's full set.
    await terminate(batches);
    throw error;
  }
  return { batches, rejected };
}

function notMonitored({ address, nodeId }: Target, status: string): Rejected {
  const payload = JSON.stringify({ nodeId: nodeId.toString() });
  return { address, payload, reason: `not monitored: ${status}` };
}

async function createSubscription(
  session: ClientSession,
  settings: SubscriptionSettings,
  created: number,
): Promise<ClientSubscription> {
  try {
    return await session.createSubscription2(subscriptionParameters(settings));
  } catch (error) {
    const status = limitStatusOf(error);
    if (!status) throw error;
    throw new LimitRefusedError('maxSubscriptionsPerSession', created, status);
  }
}

/**
 * Items refused for want of room: a subscription that took some holds at most that many; one that
 * took none means the server as a whole is full with what the earlier subscriptions hold.
 */
function roomRefusal(batches: readonly SubscriptionBatch[], monitored: number): LimitRefusedError {
  const status = StatusCodes.BadTooManyMonitoredItems;
  if (monitored > 0) {
    return new LimitRefusedError('maxMonitoredItemsPerSubscription', monitored, status);
  }
  const held = batches.reduce((sum, batch) => sum + batch.monitored, 0);
  return new LimitRefusedError('maxMonitoredItems', held, status);
}

/**
 * The batches whose subscription the server no longer knows, or knows with fewer items than were
 * created. node-opcua re-creates subscriptions after a reconnection but only logs items that fail
 * on the way, e.g. a node id the restarted server assigned anew. A server without the standard
 * GetMonitoredItems method cannot be checked and is trusted.
 */
export async function incompleteBatches(
  session: ClientSession,
  batches: readonly SubscriptionBatch[],
): Promise<SubscriptionBatch[]> {
  const incomplete: SubscriptionBatch[] = [];
  for (const batch of batches) {
    const result = await session.call({
      objectId: ObjectIds.Server,
      methodId: MethodIds.Server_GetMonitoredItems,
      inputArguments: [{ dataType: DataType.UInt32, value: batch.subscription.subscriptionId }],
    });
    if (result.statusCode.equals(StatusCodes.BadSubscriptionIdInvalid)) {
      incomplete.push(batch);
      continue;
    }
    if (!result.statusCode.isGood()) continue;
    const serverHandles = (result.outputArguments?.[0]?.value ?? []) as ArrayLike<number>;
    if (serverHandles.length < batch.monitored) incomplete.push(batch);
  }
  return incomplete;
}

/** Deletes the subscriptions on the server; failures (a lost connection) are ignored. */
export async function terminate(batches: readonly SubscriptionBatch[]): Promise<void> {
  await Promise.allSettled(batches.map((batch) => batch.subscription.terminate()));
}

function subscriptionParameters(settings: SubscriptionSettings) {
  const interval = settings.publishingIntervalMs;
  // A keep-alive at least every 10 s tells both sides the subscription lives; the lifetime lets
  // it outlast a minute without publish requests, long enough for a reconnection to take it over.
  const maxKeepAliveCount = Math.max(3, Math.ceil(10_000 / interval));
  return {
    requestedPublishingInterval: interval,
    requestedMaxKeepAliveCount: maxKeepAliveCount,
    requestedLifetimeCount: Math.max(3 * maxKeepAliveCount, Math.ceil(60_000 / interval)),
    maxNotificationsPerPublish: 1000,
    publishingEnabled: true,
    priority: 1,
  };
}

async function monitor(
  subscription: ClientSubscription,
  targets: readonly Target[],
  settings: SubscriptionSettings,
  monitored: number,
): Promise<ClientMonitoredItemGroup> {
  try {
    return await subscription.monitorItems(
      targets.map((target) => ({ nodeId: target.nodeId, attributeId: AttributeIds.Value })),
      {
        samplingInterval: settings.samplingIntervalMs,
        queueSize: settings.queueSize,
        discardOldest: true,
        filter: new DataChangeFilter({
          trigger: DataChangeTrigger.StatusValueTimestamp,
          deadbandType: DeadbandType.None,
        }),
      },
      TimestampsToReturn.Both,
    );
  } catch (error) {
    const status = limitStatusOf(error);
    if (!status) throw error;
    // The whole call refused: too many items in it, or (some servers) no room left for them.
    if (status.equals(StatusCodes.BadTooManyOperations)) {
      const half = Math.floor(targets.length / 2);
      throw new LimitRefusedError('maxMonitoredItemsPerCall', half, status);
    }
    throw new LimitRefusedError('maxMonitoredItemsPerSubscription', monitored, status);
  }
}

import {
  AttributeIds,
  StatusCodes,
  VariableIds,
  type ClientSession,
  type DataValue,
  type StatusCode,
} from 'node-opcua';
import type { ServerLimits, SubscriptionPlan } from '@plantgraph/ingest';

/** The limits and plan as connection_status stores them (timeseries domain, connection-status.ts). */
export type { ServerLimits, SubscriptionPlan };

export type LimitName = keyof ServerLimits;

const limitNodes: Record<LimitName, number> = {
  maxSubscriptionsPerSession: VariableIds.Server_ServerCapabilities_MaxSubscriptionsPerSession,
  maxMonitoredItems: VariableIds.Server_ServerCapabilities_MaxMonitoredItems,
  maxMonitoredItemsPerSubscription:
    VariableIds.Server_ServerCapabilities_MaxMonitoredItemsPerSubscription,
  maxMonitoredItemsPerCall:
    VariableIds.Server_ServerCapabilities_OperationLimits_MaxMonitoredItemsPerCall,
  maxNodesPerRead: VariableIds.Server_ServerCapabilities_OperationLimits_MaxNodesPerRead,
  maxNodesPerBrowse: VariableIds.Server_ServerCapabilities_OperationLimits_MaxNodesPerBrowse,
  maxNodesPerTranslateBrowsePathsToNodeIds:
    VariableIds.Server_ServerCapabilities_OperationLimits_MaxNodesPerTranslateBrowsePathsToNodeIds,
  maxNodesPerHistoryReadData:
    VariableIds.Server_ServerCapabilities_OperationLimits_MaxNodesPerHistoryReadData,
};

const limitNames = Object.keys(limitNodes) as LimitName[];

/**
 * Items per CreateMonitoredItems call when the server publishes no limit: a single call for tens
 * of thousands of items makes a message many servers (and their TCP buffers) refuse.
 */
export const defaultItemsPerCall = 1000;

/** Reads every limit in one Read; a node the server does not have reads as no limit. */
export async function readServerLimits(session: ClientSession): Promise<ServerLimits> {
  const dataValues = await session.read(
    limitNames.map((name) => ({ nodeId: limitNodes[name], attributeId: AttributeIds.Value })),
  );
  const entries = limitNames.map((name, index) => [name, limitValue(dataValues[index])]);
  return Object.fromEntries(entries) as ServerLimits;
}

function limitValue(dataValue: DataValue | undefined): number | null {
  if (!dataValue?.statusCode.isGood()) return null;
  const value = Number(dataValue.value.value);
  return Number.isFinite(value) && value > 0 ? value : null;
}

/** A limit as a chunk size: `null` (none) is as large as a chunk can be. */
export function chunkSize(limit: number | null): number {
  return limit ?? Number.MAX_SAFE_INTEGER;
}

/** What is left of a session's limits besides the subscriptions the connector keeps. */
export interface PlanBudget {
  subscriptions: number;
  items: number;
}

/** The budget of a session that holds `subscriptions` subscriptions with `items` items. */
export function remainingBudget(
  limits: ServerLimits,
  held: { subscriptions: number; items: number },
): PlanBudget {
  const { maxSubscriptionsPerSession, maxMonitoredItems } = limits;
  return {
    subscriptions: Math.max(0, chunkSize(maxSubscriptionsPerSession) - held.subscriptions),
    items: Math.max(0, chunkSize(maxMonitoredItems) - held.items),
  };
}

/**
 * Spreads `items` over as few subscriptions as `preferredItemsPerSubscription` allows, and over
 * fewer, larger ones when the session may not hold that many; no subscription exceeds the
 * server's MaxMonitoredItemsPerSubscription and no call its MaxMonitoredItemsPerCall. What does
 * not fit at all is left unplanned rather than asked for and refused.
 */
export function planSubscriptions(
  items: number,
  limits: ServerLimits,
  preferredItemsPerSubscription: number,
  budget: PlanBudget = remainingBudget(limits, { subscriptions: 0, items: 0 }),
): SubscriptionPlan {
  const perSubscriptionLimit = chunkSize(limits.maxMonitoredItemsPerSubscription);
  const wanted = Math.min(items, budget.items);
  const allowed = Math.min(budget.subscriptions, wanted);
  if (wanted === 0 || allowed === 0) {
    return {
      subscriptions: 0,
      itemsPerSubscription: 0,
      itemsPerCall: 0,
      items: 0,
      unplanned: items,
      replans: 0,
    };
  }
  const larger = Math.max(preferredItemsPerSubscription, Math.ceil(wanted / allowed));
  const perSubscription = Math.min(perSubscriptionLimit, larger);
  const subscriptions = Math.min(allowed, Math.ceil(wanted / perSubscription));
  const planned = Math.min(wanted, subscriptions * perSubscription);
  const itemsPerSubscription = Math.ceil(planned / subscriptions);
  const callLimit = limits.maxMonitoredItemsPerCall ?? defaultItemsPerCall;
  return {
    subscriptions,
    itemsPerSubscription,
    itemsPerCall: Math.min(callLimit, itemsPerSubscription),
    items: planned,
    unplanned: items - planned,
    replans: 0,
  };
}

/**
 * The server refused part of a plan although it kept to the published limits (a server that
 * publishes none, or counts other clients' subscriptions): `limit` is what the refusal showed it
 * to be at most.
 */
export class LimitRefusedError extends Error {
  readonly code = 'OPCUA_LIMIT_REFUSED';
  readonly limit: LimitName;
  readonly observed: number;
  readonly status: StatusCode;

  constructor(limit: LimitName, observed: number, status: StatusCode) {
    super(
      `the server refused the subscription plan: ${status.name} (${limit} at most ${observed})`,
    );
    this.name = 'LimitRefusedError';
    this.limit = limit;
    this.observed = observed;
    this.status = status;
  }
}

/**
 * The limits after a refusal: the refused one lowered to what the refusal showed. Undefined when
 * that is no lower than before (or 0), so a refusal can never lead to the same plan again.
 */
export function tightenLimits(
  limits: ServerLimits,
  refusal: LimitRefusedError,
): ServerLimits | undefined {
  const current = chunkSize(limits[refusal.limit]);
  if (refusal.observed < 1 || refusal.observed >= current) return undefined;
  return { ...limits, [refusal.limit]: refusal.observed };
}

const limitStatuses = [
  StatusCodes.BadTooManySubscriptions,
  StatusCodes.BadTooManyMonitoredItems,
  StatusCodes.BadTooManyOperations,
];

/** The limit status a failed service call carries (its ServiceFault), if any. */
export function limitStatusOf(error: unknown): StatusCode | undefined {
  const fault = (error as { response?: { responseHeader?: { serviceResult?: StatusCode } } })
    .response?.responseHeader?.serviceResult;
  const message = error instanceof Error ? error.message : '';
  return limitStatuses.find(
    (status) => fault?.value === status.value || message.includes(status.name),
  );
}

/** Each limit at the lower of the two: a fresh read kept below what refusals showed before. */
export function lowerOf(read: ServerLimits, known: ServerLimits | undefined): ServerLimits {
  if (!known) return read;
  const entries = limitNames.map((name) => {
    const values = [read[name], known[name]].filter((value): value is number => value !== null);
    return [name, values.length > 0 ? Math.min(...values) : null];
  });
  return Object.fromEntries(entries) as ServerLimits;
}

import type { ClientSession } from 'node-opcua';
import type { Logger } from '@plantgraph/config';
import {
  LimitRefusedError,
  planSubscriptions,
  remainingBudget,
  tightenLimits,
  type ServerLimits,
  type SubscriptionPlan,
} from './server-limits.ts';
import {
  subscribe,
  type DataChangeHandler,
  type Rejected,
  type SubscriptionBatch,
  type SubscriptionSettings,
  type Target,
} from './subscriptions.ts';

export interface PlannedSubscribeOptions {
  session: ClientSession;
  targets: readonly Target[];
  settings: SubscriptionSettings & { maxItemsPerSubscription: number };
  /** The limits known so far: those the server publishes, lowered by earlier refusals. */
  limits: ServerLimits;
  /** What the session already holds for this connection and keeps (a refresh's kept batches). */
  held: { subscriptions: number; items: number };
  onChange: DataChangeHandler;
  log: Logger;
}

export interface PlannedSubscriptions {
  batches: SubscriptionBatch[];
  rejected: Rejected[];
  plan: SubscriptionPlan;
  /** `limits` lowered by what the server refused on the way; plan later calls with these. */
  limits: ServerLimits;
}

/**
 * Subscribes `targets` within the server's limits. A server may refuse a plan that keeps to what
 * it publishes (it publishes nothing, or counts other sessions): each refusal lowers the limit it
 * showed and the items are planned again, fewer and larger subscriptions or smaller calls. Every
 * refusal lowers a limit strictly, so this ends; a refusal that shows nothing new is thrown.
 */
export async function subscribeWithinLimits(
  options: PlannedSubscribeOptions,
): Promise<PlannedSubscriptions> {
  const { session, targets, settings, held, onChange, log } = options;
  let limits = options.limits;
  for (let replans = 0; ; replans++) {
    const budget = remainingBudget(limits, held);
    const planned = planSubscriptions(
      targets.length,
      limits,
      settings.maxItemsPerSubscription,
      budget,
    );
    const plan = { ...planned, replans };
    try {
      const subscribed = await subscribe(session, targets, settings, plan, onChange);
      return { ...subscribed, plan, limits };
    } catch (error) {
      if (!(error instanceof LimitRefusedError)) throw error;
      const tighter = tightenLimits(limits, sessionWide(error, held));
      if (!tighter) throw error;
      log.warn({ plan, limit: error.limit, status: error.status.name }, error.message);
      limits = tighter;
    }
  }
}

/** A refusal counted within one call, as the session-wide limit it shows. */
function sessionWide(
  refusal: LimitRefusedError,
  held: { subscriptions: number; items: number },
): LimitRefusedError {
  const extra =
    refusal.limit === 'maxSubscriptionsPerSession'
      ? held.subscriptions
      : refusal.limit === 'maxMonitoredItems'
        ? held.items
        : 0;
  if (extra === 0) return refusal;
  return new LimitRefusedError(refusal.limit, refusal.observed + extra, refusal.status);
}

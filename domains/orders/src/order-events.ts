import type { EventBus } from '@plantgraph/bus';
import type { ProductionOrderStatus } from './order-status.ts';

/** One committed step of an order's lifecycle, with what a listener needs to place it. */
export interface OrderStatusStep {
  orderId: string;
  number: string;
  assetId: string;
  assetPath: string;
  /** Null for the creation. */
  from: ProductionOrderStatus | null;
  to: ProductionOrderStatus;
  at: Date;
  reason: string | null;
  actor: string;
}

/**
 * Announces a committed status change on the event bus (`…/<asset>/orders/<number>`), where
 * `orderStatusChanged` subscribers and other tools pick it up. Call it after the commit only: a
 * change that rolled back must never be announced. Without a bus there is nobody to tell.
 */
export function publishStatusChange(events: EventBus | undefined, step: OrderStatusStep): void {
  events?.publish({
    type: 'orderStatus',
    orderId: step.orderId,
    number: step.number,
    assetId: step.assetId,
    assetPath: step.assetPath,
    time: step.at.toISOString(),
    status: step.to,
    previousStatus: step.from,
    reason: step.reason,
    actor: step.actor,
  });
}

import { ProductionOrderStatus } from './order-status.ts';

/** What progress is computed from: the order's quantity, state and the machine's counters. */
export interface ProgressSource {
  status: ProductionOrderStatus;
  quantity: number;
  producedGood: number;
  producedReject: number;
  startedAt: Date | null;
  completedAt: Date | null;
}

export interface OrderProgress {
  good: number;
  reject: number;
  remaining: number;
  ratePerHour: number | null;
  estimatedCompletion: Date | null;
}

const HOUR_MS = 3_600_000;

/**
 * Production so far: counters from the machine, the good rate since the start, and when the
 * quantity will be reached at that rate.
 */
export function progressOf(order: ProgressSource, now = new Date()): OrderProgress {
  const good = order.producedGood;
  const remaining = Math.max(order.quantity - good, 0);
  const end = order.completedAt ?? now;
  const hours = order.startedAt ? (end.getTime() - order.startedAt.getTime()) / HOUR_MS : 0;
  const ratePerHour = order.startedAt && hours > 0 ? good / hours : null;
  return {
    good,
    reject: order.producedReject,
    remaining,
    ratePerHour,
    estimatedCompletion: estimatedCompletion(order, remaining, ratePerHour, now),
  };
}

function estimatedCompletion(
  order: ProgressSource,
  remaining: number,
  ratePerHour: number | null,
  now: Date,
): Date | null {
  if (order.status === ProductionOrderStatus.COMPLETED) return order.completedAt;
  if (!ratePerHour || ratePerHour <= 0 || order.status !== ProductionOrderStatus.RUNNING) {
    return null;
  }
  return new Date(now.getTime() + (remaining / ratePerHour) * HOUR_MS);
}

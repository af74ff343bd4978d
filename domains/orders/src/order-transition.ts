import { assetPathOf } from '@plantgraph/assets-domain';
import type { Sql } from '@plantgraph/db';
import { OrderChangedConcurrently, OrderNotFound } from './order-errors.ts';
import { publishStatusChange, type OrderStatusStep } from './order-events.ts';
import { assertTransition, ProductionOrderStatus } from './order-status.ts';
import type { OrderAccess, OrdersDatabase } from './orders-database.ts';

/** A request to move one order one step through its lifecycle. */
export interface OrderTransition {
  orderId: string;
  to: ProductionOrderStatus;
  /** Who asks: a user's subject, an integration, or `machine`. Recorded in the history. */
  actor: string;
  reason?: string | null;
  /**
   * The status the caller saw. When given, the step is refused as stale if the order has moved
   * on since, so a report that arrives twice changes nothing the second time.
   */
  from?: ProductionOrderStatus;
  /** The machine a DOWNLOADING order goes to. */
  equipmentId?: string;
  /** How the caller named the order, for error messages; default `id`. */
  field?: string;
  access?: OrderAccess;
  /** Further checks and writes in the same transaction, run once the step was found legal. */
  within?: (tx: Sql, from: ProductionOrderStatus) => Promise<void>;
}

type StepColumn = 'started_at' | 'completed_at' | 'failure_reason' | 'equipment_id';

/**
 * The one way an order changes status, for users and machines alike: checks the step against
 * the legality table, writes the order and its status history (and whatever `within` adds) in
 * one transaction, and announces the step on the bus after the commit.
 *
 * Throws OrderNotFound, IllegalTransition, or OrderChangedConcurrently (the order moved on
 * since `from`, or between our read and our write); nothing is written then.
 *
 * The transaction joins one the caller already holds on `db.sql`, but the announcement goes out
 * when this function's work is done: put further writes in `within` rather than wrapping the
 * call, so nothing is announced that might still roll back.
 */
export async function transitionOrder(
  db: OrdersDatabase,
  transition: OrderTransition,
): Promise<OrderStatusStep> {
  const field = transition.field ?? 'id';
  await transition.access?.order(transition.orderId, field);
  const step = await db.sql.transaction(async (tx) => {
    const current = await currentStatus(tx, transition.orderId, field);
    if (transition.from && current.status !== transition.from) {
      throw new OrderChangedConcurrently(transition.orderId);
    }
    assertTransition(current.status, transition.to);
    await transition.within?.(tx, current.status);
    return writeStep(tx, transition, current.status, changeTime(current.updatedAt));
  });
  publishStatusChange(db.events, step);
  return step;
}

async function currentStatus(tx: Sql, orderId: string, field: string) {
  const [order] = await tx.query<{ status: ProductionOrderStatus; updated_at: Date }>(
    'select status::text as status, updated_at from production_order where id = $1',
    [orderId],
  );
  if (!order) throw new OrderNotFound(orderId, field);
  return { status: order.status, updatedAt: order.updated_at };
}

/**
 * The time of an order's next change: now, but always after its last change, so one order's
 * history has a single order even when changes fall into the same millisecond.
 */
export function changeTime(lastChange?: Date): Date {
  const now = Date.now();
  return new Date(lastChange ? Math.max(now, lastChange.getTime() + 1) : now);
}

/** What a step records besides the status: when the order ran, ended, or why it failed. */
function stepColumns(transition: OrderTransition, at: Date): [StepColumn, unknown][] {
  switch (transition.to) {
    case ProductionOrderStatus.RUNNING:
      return [['started_at', at]];
    case ProductionOrderStatus.COMPLETED:
    case ProductionOrderStatus.ABORTED:
      return [['completed_at', at]];
    case ProductionOrderStatus.DOWNLOAD_FAILED:
      return [['failure_reason', transition.reason ?? null]];
    case ProductionOrderStatus.DOWNLOADING:
      return transition.equipmentId
        ? [
            ['failure_reason', null],
            ['equipment_id', transition.equipmentId],
          ]
        : [['failure_reason', null]];
    default:
      return [];
  }
}

async function writeStep(
  tx: Sql,
  transition: OrderTransition,
  from: ProductionOrderStatus,
  at: Date,
): Promise<OrderStatusStep> {
  const { orderId, to, actor } = transition;
  const reason = transition.reason ?? null;
  const columns = stepColumns(transition, at);
  const assignments = columns.map(([name], index) => `, ${name} = $${index + 5}`).join('');
  // Guarded by the status read above: a concurrent writer makes this match nothing.
  const [order] = await tx.query<{ number: string; asset_id: string; path: string }>(
    `update production_order o
        set status = $3::text::production_order_status, updated_at = $4 ${assignments}
      where o.id = $1 and o.status::text = $2
      returning o.number, o.asset_id, ${assetPathOf('o.asset_id')} as path`,
    [orderId, from, to, at, ...columns.map(([, value]) => value)],
  );
  if (!order) throw new OrderChangedConcurrently(orderId);
  await tx.query(
    `insert into production_order_status_change
       (order_id, from_status, to_status, actor, reason, changed_at)
     values ($1, $2::text::production_order_status, $3::text::production_order_status, $4, $5, $6)`,
    [orderId, from, to, actor, reason, at],
  );
  return {
    orderId,
    number: order.number,
    assetId: order.asset_id,
    assetPath: order.path,
    from,
    to,
    at,
    reason,
    actor,
  };
}

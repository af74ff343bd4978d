import type { OrderStatusStep } from './order-events.ts';
import { OrderNotFound } from './order-errors.ts';
import { requireId } from './order-input.ts';
import { assertTransition, ProductionOrderStatus } from './order-status.ts';
import { transitionOrder } from './order-transition.ts';
import type { OrderAccess, OrdersDatabase } from './orders-database.ts';

export interface AbortRequest {
  orderId: string;
  actor: string;
  reason?: string | null;
  access?: OrderAccess;
}

/**
 * How an abort went: `sent` when a machine holds the order and an abort command carries the
 * request to it (the order becomes ABORTED on the machine's acknowledgement); otherwise the order
 * was ABORTED at once, since nothing on the shop floor has to stop.
 */
export type AbortOutcome =
  { sent: true; commandId: string } | { sent: false; step: OrderStatusStep };

interface AbortPlan {
  status: ProductionOrderStatus;
  equipment_id: string | null;
  /** The acknowledged download that put the order on its machine. */
  download_id: string | null;
  /** Whether a connector still carries the machine's order interface. */
  has_target: boolean;
  pending_abort: string | null;
}

/**
 * Aborts a DOWNLOADED or RUNNING order (anything else is IllegalTransition). When a machine took
 * the order through its order interface, the abort has to reach the machine: an ABORT command
 * naming that download is recorded and announced, and the order stays as it is until the
 * machine acknowledges (then ABORTED through `applyMachineReport`). A refusal or no answer after
 * the download retries ends the command FAILED with the reason and leaves the order unchanged.
 * An abort already on its way answers with its command; no second one is recorded.
 */
export async function abortOrder(db: OrdersDatabase, request: AbortRequest): Promise<AbortOutcome> {
  const orderId = requireId(request.orderId, 'id', 'ProductionOrder');
  await request.access?.order(orderId, 'id');
  const reason = request.reason ?? null;
  const planned = await db.sql.transaction(async (tx) => {
    const [order] = await tx.query<AbortPlan>(
      `select o.status::text as status, o.equipment_id,
              (select c.id from download_command c
                where c.order_id = o.id and c.kind = 'DOWNLOAD' and c.state = 'ACKNOWLEDGED'
                order by c.created_at desc limit 1) as download_id,
              exists (select 1 from download_target t where t.asset_id = o.equipment_id)
                as has_target,
              (select c.id from download_command c
                where c.order_id = o.id and c.kind = 'ABORT' and c.state = 'PENDING'
                limit 1) as pending_abort
         from production_order o
        where o.id = $1
          for update of o`,
      [orderId],
    );
    if (!order) throw new OrderNotFound(orderId, 'id');
    assertTransition(order.status, ProductionOrderStatus.ABORTED);
    if (order.pending_abort)
      return { commandId: order.pending_abort, equipmentId: null, announce: false };
    if (!order.download_id || !order.has_target || !order.equipment_id) {
      return { status: order.status };
    }
    const [command] = await tx.query<{ id: string }>(
      `insert into download_command
         (order_id, equipment_id, kind, aborts_command_id, requested_by, request_reason)
       values ($1, $2, 'ABORT', $3, $4, $5)
       returning id`,
      [orderId, order.equipment_id, order.download_id, request.actor, reason],
    );
    if (!command) throw new Error('download_command insert returned no row');
    return { commandId: command.id, equipmentId: order.equipment_id, announce: true };
  });
  if ('status' in planned) {
    const step = await transitionOrder(db, {
      orderId,
      from: planned.status,
      to: ProductionOrderStatus.ABORTED,
      actor: request.actor,
      reason,
    });
    return { sent: false, step };
  }
  if (planned.announce && planned.equipmentId) {
    db.events?.publishCommand({
      kind: 'orderAbort',
      commandId: planned.commandId,
      orderId,
      equipmentId: planned.equipmentId,
    });
  }
  return { sent: true, commandId: planned.commandId };
}

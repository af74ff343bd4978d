import { assetPathOf } from '@plantgraph/assets-domain';
import type { Sql } from '@plantgraph/db';
import { AssetNotFound, InvalidOrderInput, OrderConflict, OrderNotFound } from './order-errors.ts';
import type { OrderStatusStep } from './order-events.ts';
import { isDuplicate, requireId } from './order-input.ts';
import { occupyingStatuses, ProductionOrderStatus } from './order-status.ts';
import { transitionOrder } from './order-transition.ts';
import type { OrderAccess, OrdersDatabase } from './orders-database.ts';

/** A setpoint a machine's download interface accepts, as its connector provisioned it. */
export interface SetpointLimit {
  name: string;
  unit?: string | null;
  min: number;
  max: number;
}

export interface DownloadRequest {
  orderId: string;
  equipmentId: string;
  expiresAt?: Date | null;
  actor: string;
  access?: OrderAccess;
}

export interface DownloadedOrder {
  step: OrderStatusStep;
  commandId: string;
}

/** Whether `path` is `root` itself or lies below it. */
function isWithin(path: string, root: string): boolean {
  return path === root || path.startsWith(`${root}/`);
}

/**
 * Sends a RELEASED order to a machine: checks that the equipment is the order's asset or below
 * it, has a download interface, is not occupied by another order and accepts every setpoint;
 * then, in one transaction, moves the order to DOWNLOADING and records a download command, and
 * asks the connectors to carry it out. The machine's acknowledgement moves it on.
 */
export async function downloadOrder(
  db: OrdersDatabase,
  request: DownloadRequest,
): Promise<DownloadedOrder> {
  const orderId = requireId(request.orderId, 'orderId', 'ProductionOrder');
  const equipmentId = requireId(request.equipmentId, 'equipmentId', 'Asset');
  await request.access?.asset(equipmentId, 'equipmentId');
  const expiresAt = request.expiresAt ?? null;
  if (expiresAt && expiresAt.getTime() <= Date.now()) {
    throw new InvalidOrderInput('expiresAt', 'must be in the future');
  }
  let commandId = '';
  const step = await transitionOrder(db, {
    orderId,
    to: ProductionOrderStatus.DOWNLOADING,
    actor: request.actor,
    equipmentId,
    field: 'orderId',
    access: request.access,
    within: async (tx) => {
      await assertDownloadable(tx, orderId, equipmentId);
      commandId = await recordDownloadCommand(tx, orderId, equipmentId, expiresAt);
    },
  }).catch((error: unknown) => {
    // Two downloads to one machine at the same moment: the occupancy index lets one through.
    if (isDuplicate(error)) {
      throw new OrderConflict('The equipment took another order at the same moment; try again');
    }
    throw error;
  });
  db.events?.publishCommand({ kind: 'orderDownload', commandId, orderId, equipmentId });
  return { step, commandId };
}

async function recordDownloadCommand(
  tx: Sql,
  orderId: string,
  equipmentId: string,
  expiresAt: Date | null,
): Promise<string> {
  const [command] = await tx.query<{ id: string }>(
    `insert into download_command (order_id, equipment_id, expires_at) values ($1, $2, $3)
     returning id`,
    [orderId, equipmentId, expiresAt],
  );
  if (!command) throw new Error('download_command insert returned no row');
  return command.id;
}

interface Equipment {
  path: string;
  limits: SetpointLimit[] | null;
}

async function equipmentOf(tx: Sql, equipmentId: string): Promise<Equipment> {
  const [equipment] = await tx.query<{ path: string; parameters: SetpointLimit[] | null }>(
    `select ${assetPathOf('$1::uuid')} as path,
            (select parameters from download_target where asset_id = $1::uuid) as parameters`,
    [equipmentId],
  );
  if (!equipment?.path) throw new AssetNotFound(equipmentId, 'equipmentId');
  return { path: equipment.path, limits: equipment.parameters };
}

async function assertDownloadable(tx: Sql, orderId: string, equipmentId: string): Promise<void> {
  // One statement at a time: a transaction is one connection.
  const [order] = await tx.query<{ path: string }>(
    `select ${assetPathOf('o.asset_id')} as path from production_order o where o.id = $1`,
    [orderId],
  );
  if (!order) throw new OrderNotFound(orderId, 'orderId');
  const equipment = await equipmentOf(tx, equipmentId);
  if (!isWithin(equipment.path, order.path)) {
    throw new InvalidOrderInput(
      'equipmentId',
      `"${equipment.path}" is not the order's asset "${order.path}" or below it`,
    );
  }
  if (!equipment.limits) {
    throw new InvalidOrderInput(
      'equipmentId',
      `"${equipment.path}" has no download mapping; orders cannot be sent to it`,
    );
  }
  await assertUnoccupied(tx, orderId, equipmentId, equipment.path);
  const setpoints = await tx.query<{ name: string; value: number; unit: string | null }>(
    'select name, value, unit from production_order_parameter where order_id = $1 order by position',
    [orderId],
  );
  for (const setpoint of setpoints) assertWithinLimits(setpoint, equipment.limits, equipment.path);
}

async function assertUnoccupied(
  tx: Sql,
  orderId: string,
  equipmentId: string,
  path: string,
): Promise<void> {
  const [busy] = await tx.query<{ number: string; status: string }>(
    `select number, status::text as status from production_order
      where equipment_id = $1 and status::text = any($2::text[]) and id <> $3
      limit 1`,
    [equipmentId, occupyingStatuses, orderId],
  );
  if (!busy) return;
  throw new OrderConflict(
    `"${path}" is occupied by order ${busy.number} (${busy.status}); ` +
      'complete, abort or cancel it first',
  );
}

/** Refuses a setpoint the machine does not have, takes in another unit, or cannot reach. */
export function assertWithinLimits(
  setpoint: { name: string; value: number; unit: string | null },
  limits: readonly SetpointLimit[],
  machine: string,
): void {
  const limit = limits.find((candidate) => candidate.name === setpoint.name);
  const field = `parameters.${setpoint.name}`;
  if (!limit) {
    const known = limits.map((candidate) => candidate.name).join(', ') || 'none';
    throw new InvalidOrderInput(
      field,
      `"${machine}" has no setpoint "${setpoint.name}" (it has: ${known})`,
    );
  }
  if (setpoint.unit && limit.unit && setpoint.unit !== limit.unit) {
    throw new InvalidOrderInput(
      field,
      `is given in ${setpoint.unit}, but "${machine}" takes it in ${limit.unit}`,
    );
  }
  if (setpoint.value < limit.min || setpoint.value > limit.max) {
    const unit = limit.unit ? ` ${limit.unit}` : '';
    throw new InvalidOrderInput(
      field,
      `${setpoint.value}${unit} is outside the limits of "${machine}" ` +
        `(${limit.min} to ${limit.max}${unit})`,
    );
  }
}

import type { Prisma } from '@plantgraph/db/prisma';
import {
  AssetNotFound,
  OrderChangedConcurrently,
  OrderConflict,
  OrderNotFound,
} from './order-errors.ts';
import { publishStatusChange, type OrderStatusStep } from './order-events.ts';
import {
  isDuplicate,
  requestHash,
  requireId,
  validateChanges,
  validateIdempotencyKey,
  validateNewOrder,
  validateSetpoints,
  type NewOrder,
  type NewOrderInput,
  type OrderChangesInput,
} from './order-input.ts';
import { assertEditable, editableStatuses, ProductionOrderStatus } from './order-status.ts';
import { changeTime } from './order-transition.ts';
import type { OrderAccess, PlanningDatabase } from './orders-database.ts';

type Tx = Prisma.TransactionClient;

/** What a creation request came to: the order, and its creation step unless it was a retry. */
export interface CreatedOrder {
  orderId: string;
  /** Null when an earlier request with the same key or external id had created it. */
  step: OrderStatusStep | null;
}

/** The nearest SITE among an asset (at `path`) and its ancestors; null when there is none. */
async function siteOf(tx: Tx, path: string): Promise<string | null> {
  const parts = path.split('/');
  const paths = parts.map((_, index) => parts.slice(0, index + 1).join('/'));
  const sites = await tx.asset.findMany({
    where: { kind: 'SITE', path: { in: paths } },
    select: { id: true, path: true },
  });
  sites.sort((a, b) => b.path.length - a.path.length);
  return sites[0]?.id ?? null;
}

async function assetPath(tx: Tx, assetId: string): Promise<string> {
  const asset = await tx.asset.findUnique({ where: { id: assetId }, select: { path: true } });
  if (!asset) throw new AssetNotFound(assetId, 'input.assetId');
  return asset.path;
}

async function numberTaken(tx: Tx, order: NewOrder, siteId: string | null): Promise<boolean> {
  const clash = await tx.productionOrder.findFirst({
    where: { number: order.number, siteId },
    select: { id: true },
  });
  return clash !== null;
}

function numberConflict(order: NewOrder): OrderConflict {
  return new OrderConflict(
    `Argument "input.number": a production order "${order.number}" already exists in this site`,
  );
}

/**
 * The order an earlier request with the same idempotency key or external id created: returned
 * again when the payload matches, a conflict naming the key when it does not.
 */
async function earlierRequest(
  tx: Tx,
  order: NewOrder,
  idempotencyKey: string | null,
  hash: string,
): Promise<string | null> {
  const keys = [
    ...(idempotencyKey ? [{ idempotencyKey }] : []),
    ...(order.externalId ? [{ externalId: order.externalId }] : []),
  ];
  if (keys.length === 0) return null;
  const earlier = await tx.productionOrder.findFirst({
    where: { OR: keys },
    select: { id: true, idempotencyKey: true, requestHash: true },
  });
  if (!earlier) return null;
  if (earlier.requestHash === hash) return earlier.id;
  const field =
    idempotencyKey && earlier.idempotencyKey === idempotencyKey
      ? 'input.idempotencyKey'
      : 'input.externalId';
  throw new OrderConflict(
    `Argument "${field}": already used for a production order with different data`,
  );
}

/** Only a concurrent insert that slipped past the checks above gets here. */
function conflictOnDuplicate(error: unknown): never {
  if (isDuplicate(error)) {
    throw new OrderConflict('A production order with this number or external id already exists');
  }
  throw error;
}

export interface CreateOrderOptions {
  actor: string;
  access?: OrderAccess;
}

/**
 * Creates an order in status CREATED with its setpoints and records the creation in its status
 * history; announces it after the commit. Idempotent by idempotency key or external id: the same
 * request again answers the first order, the same key with other data is an OrderConflict.
 */
export async function createOrder(
  db: PlanningDatabase,
  input: NewOrderInput,
  options: CreateOrderOptions,
): Promise<CreatedOrder> {
  const order = validateNewOrder(input);
  await options.access?.asset(order.assetId, 'input.assetId');
  const setpoints = validateSetpoints(input);
  const idempotencyKey = validateIdempotencyKey(input);
  const hash = requestHash(order, setpoints);
  const write = () =>
    db.prisma.$transaction(async (tx): Promise<CreatedOrder> => {
      const earlier = await earlierRequest(tx, order, idempotencyKey, hash);
      if (earlier) return { orderId: earlier, step: null };
      const path = await assetPath(tx, order.assetId);
      const siteId = await siteOf(tx, path);
      // A concurrent request with the same key may have committed since the lookup above.
      if (await numberTaken(tx, order, siteId)) {
        const winner = await earlierRequest(tx, order, idempotencyKey, hash);
        if (winner) return { orderId: winner, step: null };
        throw numberConflict(order);
      }
      const at = changeTime();
      const created = await tx.productionOrder.create({
        data: {
          ...order,
          siteId,
          idempotencyKey,
          requestHash: hash,
          status: ProductionOrderStatus.CREATED,
          createdAt: at,
          updatedAt: at,
          parameters: {
            create: setpoints.map((setpoint, position) => ({ ...setpoint, position })),
          },
          statusChanges: {
            create: {
              fromStatus: null,
              toStatus: ProductionOrderStatus.CREATED,
              actor: options.actor,
              changedAt: at,
            },
          },
        },
        select: { id: true },
      });
      const step: OrderStatusStep = {
        orderId: created.id,
        number: order.number,
        assetId: order.assetId,
        assetPath: path,
        from: null,
        to: ProductionOrderStatus.CREATED,
        at,
        reason: null,
        actor: options.actor,
      };
      return { orderId: created.id, step };
    });
  // A concurrent request with the same key may have won the race: answer as a retry would.
  const created = await write().catch((error: unknown) =>
    isDuplicate(error) && (idempotencyKey || order.externalId)
      ? write()
      : conflictOnDuplicate(error),
  );
  if (created.step) publishStatusChange(db.events, created.step);
  return created;
}

export interface UpdateOrderOptions {
  access?: OrderAccess;
}

/**
 * Changes an order's data while it is CREATED or RELEASED; an OrderConflict afterwards. Answers
 * the order's id as stored.
 */
export async function updateOrder(
  db: PlanningDatabase,
  id: string,
  input: OrderChangesInput,
  options: UpdateOrderOptions = {},
): Promise<string> {
  const orderId = requireId(id, 'id', 'ProductionOrder');
  const changes = validateChanges(input);
  await options.access?.order(orderId, 'id');
  if (changes.assetId) await options.access?.asset(changes.assetId, 'input.assetId');
  await db.prisma.$transaction(async (tx) => {
    const order = await tx.productionOrder.findUnique({
      where: { id: orderId },
      select: { status: true, updatedAt: true },
    });
    if (!order) throw new OrderNotFound(orderId, 'id');
    assertEditable(order.status as ProductionOrderStatus);
    if (changes.assetId) await assetPath(tx, changes.assetId);
    const { count } = await tx.productionOrder.updateMany({
      where: { id: orderId, status: { in: [...editableStatuses] } },
      data: { ...changes, updatedAt: changeTime(order.updatedAt) },
    });
    if (count === 0) throw new OrderChangedConcurrently(orderId);
  });
  return orderId;
}

import type { PrismaClient } from '@plantgraph/db/prisma';
import {
  BadUserInputError,
  ConflictError,
  NotFoundError,
  parseId,
  type GraphContext,
} from '@plantgraph/graph';
import type { CreateProductionOrderInput, UpdateProductionOrderInput } from './order.input.ts';
import { assertEditable, assertTransition, editableStatuses } from './order-status.ts';
import { publishStatusChange } from './order.events.ts';
import { forgetOrder, requireOrder } from './order.service.ts';
import { ProductionOrderStatus, type ProductionOrder } from './order.type.ts';

type OrderWriter = Pick<PrismaClient, 'asset' | 'productionOrder' | 'productionOrderStatusChange'>;

interface NewOrder {
  number: string;
  externalId: string | null;
  material: string;
  quantity: number;
  unit: string;
  priority: number;
  dueAt: Date | null;
  assetId: string;
}

type OrderChanges = Partial<Omit<NewOrder, 'number' | 'externalId'>>;

const isSet = <T>(value: T | null | undefined): value is T => value !== null && value !== undefined;

function requireText(value: string, argument: string): string {
  const text = value.trim();
  if (text === '') throw new BadUserInputError(argument, 'must not be empty');
  return text;
}

function requireQuantity(value: number, argument = 'input.quantity'): number {
  if (!Number.isFinite(value) || value <= 0) {
    throw new BadUserInputError(argument, `must be a finite number greater than 0, got ${value}`);
  }
  return value;
}

/** An omitted field stays as it is; an explicit null is refused where the column has no null. */
function given<T>(value: T | null | undefined, argument: string): T | undefined {
  if (value === null) throw new BadUserInputError(argument, 'must not be null');
  return value;
}

function validateNewOrder(input: CreateProductionOrderInput): NewOrder {
  return {
    number: requireText(input.number, 'input.number'),
    externalId: isSet(input.externalId) ? requireText(input.externalId, 'input.externalId') : null,
    material: requireText(input.material, 'input.material'),
    quantity: requireQuantity(input.quantity),
    unit: isSet(input.unit) ? requireText(input.unit, 'input.unit') : 'pcs',
    priority: input.priority ?? 0,
    dueAt: input.dueAt ?? null,
    assetId: parseId(input.assetId, 'input.assetId', 'Asset'),
  };
}

function validateChanges(input: UpdateProductionOrderInput): OrderChanges {
  const changes: OrderChanges = {};
  const material = given(input.material, 'input.material');
  if (material !== undefined) changes.material = requireText(material, 'input.material');
  const quantity = given(input.quantity, 'input.quantity');
  if (quantity !== undefined) changes.quantity = requireQuantity(quantity);
  const unit = given(input.unit, 'input.unit');
  if (unit !== undefined) changes.unit = requireText(unit, 'input.unit');
  const priority = given(input.priority, 'input.priority');
  if (priority !== undefined) changes.priority = priority;
  if (input.dueAt !== undefined) changes.dueAt = input.dueAt;
  const assetId = given(input.assetId, 'input.assetId');
  if (assetId !== undefined) changes.assetId = parseId(assetId, 'input.assetId', 'Asset');
  if (Object.keys(changes).length === 0) {
    throw new BadUserInputError('input', 'must set at least one field');
  }
  return changes;
}

async function assertAssetExists(tx: OrderWriter, assetId: string): Promise<void> {
  const asset = await tx.asset.findUnique({ where: { id: assetId }, select: { id: true } });
  if (!asset) throw new NotFoundError('Asset', assetId, 'input.assetId');
}

async function assertUnique(tx: OrderWriter, order: NewOrder): Promise<void> {
  const { number, externalId } = order;
  const clash = await tx.productionOrder.findFirst({
    where: { OR: [{ number }, ...(externalId ? [{ externalId }] : [])] },
    select: { number: true },
  });
  if (!clash) return;
  const [argument, value] =
    clash.number === number ? ['input.number', number] : ['input.externalId', externalId];
  throw new ConflictError(
    `Argument "${argument}": a production order with "${value}" already exists`,
  );
}

/**
 * Prisma reports a unique violation as P2002, which the central database error mapping does not
 * know; only a concurrent insert that slipped past assertUnique gets here.
 */
function conflictOnDuplicate(error: unknown): never {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'P2002' || code === '23505') {
    throw new ConflictError('A production order with this number or external id already exists');
  }
  throw error;
}

/**
 * The time of an order's next change: now, but always after its last change, so one order's
 * history has a single order even when changes fall into the same millisecond.
 */
function changeTime(lastChange?: Date): Date {
  const now = Date.now();
  return new Date(lastChange ? Math.max(now, lastChange.getTime() + 1) : now);
}

function changedConcurrently(id: string): ConflictError {
  return new ConflictError(`Production order "${id}" was changed concurrently; try again`);
}

async function findForWrite(tx: OrderWriter, id: string, argument: string) {
  const order = await tx.productionOrder.findUnique({
    where: { id },
    select: { status: true, updatedAt: true },
  });
  if (!order) throw new NotFoundError('ProductionOrder', id, argument);
  return { status: order.status as ProductionOrderStatus, updatedAt: order.updatedAt };
}

async function reload(context: GraphContext, id: string): Promise<ProductionOrder> {
  forgetOrder(context, id);
  return requireOrder(context, id);
}

/** Creates an order in status CREATED and records the creation in its status history. */
export async function createOrder(
  context: GraphContext,
  input: CreateProductionOrderInput,
): Promise<ProductionOrder> {
  const order = validateNewOrder(input);
  const { id, at } = await context.prisma
    .$transaction(async (tx) => {
      await assertAssetExists(tx, order.assetId);
      await assertUnique(tx, order);
      const at = changeTime();
      const created = await tx.productionOrder.create({
        data: {
          ...order,
          status: ProductionOrderStatus.CREATED,
          createdAt: at,
          updatedAt: at,
          statusChanges: {
            create: {
              fromStatus: null,
              toStatus: ProductionOrderStatus.CREATED,
              actor: context.identity.subject,
              changedAt: at,
            },
          },
        },
        select: { id: true },
      });
      return { id: created.id, at };
    })
    .catch(conflictOnDuplicate);
  const created = await reload(context, id);
  await publishStatusChange(context, created, {
    from: null,
    to: ProductionOrderStatus.CREATED,
    at,
    reason: null,
  });
  return created;
}

/** Changes an order's data while it is CREATED or RELEASED; CONFLICT afterwards. */
export async function updateOrder(
  context: GraphContext,
  id: string,
  input: UpdateProductionOrderInput,
): Promise<ProductionOrder> {
  const orderId = parseId(id, 'id', 'ProductionOrder');
  const changes = validateChanges(input);
  await context.prisma.$transaction(async (tx) => {
    const order = await findForWrite(tx, orderId, 'id');
    assertEditable(order.status);
    if (changes.assetId) await assertAssetExists(tx, changes.assetId);
    const { count } = await tx.productionOrder.updateMany({
      where: { id: orderId, status: { in: [...editableStatuses] } },
      data: { ...changes, updatedAt: changeTime(order.updatedAt) },
    });
    if (count === 0) throw changedConcurrently(orderId);
  });
  return reload(context, orderId);
}

/**
 * Moves an order to `to` if the status machine allows it, and records the step with the caller
 * as actor, in one transaction. CONFLICT names both states when the step is illegal.
 */
export async function changeOrderStatus(
  context: GraphContext,
  id: string,
  to: ProductionOrderStatus,
  reason: string | null = null,
  argument = 'id',
): Promise<ProductionOrder> {
  const orderId = parseId(id, argument, 'ProductionOrder');
  const step = await context.prisma.$transaction(async (tx) => {
    const order = await findForWrite(tx, orderId, argument);
    assertTransition(order.status, to);
    const at = changeTime(order.updatedAt);
    const { count } = await tx.productionOrder.updateMany({
      where: { id: orderId, status: order.status },
      data: { status: to, updatedAt: at },
    });
    if (count === 0) throw changedConcurrently(orderId);
    await tx.productionOrderStatusChange.create({
      data: {
        orderId,
        fromStatus: order.status,
        toStatus: to,
        actor: context.identity.subject,
        reason,
        changedAt: at,
      },
    });
    return { from: order.status, to, at, reason };
  });
  const changed = await reload(context, orderId);
  await publishStatusChange(context, changed, step);
  return changed;
}

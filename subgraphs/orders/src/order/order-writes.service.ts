import { createHash } from 'node:crypto';
import type { Prisma, PrismaClient } from '@plantgraph/db/prisma';
import {
  BadUserInputError,
  ConflictError,
  NotFoundError,
  parseId,
  PlantgraphError,
  errorCodeOf,
  recordAudit,
  requireInScope,
  requireRowInScope,
  type GraphContext,
} from '@plantgraph/graph';
import type { CreateProductionOrderInput, UpdateProductionOrderInput } from './order.input.ts';
import { assertEditable, assertTransition, editableStatuses } from './order-status.ts';
import { publishStatusChange } from './order.events.ts';
import { forgetOrder, requireOrder } from './order.service.ts';
import {
  CreateProductionOrderResult,
  ItemError,
  ProductionOrderStatus,
  type ProductionOrder,
} from './order.type.ts';

type OrderWriter = Pick<PrismaClient, 'asset' | 'productionOrder' | 'productionOrderStatusChange'>;

interface NewOrder {
  number: string;
  externalId: string | null;
  material: string;
  quantity: number;
  unit: string;
  priority: number;
  dueAt: Date | null;
  plannedStartAt: Date | null;
  plannedEndAt: Date | null;
  assetId: string;
}

interface NewParameter {
  name: string;
  value: number;
  unit: string | null;
}

type OrderChanges = Partial<
  Omit<NewOrder, 'number' | 'externalId' | 'plannedStartAt' | 'plannedEndAt'>
>;

/** Most orders one createProductionOrders call may hold. */
export const MAX_BATCH_ORDERS = 500;

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
  const plannedStartAt = input.plannedStart ?? null;
  const plannedEndAt = input.plannedEnd ?? null;
  if (plannedStartAt && plannedEndAt && plannedEndAt < plannedStartAt) {
    throw new BadUserInputError('input.plannedEnd', 'must not be before input.plannedStart');
  }
  return {
    number: requireText(input.number, 'input.number'),
    externalId: isSet(input.externalId) ? requireText(input.externalId, 'input.externalId') : null,
    material: requireText(input.material, 'input.material'),
    quantity: requireQuantity(input.quantity),
    unit: isSet(input.unit) ? requireText(input.unit, 'input.unit') : 'pcs',
    priority: input.priority ?? 0,
    dueAt: input.dueAt ?? null,
    plannedStartAt,
    plannedEndAt,
    assetId: parseId(input.assetId, 'input.assetId', 'Asset'),
  };
}

function validateParameters(input: CreateProductionOrderInput): NewParameter[] {
  const seen = new Set<string>();
  return (input.parameters ?? []).map((parameter, index) => {
    const argument = `input.parameters[${index}]`;
    const name = requireText(parameter.name, `${argument}.name`);
    if (seen.has(name)) throw new BadUserInputError(`${argument}.name`, `repeats "${name}"`);
    seen.add(name);
    if (!Number.isFinite(parameter.value)) {
      throw new BadUserInputError(`${argument}.value`, `must be a finite number`);
    }
    const unit = isSet(parameter.unit) ? requireText(parameter.unit, `${argument}.unit`) : null;
    return { name, value: parameter.value, unit };
  });
}

/** A fingerprint of what was asked for, so a retried request can be told from a different one. */
function requestHash(order: NewOrder, parameters: NewParameter[]): string {
  const canonical = JSON.stringify([order, parameters]);
  return createHash('sha256').update(canonical).digest('hex');
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

/** The nearest SITE among an asset and its ancestors; null when there is none. */
async function siteOf(tx: OrderWriter, assetId: string): Promise<string | null> {
  const asset = await tx.asset.findUnique({ where: { id: assetId }, select: { path: true } });
  if (!asset) throw new NotFoundError('Asset', assetId, 'input.assetId');
  const parts = asset.path.split('/');
  const paths = parts.map((_, index) => parts.slice(0, index + 1).join('/'));
  const sites = await tx.asset.findMany({
    where: { kind: 'SITE', path: { in: paths } },
    select: { id: true, path: true },
  });
  sites.sort((a, b) => b.path.length - a.path.length);
  return sites[0]?.id ?? null;
}

async function numberTaken(tx: OrderWriter, order: NewOrder, siteId: string | null) {
  const clash = await tx.productionOrder.findFirst({
    where: { number: order.number, siteId },
    select: { id: true },
  });
  return clash !== null;
}

function numberConflict(order: NewOrder): ConflictError {
  return new ConflictError(
    `Argument "input.number": a production order "${order.number}" already exists in this site`,
  );
}

/**
 * The order an earlier request with the same idempotency key or external id created: returned
 * again when the payload matches, CONFLICT naming the key when it does not.
 */
async function earlierRequest(
  tx: OrderWriter,
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
  const argument =
    idempotencyKey && earlier.idempotencyKey === idempotencyKey
      ? 'input.idempotencyKey'
      : 'input.externalId';
  throw new ConflictError(
    `Argument "${argument}": already used for a production order with different data`,
  );
}

/**
 * Prisma reports a unique violation as P2002, which the central database error mapping does not
 * know; only a concurrent insert that slipped past assertUnique gets here.
 */
/** Prisma's P2002 or PostgreSQL's 23505: a unique constraint refused the write. */
export function isDuplicate(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'P2002' || code === '23505';
}

function conflictOnDuplicate(error: unknown): never {
  if (isDuplicate(error)) {
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
  await requireInScope(context, order.assetId, 'input.assetId');
  const parameters = validateParameters(input);
  const idempotencyKey = isSet(input.idempotencyKey)
    ? requireText(input.idempotencyKey, 'input.idempotencyKey')
    : null;
  const hash = requestHash(order, parameters);
  const write = () =>
    context.prisma.$transaction(async (tx) => {
      const earlier = await earlierRequest(tx, order, idempotencyKey, hash);
      if (earlier) return { id: earlier, at: null };
      await assertAssetExists(tx, order.assetId);
      const siteId = await siteOf(tx, order.assetId);
      // A concurrent request with the same key may have committed since the lookup above.
      if (await numberTaken(tx, order, siteId)) {
        const winner = await earlierRequest(tx, order, idempotencyKey, hash);
        if (winner) return { id: winner, at: null };
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
            create: parameters.map((parameter, position) => ({ ...parameter, position })),
          },
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
    });
  // A concurrent request with the same key may have won the race: answer as a retry would.
  const { id, at } = await write().catch((error: unknown) =>
    isDuplicate(error) && (idempotencyKey || order.externalId)
      ? write()
      : conflictOnDuplicate(error),
  );
  const created = await reload(context, id);
  if (!at) return created;
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
  await requireRowInScope(context, 'production_order', orderId, 'id');
  if (changes.assetId) await requireInScope(context, changes.assetId, 'input.assetId');
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

/** What a status change may do besides the status itself. */
export interface StatusChangeOptions {
  reason?: string | null;
  /** The argument that named the order, for error messages; default `id`. */
  argument?: string;
  /** Further columns to set with the status. */
  data?: Prisma.ProductionOrderUncheckedUpdateManyInput;
  /** Checks and writes in the same transaction, after the transition was found legal. */
  within?: (
    tx: Prisma.TransactionClient,
    order: { status: ProductionOrderStatus },
  ) => Promise<void>;
}

/**
 * Moves an order to `to` if the status machine allows it, and records the step with the caller
 * as actor, in one transaction; announces it on the bus after the commit. CONFLICT names both
 * states when the step is illegal.
 */
export async function changeOrderStatus(
  context: GraphContext,
  id: string,
  to: ProductionOrderStatus,
  options: StatusChangeOptions = {},
): Promise<ProductionOrder> {
  const { reason = null, argument = 'id' } = options;
  const orderId = parseId(id, argument, 'ProductionOrder');
  await requireRowInScope(context, 'production_order', orderId, argument);
  const step = await context.prisma.$transaction(async (tx) => {
    const order = await findForWrite(tx, orderId, argument);
    assertTransition(order.status, to);
    await options.within?.(tx, order);
    const at = changeTime(order.updatedAt);
    const { count } = await tx.productionOrder.updateMany({
      where: { id: orderId, status: order.status },
      data: { ...options.data, status: to, updatedAt: at },
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

/**
 * Creates each order on its own, as separate createProductionOrder calls would: one refused
 * order does not stop the others, and its error says why. Idempotency keys make the batch safe
 * to send again after a timeout.
 */
export async function createOrders(
  context: GraphContext,
  inputs: CreateProductionOrderInput[],
): Promise<CreateProductionOrderResult[]> {
  if (inputs.length === 0 || inputs.length > MAX_BATCH_ORDERS) {
    throw new BadUserInputError('inputs', `must hold 1 to ${MAX_BATCH_ORDERS} orders`);
  }
  const results: CreateProductionOrderResult[] = [];
  for (const [index, input] of inputs.entries()) {
    const result = new CreateProductionOrderResult();
    Object.assign(result, { index, order: null, error: null });
    // Each item gets its own audit entry, filed under the order it created.
    const entry = { operation: 'createProductionOrders', entityType: 'ProductionOrder', input };
    try {
      result.order = await createOrder(context, input);
      await recordAudit(context, {
        ...entry,
        entityId: result.order.id,
        outcome: 'OK',
        result: { index, id: result.order.id },
      });
    } catch (error) {
      if (!(error instanceof PlantgraphError)) throw error;
      await recordAudit(context, {
        ...entry,
        entityId: null,
        outcome: 'ERROR',
        errorCode: errorCodeOf(error),
        result: { index, message: error.message },
      });
      const { code, argument } = error.extensions as { code: string; argument?: string };
      result.error = Object.assign(new ItemError(), {
        code,
        message: error.message,
        argument: argument ?? null,
      });
    }
    results.push(result);
  }
  return results;
}

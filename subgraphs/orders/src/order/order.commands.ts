import {
  BadUserInputError,
  errorCodeOf,
  parseId,
  PlantgraphError,
  prismaOf,
  recordAudit,
  requireInScope,
  requireOwnedInScope,
  type GraphContext,
} from '@plantgraph/graph';
import {
  abortOrder,
  assetsOfOrders,
  createOrder,
  downloadOrder,
  transitionOrder,
  updateOrder,
  type OrderAccess,
  type PlanningDatabase,
  type ProductionOrderStatus,
} from '@plantgraph/orders-domain';
import type { DownloadOrderArgs } from './order.args.ts';
import { asGraphErrors } from './order.errors.ts';
import type { CreateProductionOrderInput, UpdateProductionOrderInput } from './order.input.ts';
import { forgetOrder, requireOrder } from './order.loaders.ts';
import { CreateProductionOrderResult, ItemError, type ProductionOrder } from './order.type.ts';

/**
 * The mutations' way into the orders domain: the caller's identity becomes the actor and the
 * site scope, domain refusals become coded GraphQL errors, and the answer is the stored order.
 */

/** Most orders one createProductionOrders call may hold. */
export const MAX_BATCH_ORDERS = 500;

/** The caller's sites, as the domain asks about them. */
function accessOf(context: GraphContext): OrderAccess {
  return {
    asset: (assetId, field) => requireInScope(context, assetId, field),
    order: (orderId, field) => requireOwnedInScope(context, assetsOfOrders, orderId, field),
  };
}

/** Creating and editing orders are the Prisma writes of this subgraph (usesPrisma). */
const planning = (context: GraphContext): PlanningDatabase => ({
  sql: context.sql,
  events: context.events,
  prisma: prismaOf(context),
});

async function reload(context: GraphContext, id: string): Promise<ProductionOrder> {
  forgetOrder(context, id);
  return requireOrder(context, id);
}

/** Creates an order in status CREATED, or answers the one an identical earlier request made. */
export async function createProductionOrder(
  context: GraphContext,
  input: CreateProductionOrderInput,
): Promise<ProductionOrder> {
  const { orderId } = await asGraphErrors(() =>
    createOrder(planning(context), input, {
      actor: context.identity.subject,
      access: accessOf(context),
    }),
  );
  return reload(context, orderId);
}

/**
 * Creates each order on its own, as separate createProductionOrder calls would: one refused
 * order does not stop the others, and its error says why. Idempotency keys make the batch safe
 * to send again after a timeout.
 */
export async function createProductionOrders(
  context: GraphContext,
  inputs: CreateProductionOrderInput[],
): Promise<CreateProductionOrderResult[]> {
  if (inputs.length === 0 || inputs.length > MAX_BATCH_ORDERS) {
    throw new BadUserInputError('inputs', `must hold 1 to ${MAX_BATCH_ORDERS} orders`);
  }
  const results: CreateProductionOrderResult[] = [];
  for (const [index, input] of inputs.entries()) {
    results.push(await createBatchItem(context, input, index));
  }
  return results;
}

async function createBatchItem(
  context: GraphContext,
  input: CreateProductionOrderInput,
  index: number,
): Promise<CreateProductionOrderResult> {
  const result = new CreateProductionOrderResult();
  Object.assign(result, { index, order: null, error: null });
  // Each item gets its own audit entry, filed under the order it created.
  const entry = { operation: 'createProductionOrders', entityType: 'ProductionOrder', input };
  try {
    result.order = await createProductionOrder(context, input);
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
  return result;
}

/** Changes an order's data while it is CREATED or RELEASED; CONFLICT afterwards. */
export async function updateProductionOrder(
  context: GraphContext,
  id: string,
  input: UpdateProductionOrderInput,
): Promise<ProductionOrder> {
  const orderId = await asGraphErrors(() =>
    updateOrder(planning(context), id, input, { access: accessOf(context) }),
  );
  return reload(context, orderId);
}

/**
 * Moves an order one step with the caller as actor; CONFLICT names both states when the status
 * machine has no such step.
 */
export async function changeOrderStatus(
  context: GraphContext,
  id: string,
  to: ProductionOrderStatus,
  reason?: string | null,
): Promise<ProductionOrder> {
  const orderId = parseId(id, 'id', 'ProductionOrder');
  await asGraphErrors(() =>
    transitionOrder(context, {
      orderId,
      to,
      reason,
      actor: context.identity.subject,
      access: accessOf(context),
    }),
  );
  return reload(context, orderId);
}

/**
 * DOWNLOADED or RUNNING → ABORTED: at once when no machine holds the order, else through an
 * abort command the machine has to acknowledge; the answer is the order as it stands now.
 */
export async function abortProductionOrder(
  context: GraphContext,
  id: string,
  reason?: string | null,
): Promise<ProductionOrder> {
  const orderId = parseId(id, 'id', 'ProductionOrder');
  await asGraphErrors(() =>
    abortOrder(context, {
      orderId,
      reason,
      actor: context.identity.subject,
      access: accessOf(context),
    }),
  );
  return reload(context, orderId);
}

/** RELEASED → DOWNLOADING with a download command the connectors carry out. */
export async function downloadProductionOrder(
  context: GraphContext,
  args: DownloadOrderArgs,
): Promise<ProductionOrder> {
  const { step } = await asGraphErrors(() =>
    downloadOrder(context, {
      ...args,
      actor: context.identity.subject,
      access: accessOf(context),
    }),
  );
  return reload(context, step.orderId);
}

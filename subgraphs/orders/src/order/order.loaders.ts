import DataLoader from 'dataloader';
import {
  decodeTimeCursor,
  groupBy,
  indexBy,
  loader,
  NotFoundError,
  pageSize,
  parseId,
  scopeFilter,
  toConnection,
  type GraphContext,
} from '@plantgraph/graph';
import {
  activeOrdersOfAssets,
  downloadTargetsOf,
  findOrders,
  listOrders,
  machineCommandsOf,
  ordersOfAssets,
  setpointsOfOrders,
  statusHistories,
  type AssetOrdersKey,
} from '@plantgraph/orders-domain';
import type { ProductionOrdersArgs } from './order.args.ts';
import {
  MachineCommand,
  OrderDownloadInterface,
  OrderParameter,
  OrderStatusChange,
  ProductionOrder,
  SetpointLimit,
} from './order.type.ts';

/**
 * The request's batched reads of the orders domain, as GraphQL objects. Loaders live for one
 * request, so batching never leaks data between callers.
 */

export const orderById = (context: GraphContext) =>
  new DataLoader<string, ProductionOrder | null>(async (ids) => {
    const rows = await findOrders(context.sql, ids);
    return indexBy(ids, rows.map(ProductionOrder.fromRow), (order) => order.id);
  });

/** Status changes per order, oldest first; the first one is the creation. */
export const statusHistoryOfOrder = (context: GraphContext) =>
  new DataLoader<string, OrderStatusChange[]>(async (orderIds) => {
    const rows = await statusHistories(context.sql, orderIds);
    return groupBy(orderIds, rows.map(OrderStatusChange.fromRow), (change) => change.orderId);
  });

/** Commands sent to machines per order, oldest first. */
export const machineCommandsOfOrder = (context: GraphContext) =>
  new DataLoader<string, MachineCommand[]>(async (orderIds) => {
    const rows = await machineCommandsOf(context.sql, orderIds);
    return groupBy(orderIds, rows.map(MachineCommand.fromRow), (command) => command.orderId);
  });

/** Orders targeting an asset, newest first, optionally in one status. */
export const ordersOfAsset = (context: GraphContext) =>
  new DataLoader<AssetOrdersKey, ProductionOrder[], string>(
    async (keys) => {
      const rows = await ordersOfAssets(context.sql, keys);
      const groups = groupBy(
        keys.map((_, index) => index + 1),
        rows,
        (row) => Number(row.key_index),
      );
      return groups.map((group) => group.map(ProductionOrder.fromRow));
    },
    { cacheKeyFn: (key) => `${key.status ?? '*'}:${key.assetId}` },
  );

/** What an asset is working on: RUNNING first, else DOWNLOADED, else nothing. */
export const activeOrderOfAsset = (context: GraphContext) =>
  new DataLoader<string, ProductionOrder | null>(async (assetIds) => {
    const rows = await activeOrdersOfAssets(context.sql, assetIds);
    const active = new Map(rows.map((row) => [row.for_asset, ProductionOrder.fromRow(row)]));
    return assetIds.map((id) => active.get(id) ?? null);
  });

/** Download interfaces of machines, null for machines without one. */
export const downloadInterfaceOfAsset = (context: GraphContext) =>
  new DataLoader<string, OrderDownloadInterface | null>(async (assetIds) => {
    const rows = await downloadTargetsOf(context.sql, assetIds);
    const interfaces = new Map(
      rows.map((row) => [
        row.asset_id,
        Object.assign(new OrderDownloadInterface(), {
          connection: row.connection,
          parameters: row.parameters.map((limit) =>
            Object.assign(new SetpointLimit(), { ...limit, unit: limit.unit ?? null }),
          ),
        }),
      ]),
    );
    return assetIds.map((id) => interfaces.get(id) ?? null);
  });

/** Setpoints per order, in the order they were given. */
export const parametersOfOrder = (context: GraphContext) =>
  new DataLoader<string, OrderParameter[]>(async (orderIds) => {
    const rows = await setpointsOfOrders(context.sql, orderIds);
    const parameters = rows.map((row) =>
      Object.assign(new OrderParameter(), {
        name: row.name,
        value: row.value,
        unit: row.unit,
        orderId: row.order_id,
      }),
    );
    return groupBy(orderIds, parameters, (parameter) => parameter.orderId);
  });

/** The order with `id`; BAD_USER_INPUT when malformed, NOT_FOUND when unknown. */
export async function requireOrder(
  context: GraphContext,
  id: string,
  argument = 'id',
): Promise<ProductionOrder> {
  const order = await loader(context, orderById).load(parseId(id, argument, 'ProductionOrder'));
  if (!order) throw new NotFoundError('ProductionOrder', id, argument);
  return order;
}

/** A page of orders newest first, within the caller's sites, with the total of the filter. */
export async function orderPage(context: GraphContext, args: ProductionOrdersArgs) {
  const first = pageSize(args.first);
  const after = decodeTimeCursor(args.after);
  const { rows, total } = await listOrders(context.sql, {
    status: args.status ?? null,
    assetId: args.assetId ? parseId(args.assetId, 'assetId', 'Asset') : null,
    after: after ?? null,
    limit: first + 1,
    scope: (pathColumn, at) => scopeFilter(context, pathColumn, at),
  });
  return toConnection(
    rows,
    first,
    ProductionOrder.fromRow,
    (row) => [row.created_us, row.id],
    total,
  );
}

/**
 * Drops what this request's loaders know about an order after a write, so the mutation's answer
 * (and anything resolved after it) shows the stored state.
 */
export function forgetOrder(context: GraphContext, id: string): void {
  loader(context, orderById).clear(id);
  loader(context, statusHistoryOfOrder).clear(id);
  loader(context, parametersOfOrder).clear(id);
  loader(context, ordersOfAsset).clearAll();
  loader(context, activeOrderOfAsset).clearAll();
}

import DataLoader from 'dataloader';
import {
  groupBy,
  indexBy,
  loader,
  NotFoundError,
  pageSize,
  parseId,
  toConnection,
  decodeTimeCursor,
  microsOf,
  timestampFromMicros,
  type GraphContext,
  scopeFilter,
} from '@plantgraph/graph';
import type { ProductionOrdersArgs } from './order.args.ts';
import {
  OrderDownloadInterface,
  OrderParameter,
  OrderProgress,
  OrderStatusChange,
  ProductionOrder,
  ProductionOrderStatus,
  SetpointLimit,
  type OrderStatusChangeRow,
  type ProductionOrderRow,
} from './order.type.ts';

/** The production_order columns a ProductionOrderRow needs, read through `alias`. */
export function orderColumns(alias: string): string {
  const names = [
    'id',
    'number',
    'external_id',
    'material',
    'quantity',
    'unit',
    'status',
    'priority',
    'due_at',
    'asset_id',
    'site_id',
    'equipment_id',
    'planned_start_at',
    'planned_end_at',
    'produced_good',
    'produced_reject',
    'started_at',
    'completed_at',
    'failure_reason',
    'created_at',
    'updated_at',
  ];
  return [
    ...names.map((name) => `${alias}.${name}`),
    `${microsOf(`${alias}.created_at`)} as created_us`,
  ].join(', ');
}

const newestFirst = (alias: string) => `${alias}.created_at desc, ${alias}.id desc`;

export const orderById = (context: GraphContext) =>
  new DataLoader<string, ProductionOrder | null>(async (ids) => {
    const rows = await context.sql.query<ProductionOrderRow>(
      `select ${orderColumns('o')} from production_order o where o.id = any($1::uuid[])`,
      [ids],
    );
    return indexBy(ids, rows.map(ProductionOrder.fromRow), (order) => order.id);
  });

/** Status changes per order, oldest first; the first one is the creation. */
export const statusHistoryOfOrder = (context: GraphContext) =>
  new DataLoader<string, OrderStatusChange[]>(async (orderIds) => {
    const rows = await context.sql.query<OrderStatusChangeRow>(
      `select id, order_id, from_status, to_status, actor, reason, changed_at
         from production_order_status_change
        where order_id = any($1::uuid[])
        order by changed_at, id`,
      [orderIds],
    );
    return groupBy(orderIds, rows.map(OrderStatusChange.fromRow), (change) => change.orderId);
  });

interface AssetOrdersKey {
  assetId: string;
  status: ProductionOrderStatus | null;
}

/** Orders targeting an asset, newest first, optionally in one status. */
export const ordersOfAsset = (context: GraphContext) =>
  new DataLoader<AssetOrdersKey, ProductionOrder[], string>(
    async (keys) => {
      const rows = await context.sql.query<ProductionOrderRow & { key_index: number }>(
        `select q.key_index, ${orderColumns('o')}
           from unnest($1::uuid[], $2::text[]) with ordinality as q(asset_id, status, key_index)
           join production_order o
             on o.asset_id = q.asset_id and (q.status is null or o.status::text = q.status)
          order by ${newestFirst('o')}`,
        [keys.map((key) => key.assetId), keys.map((key) => key.status)],
      );
      const groups = groupBy(
        keys.map((_, index) => index + 1),
        rows,
        (row) => Number(row.key_index),
      );
      return groups.map((group) => group.map(ProductionOrder.fromRow));
    },
    { cacheKeyFn: (key) => `${key.status ?? '*'}:${key.assetId}` },
  );

/**
 * What an asset is working on: its most recent RUNNING order, else the most recent DOWNLOADED
 * one (recipe on the machine, about to start), else nothing.
 */
export const activeOrderOfAsset = (context: GraphContext) =>
  new DataLoader<string, ProductionOrder | null>(async (assetIds) => {
    const rows = await context.sql.query<ProductionOrderRow & { for_asset: string }>(
      `select distinct on (k.id) k.id as for_asset, ${orderColumns('o')}
         from unnest($1::uuid[]) as k(id)
         join production_order o on k.id in (o.asset_id, o.equipment_id)
        where o.status in ('RUNNING', 'DOWNLOADED')
        order by k.id, o.status = 'RUNNING' desc, ${newestFirst('o')}`,
      [assetIds],
    );
    const active = new Map(rows.map((row) => [row.for_asset, ProductionOrder.fromRow(row)]));
    return assetIds.map((id) => active.get(id) ?? null);
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

/** Orders newest first, filtered by status and asset, with the total of the filter. */
export async function listOrders(context: GraphContext, args: ProductionOrdersArgs) {
  const first = pageSize(args.first);
  const after = decodeTimeCursor(args.after);
  const assetId = args.assetId ? parseId(args.assetId, 'assetId', 'Asset') : null;
  const where = `($1::text is null or o.status::text = $1) and ($2::uuid is null or o.asset_id = $2)`;
  const params = [args.status ?? null, assetId];
  const scoped = (clause: string) =>
    clause === 'true' ? clause : `o.asset_id in (select id from asset where ${clause})`;
  const [pageScope, pageScopeParams] = await scopeFilter(context, 'path', 6);
  const [countScope, countScopeParams] = await scopeFilter(context, 'path', 3);
  const [rows, [count]] = await Promise.all([
    context.sql.query<ProductionOrderRow>(
      `select ${orderColumns('o')} from production_order o
        where ${where} and ${scoped(pageScope)}
          and ($3::int8 is null or (o.created_at, o.id) < (${timestampFromMicros('$3')}, $4::uuid))
        order by ${newestFirst('o')}
        limit $5`,
      [...params, after?.micros ?? null, after?.id ?? null, first + 1, ...pageScopeParams],
    ),
    context.sql.query<{ total: number }>(
      `select count(*) as total from production_order o where ${where} and ${scoped(countScope)}`,
      [...params, ...countScopeParams],
    ),
  ]);
  return toConnection(
    rows,
    first,
    ProductionOrder.fromRow,
    (row) => [row.created_us, row.id],
    count?.total ?? 0,
  );
}

/** Download interfaces of machines, null for machines without one. */
export const downloadInterfaceOfAsset = (context: GraphContext) =>
  new DataLoader<string, OrderDownloadInterface | null>(async (assetIds) => {
    const rows = await context.sql.query<{
      asset_id: string;
      connection: string;
      parameters: { name: string; unit?: string | null; min: number; max: number }[];
    }>(
      'select asset_id, connection, parameters from download_target where asset_id = any($1::uuid[])',
      [assetIds],
    );
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
    const rows = await context.sql.query<OrderParameter & { order_id: string }>(
      `select order_id, name, value, unit from production_order_parameter
        where order_id = any($1::uuid[]) order by order_id, position`,
      [orderIds],
    );
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

/**
 * Production so far: counters from the machine, the good rate since the start, and when the
 * quantity will be reached at that rate.
 */
export function progressOf(order: ProductionOrder, now = new Date()): OrderProgress {
  const good = order.producedGood;
  const remaining = Math.max(order.quantity - good, 0);
  const end = order.completedAt ?? now;
  const hours = order.startedAt ? (end.getTime() - order.startedAt.getTime()) / 3_600_000 : 0;
  const ratePerHour = order.startedAt && hours > 0 ? good / hours : null;
  const estimatedCompletion =
    order.status === ProductionOrderStatus.COMPLETED
      ? order.completedAt
      : ratePerHour && ratePerHour > 0 && order.status === ProductionOrderStatus.RUNNING
        ? new Date(now.getTime() + (remaining / ratePerHour) * 3_600_000)
        : null;
  return Object.assign(new OrderProgress(), {
    good,
    reject: order.producedReject,
    remaining,
    ratePerHour,
    estimatedCompletion,
  });
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

import { assetIdsWhere } from '@plantgraph/assets-domain';
import { microsOf, timestampFromMicros, type Sql } from '@plantgraph/db';
import type { SetpointLimit } from './order-download.ts';
import type { ProductionOrderStatus } from './order-status.ts';

/** A production_order row as the read queries return it. */
export interface ProductionOrderRow {
  id: string;
  number: string;
  external_id: string | null;
  material: string;
  quantity: number;
  unit: string;
  status: ProductionOrderStatus;
  priority: number;
  due_at: Date | null;
  asset_id: string;
  site_id: string | null;
  equipment_id: string | null;
  planned_start_at: Date | null;
  planned_end_at: Date | null;
  produced_good: number;
  produced_reject: number;
  started_at: Date | null;
  completed_at: Date | null;
  failure_reason: string | null;
  created_at: Date;
  updated_at: Date;
  /** `created_at` in microseconds since the epoch: the exact sort key for cursors. */
  created_us: number;
}

export interface OrderStatusChangeRow {
  id: string;
  order_id: string;
  from_status: ProductionOrderStatus | null;
  to_status: ProductionOrderStatus;
  actor: string;
  reason: string | null;
  changed_at: Date;
}

export interface OrderSetpointRow {
  order_id: string;
  name: string;
  value: number;
  unit: string | null;
}

/** A machine's download interface, as its connector provisioned it. */
export interface DownloadTargetRow {
  asset_id: string;
  connection: string;
  parameters: SetpointLimit[];
}

const ORDER_COLUMNS = [
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

/** The production_order columns a ProductionOrderRow needs, read through `alias`. */
function orderColumns(alias: string): string {
  return [
    ...ORDER_COLUMNS.map((name) => `${alias}.${name}`),
    `${microsOf(`${alias}.created_at`)} as created_us`,
  ].join(', ');
}

const newestFirst = (alias: string) => `${alias}.created_at desc, ${alias}.id desc`;

/** The orders with these ids, in no particular order; unknown ids are left out. */
export function findOrders(sql: Sql, ids: readonly string[]): Promise<ProductionOrderRow[]> {
  return sql.query<ProductionOrderRow>(
    `select ${orderColumns('o')} from production_order o where o.id = any($1::uuid[])`,
    [ids],
  );
}

/** Status changes of these orders, each order's oldest first; the first one is the creation. */
export function statusHistories(
  sql: Sql,
  orderIds: readonly string[],
): Promise<OrderStatusChangeRow[]> {
  return sql.query<OrderStatusChangeRow>(
    `select id, order_id, from_status, to_status, actor, reason, changed_at
       from production_order_status_change
      where order_id = any($1::uuid[])
      order by changed_at, id`,
    [orderIds],
  );
}

export interface AssetOrdersKey {
  assetId: string;
  status: ProductionOrderStatus | null;
}

/**
 * Orders targeting each asset, newest first, optionally in one status; `key_index` is the
 * 1-based position of the key a row answers.
 */
export function ordersOfAssets(
  sql: Sql,
  keys: readonly AssetOrdersKey[],
): Promise<(ProductionOrderRow & { key_index: number })[]> {
  return sql.query<ProductionOrderRow & { key_index: number }>(
    `select q.key_index, ${orderColumns('o')}
       from unnest($1::uuid[], $2::text[]) with ordinality as q(asset_id, status, key_index)
       join production_order o
         on o.asset_id = q.asset_id and (q.status is null or o.status::text = q.status)
      order by ${newestFirst('o')}`,
    [keys.map((key) => key.assetId), keys.map((key) => key.status)],
  );
}

/**
 * What each asset is working on: its most recent RUNNING order, else the most recent DOWNLOADED
 * one (recipe on the machine, about to start). Assets working on nothing are left out.
 */
export function activeOrdersOfAssets(
  sql: Sql,
  assetIds: readonly string[],
): Promise<(ProductionOrderRow & { for_asset: string })[]> {
  return sql.query<ProductionOrderRow & { for_asset: string }>(
    `select distinct on (k.id) k.id as for_asset, ${orderColumns('o')}
       from unnest($1::uuid[]) as k(id)
       join production_order o on k.id in (o.asset_id, o.equipment_id)
      where o.status in ('RUNNING', 'DOWNLOADED')
      order by k.id, o.status = 'RUNNING' desc, ${newestFirst('o')}`,
    [assetIds],
  );
}

/**
 * A SQL condition on an asset path column, placed at parameter `$at`, with its parameters: how
 * the caller limits reads to the sites someone may see ('true' for everything).
 */
export type AssetScope = (
  pathColumn: string,
  at: number,
) => Promise<[clause: string, params: unknown[]]>;

export interface OrderListFilter {
  status?: ProductionOrderStatus | null;
  assetId?: string | null;
  /** The last order of the previous page: its `created_us` and id. */
  after?: { micros: number; id: string } | null;
  /** Rows to return; ask for one more than the page to learn whether another page follows. */
  limit: number;
  scope: AssetScope;
}

/** Orders newest first, filtered by status and asset, with the total of the filter. */
export async function listOrders(
  sql: Sql,
  filter: OrderListFilter,
): Promise<{ rows: ProductionOrderRow[]; total: number }> {
  const where = `($1::text is null or o.status::text = $1) and ($2::uuid is null or o.asset_id = $2)`;
  const params = [filter.status ?? null, filter.assetId ?? null];
  const scoped = (clause: string) =>
    clause === 'true' ? clause : `o.asset_id in ${assetIdsWhere(clause)}`;
  const [pageScope, pageScopeParams] = await filter.scope('path', 6);
  const [countScope, countScopeParams] = await filter.scope('path', 3);
  const [rows, [count]] = await Promise.all([
    sql.query<ProductionOrderRow>(
      `select ${orderColumns('o')} from production_order o
        where ${where} and ${scoped(pageScope)}
          and ($3::int8 is null or (o.created_at, o.id) < (${timestampFromMicros('$3')}, $4::uuid))
        order by ${newestFirst('o')}
        limit $5`,
      [
        ...params,
        filter.after?.micros ?? null,
        filter.after?.id ?? null,
        filter.limit,
        ...pageScopeParams,
      ],
    ),
    sql.query<{ total: number }>(
      `select count(*) as total from production_order o where ${where} and ${scoped(countScope)}`,
      [...params, ...countScopeParams],
    ),
  ]);
  return { rows, total: count?.total ?? 0 };
}

/** The asset each order is for, in the order of `orderIds`; null for unknown orders. */
export async function assetsOfOrders(
  sql: Sql,
  orderIds: readonly string[],
): Promise<(string | null)[]> {
  const rows = await sql.query<{ id: string; asset_id: string }>(
    'select id, asset_id from production_order where id = any($1::uuid[])',
    [orderIds],
  );
  const assets = new Map(rows.map((row) => [row.id, row.asset_id]));
  return orderIds.map((id) => assets.get(id) ?? null);
}

/** Setpoints of these orders, each order's in the order they were given. */
export function setpointsOfOrders(
  sql: Sql,
  orderIds: readonly string[],
): Promise<OrderSetpointRow[]> {
  return sql.query<OrderSetpointRow>(
    `select order_id, name, value, unit from production_order_parameter
      where order_id = any($1::uuid[]) order by order_id, position`,
    [orderIds],
  );
}

/** Download interfaces of these machines; machines without one are left out. */
export function downloadTargetsOf(
  sql: Sql,
  assetIds: readonly string[],
): Promise<DownloadTargetRow[]> {
  return sql.query<DownloadTargetRow>(
    'select asset_id, connection, parameters from download_target where asset_id = any($1::uuid[])',
    [assetIds],
  );
}

import { Directive, Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { connectionTypes, DateTime, type OrderStatusEvent } from '@plantgraph/graph';
import { Asset } from '../asset/asset.type.ts';

/** Lifecycle of a production order, from planning to its end on the machine. */
export enum ProductionOrderStatus {
  CREATED = 'CREATED',
  RELEASED = 'RELEASED',
  DOWNLOADING = 'DOWNLOADING',
  DOWNLOADED = 'DOWNLOADED',
  RUNNING = 'RUNNING',
  COMPLETED = 'COMPLETED',
  ABORTED = 'ABORTED',
  CANCELLED = 'CANCELLED',
  DOWNLOAD_FAILED = 'DOWNLOAD_FAILED',
}
registerEnumType(ProductionOrderStatus, {
  name: 'ProductionOrderStatus',
  description: 'Lifecycle state of a production order.',
});

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
  created_at: Date;
  updated_at: Date;
  /** `created_at` in microseconds since the epoch: the exact sort key for cursors. */
  created_us: number;
}

/** A job for one asset: make `quantity` `unit` of `material`. */
@Directive('@key(fields: "id")')
@ObjectType({ description: 'A job for one asset: make a quantity of a material.' })
export class ProductionOrder {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: 'Order number, unique across the plant.' })
  number!: string;

  @Field(() => String, { nullable: true, description: 'Id in the planning system (ERP).' })
  externalId!: string | null;

  @Field(() => String)
  material!: string;

  @Field(() => Float)
  quantity!: number;

  @Field(() => String)
  unit!: string;

  @Field(() => ProductionOrderStatus)
  status!: ProductionOrderStatus;

  @Field(() => Int, { description: 'Higher runs first.' })
  priority!: number;

  @Field(() => DateTime, { nullable: true })
  dueAt!: Date | null;

  @Field(() => DateTime)
  createdAt!: Date;

  @Field(() => DateTime)
  updatedAt!: Date;

  @Field(() => Asset, { description: 'The asset the order runs on.' })
  asset!: Asset;

  assetId!: string;

  static fromRow(row: ProductionOrderRow): ProductionOrder {
    return Object.assign(new ProductionOrder(), {
      id: row.id,
      number: row.number,
      externalId: row.external_id,
      material: row.material,
      quantity: row.quantity,
      unit: row.unit,
      status: row.status,
      priority: row.priority,
      dueAt: row.due_at,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      asset: Object.assign(new Asset(), { id: row.asset_id }),
      assetId: row.asset_id,
    });
  }
}

export const ProductionOrderConnection = connectionTypes(ProductionOrder, 'ProductionOrder', {
  withTotalCount: true,
});

export interface OrderStatusChangeRow {
  id: string;
  order_id: string;
  from_status: ProductionOrderStatus | null;
  to_status: ProductionOrderStatus;
  actor: string;
  reason: string | null;
  changed_at: Date;
}

/** One step of an order's lifecycle; creation is the step from nothing to CREATED. */
@ObjectType({ description: 'One status change of a production order.' })
export class OrderStatusChange {
  @Field(() => ProductionOrderStatus, { nullable: true, description: 'Null for the creation.' })
  from!: ProductionOrderStatus | null;

  @Field(() => ProductionOrderStatus)
  to!: ProductionOrderStatus;

  @Field(() => String, { description: 'Who made the change.' })
  actor!: string;

  @Field(() => String, { nullable: true })
  reason!: string | null;

  @Field(() => DateTime)
  changedAt!: Date;

  orderId!: string;

  static fromEvent(event: OrderStatusEvent): OrderStatusChange {
    return Object.assign(new OrderStatusChange(), {
      from: event.previousStatus as ProductionOrderStatus | null,
      to: event.status as ProductionOrderStatus,
      actor: event.actor,
      reason: event.reason,
      changedAt: new Date(event.time),
      orderId: event.orderId,
    });
  }

  static fromRow(row: OrderStatusChangeRow): OrderStatusChange {
    return Object.assign(new OrderStatusChange(), {
      from: row.from_status,
      to: row.to_status,
      actor: row.actor,
      reason: row.reason,
      changedAt: row.changed_at,
      orderId: row.order_id,
    });
  }
}

import { Directive, Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { connectionTypes, DateTime, type OrderStatusEvent } from '@plantgraph/graph';
import {
  ProductionOrderStatus,
  type MachineCommandRow,
  type OrderStatusChangeRow,
  type ProductionOrderRow,
} from '@plantgraph/orders-domain';
import { Asset } from '../asset/asset.type.ts';

registerEnumType(ProductionOrderStatus, {
  name: 'ProductionOrderStatus',
  description: 'Lifecycle state of a production order.',
});

export { ProductionOrderStatus };

/** What a command asks of the machine. */
export enum MachineCommandKind {
  DOWNLOAD = 'DOWNLOAD',
  ABORT = 'ABORT',
}

/** Where a command to a machine stands. */
export enum MachineCommandState {
  PENDING = 'PENDING',
  ACKNOWLEDGED = 'ACKNOWLEDGED',
  FAILED = 'FAILED',
}

registerEnumType(MachineCommandKind, {
  name: 'MachineCommandKind',
  description: 'What a command asks of the machine: take the order, or withdraw it.',
});
registerEnumType(MachineCommandState, {
  name: 'MachineCommandState',
  description:
    'PENDING while it is sent and retried; ACKNOWLEDGED when the machine took it; FAILED when ' +
    'the machine refused it, never answered after the retries, or it was moot.',
});

/** A download or abort sent to a machine for an order, and the machine's answer. */
@ObjectType({
  description: "A download or abort sent to a machine for an order, and the machine's answer.",
})
export class MachineCommand {
  @Field(() => ID, { description: 'The command id the machine sees.' })
  id!: string;

  @Field(() => MachineCommandKind)
  kind!: MachineCommandKind;

  @Field(() => MachineCommandState)
  state!: MachineCommandState;

  @Field(() => Int, { description: 'Attempts sent so far.' })
  attempts!: number;

  @Field(() => String, {
    nullable: true,
    description:
      "Why it failed, with the machine's own reason when it refused; else the last attempt's error.",
  })
  error!: string | null;

  @Field(() => String, { nullable: true, description: 'Who asked for an abort.' })
  requestedBy!: string | null;

  @Field(() => String, { nullable: true, description: 'The reason given with an abort.' })
  reason!: string | null;

  @Field(() => DateTime)
  createdAt!: Date;

  @Field(() => DateTime, { nullable: true, description: 'When it was acknowledged or failed.' })
  finishedAt!: Date | null;

  orderId!: string;

  static fromRow(row: MachineCommandRow): MachineCommand {
    return Object.assign(new MachineCommand(), {
      id: row.id,
      kind: row.kind,
      state: row.state,
      attempts: row.attempts,
      error: row.last_error,
      requestedBy: row.requested_by,
      reason: row.request_reason,
      createdAt: row.created_at,
      finishedAt: row.finished_at,
      orderId: row.order_id,
    });
  }
}

/** A setpoint sent to the machine with the order. */
@ObjectType({ description: 'A typed setpoint of an order, checked against the machine limits.' })
export class OrderParameter {
  @Field(() => String)
  name!: string;

  @Field(() => Float)
  value!: number;

  @Field(() => String, { nullable: true })
  unit!: string | null;

  orderId!: string;
}

/** How far an order has come, from the machine's counters. */
@ObjectType({ description: "An order's production so far, from the machine's counters." })
export class OrderProgress {
  @Field(() => Float)
  good!: number;

  @Field(() => Float)
  reject!: number;

  @Field(() => Float, { description: 'Good parts still to make; 0 once the quantity is reached.' })
  remaining!: number;

  @Field(() => Float, {
    nullable: true,
    description: 'Good parts per hour since the order started running; null before.',
  })
  ratePerHour!: number | null;

  @Field(() => DateTime, {
    nullable: true,
    description: 'When the quantity is reached at the current rate; null when unknown.',
  })
  estimatedCompletion!: Date | null;
}

/** A job for one asset: make `quantity` `unit` of `material`. */
@Directive('@key(fields: "id")')
@ObjectType({ description: 'A job for one asset: make a quantity of a material.' })
export class ProductionOrder {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: 'Order number, unique within its site.' })
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

  @Field(() => DateTime, { nullable: true })
  plannedStart!: Date | null;

  @Field(() => DateTime, { nullable: true })
  plannedEnd!: Date | null;

  @Field(() => DateTime, { nullable: true, description: 'When the machine started it.' })
  startedAt!: Date | null;

  @Field(() => DateTime, { nullable: true, description: 'When it completed or was aborted.' })
  completedAt!: Date | null;

  @Field(() => String, {
    nullable: true,
    description: 'Why the last download failed (DOWNLOAD_FAILED).',
  })
  failureReason!: string | null;

  @Field(() => DateTime)
  createdAt!: Date;

  @Field(() => DateTime)
  updatedAt!: Date;

  @Field(() => Asset, { description: 'The asset the order is planned for (line or equipment).' })
  asset!: Asset;

  @Field(() => Asset, {
    nullable: true,
    description: 'The equipment it was downloaded to; null before the download.',
  })
  equipment!: Asset | null;

  assetId!: string;
  siteId!: string | null;
  equipmentId!: string | null;
  producedGood!: number;
  producedReject!: number;

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
      plannedStart: row.planned_start_at,
      plannedEnd: row.planned_end_at,
      startedAt: row.started_at,
      completedAt: row.completed_at,
      failureReason: row.failure_reason,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      asset: Object.assign(new Asset(), { id: row.asset_id }),
      equipment: row.equipment_id ? Object.assign(new Asset(), { id: row.equipment_id }) : null,
      assetId: row.asset_id,
      siteId: row.site_id,
      equipmentId: row.equipment_id,
      producedGood: row.produced_good,
      producedReject: row.produced_reject,
    });
  }
}

export const ProductionOrderConnection = connectionTypes(ProductionOrder, 'ProductionOrder', {
  withTotalCount: true,
});

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

/** Why one item of a batch was refused: the error a single call would have given. */
@ObjectType({ description: 'A refused item of a batch, as a single call would have answered.' })
export class ItemError {
  @Field(() => String, { description: 'BAD_USER_INPUT, NOT_FOUND, CONFLICT, ...' })
  code!: string;

  @Field(() => String)
  message!: string;

  @Field(() => String, { nullable: true, description: 'The argument at fault, when one is.' })
  argument!: string | null;
}

@ObjectType({ description: 'The outcome of one order of createProductionOrders.' })
export class CreateProductionOrderResult {
  @Field(() => Int, { description: 'Position in the input list, from 0.' })
  index!: number;

  @Field(() => ProductionOrder, { nullable: true, description: 'Null when refused.' })
  order!: ProductionOrder | null;

  @Field(() => ItemError, { nullable: true, description: 'Null when created (or repeated).' })
  error!: ItemError | null;
}

@ObjectType({ description: 'A setpoint a machine accepts with an order, and its limits.' })
export class SetpointLimit {
  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true })
  unit!: string | null;

  @Field(() => Float)
  min!: number;

  @Field(() => Float)
  max!: number;
}

@ObjectType({ description: "A machine's order interface, as its connector configured it." })
export class OrderDownloadInterface {
  @Field(() => String, { description: 'The connection that carries the download.' })
  connection!: string;

  @Field(() => [SetpointLimit])
  parameters!: SetpointLimit[];
}

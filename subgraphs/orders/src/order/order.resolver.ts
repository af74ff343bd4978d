import {
  Arg,
  Args,
  Ctx,
  FieldResolver,
  ID,
  Mutation,
  Query,
  Resolver,
  Root,
  Subscription,
} from 'type-graphql';
import { loader, type GraphContext } from '@plantgraph/graph';
import { progressOf } from '@plantgraph/orders-domain';
import {
  CancelProductionOrderArgs,
  DownloadOrderArgs,
  OrderIdArgs,
  OrderStatusChangedArgs,
  ProductionOrdersArgs,
  UpdateProductionOrderArgs,
} from './order.args.ts';
import {
  abortProductionOrder,
  changeOrderStatus,
  createProductionOrder,
  createProductionOrders,
  downloadProductionOrder,
  MAX_BATCH_ORDERS,
  updateProductionOrder,
} from './order.commands.ts';
import { CreateProductionOrderInput } from './order.input.ts';
import {
  machineCommandsOfOrder,
  orderPage,
  parametersOfOrder,
  requireOrder,
  statusHistoryOfOrder,
} from './order.loaders.ts';
import { orderStatusChanges } from './order.stream.ts';
import {
  CreateProductionOrderResult,
  MachineCommand,
  OrderParameter,
  OrderProgress,
  OrderStatusChange,
  ProductionOrder,
  ProductionOrderConnection,
  ProductionOrderStatus,
} from './order.type.ts';

@Resolver(() => ProductionOrder)
export class ProductionOrderResolver {
  @Query(() => ProductionOrder, {
    nullable: true,
    description: 'One production order by id; NOT_FOUND when unknown.',
  })
  productionOrder(
    @Arg('id', () => ID) id: string,
    @Ctx() context: GraphContext,
  ): Promise<ProductionOrder> {
    return requireOrder(context, id);
  }

  @Query(() => ProductionOrderConnection, { description: 'Production orders, newest first.' })
  productionOrders(
    @Args(() => ProductionOrdersArgs) args: ProductionOrdersArgs,
    @Ctx() context: GraphContext,
  ) {
    return orderPage(context, args);
  }

  @FieldResolver(() => [OrderStatusChange], { description: 'Every status change, oldest first.' })
  statusHistory(@Root() order: ProductionOrder, @Ctx() context: GraphContext) {
    return loader(context, statusHistoryOfOrder).load(order.id);
  }

  @FieldResolver(() => [MachineCommand], {
    description:
      'Downloads and aborts sent to machines for this order, oldest first, with their answers.',
  })
  machineCommands(@Root() order: ProductionOrder, @Ctx() context: GraphContext) {
    return loader(context, machineCommandsOfOrder).load(order.id);
  }

  @FieldResolver(() => [OrderParameter], { description: 'Setpoints, in the order given.' })
  parameters(@Root() order: ProductionOrder, @Ctx() context: GraphContext) {
    return loader(context, parametersOfOrder).load(order.id);
  }

  @FieldResolver(() => OrderProgress)
  progress(@Root() order: ProductionOrder): OrderProgress {
    return Object.assign(new OrderProgress(), progressOf(order));
  }

  @Mutation(() => ProductionOrder, {
    description:
      'Creates an order in status CREATED. Idempotent by idempotencyKey or externalId: a ' +
      'repeated call returns the same order, the same key with different data is CONFLICT.',
  })
  createProductionOrder(
    @Arg('input', () => CreateProductionOrderInput) input: CreateProductionOrderInput,
    @Ctx() context: GraphContext,
  ): Promise<ProductionOrder> {
    return createProductionOrder(context, input);
  }

  @Mutation(() => [CreateProductionOrderResult], {
    description: `Creates up to ${MAX_BATCH_ORDERS} orders, each on its own: a result per item, in input order, with the order or the error a single call would have given.`,
  })
  createProductionOrders(
    @Arg('inputs', () => [CreateProductionOrderInput]) inputs: CreateProductionOrderInput[],
    @Ctx() context: GraphContext,
  ): Promise<CreateProductionOrderResult[]> {
    return createProductionOrders(context, inputs);
  }

  @Mutation(() => ProductionOrder, { description: 'CREATED → RELEASED: ready for download.' })
  releaseOrder(
    @Args(() => OrderIdArgs) args: OrderIdArgs,
    @Ctx() context: GraphContext,
  ): Promise<ProductionOrder> {
    return changeOrderStatus(context, args.id, ProductionOrderStatus.RELEASED, args.reason);
  }

  @Mutation(() => ProductionOrder, {
    description:
      'RELEASED → DOWNLOADING: sends the order to a machine through its connector. The ' +
      "machine's acknowledgement makes it DOWNLOADED; no acknowledgement after the " +
      'configured retries makes it DOWNLOAD_FAILED with the reason.',
  })
  downloadOrder(
    @Args(() => DownloadOrderArgs) args: DownloadOrderArgs,
    @Ctx() context: GraphContext,
  ): Promise<ProductionOrder> {
    return downloadProductionOrder(context, args);
  }

  @Mutation(() => ProductionOrder, {
    description:
      'DOWNLOADED or RUNNING → ABORTED: the order ends unfinished. When a machine took the ' +
      'order, the abort is sent to it (see machineCommands) and the order becomes ABORTED on ' +
      "the machine's acknowledgement; it stays as it is if the machine refuses or never " +
      'answers. Without a machine to tell, it is ABORTED at once.',
  })
  abortOrder(
    @Args(() => OrderIdArgs) args: OrderIdArgs,
    @Ctx() context: GraphContext,
  ): Promise<ProductionOrder> {
    return abortProductionOrder(context, args.id, args.reason);
  }

  @Mutation(() => ProductionOrder, {
    description: 'RUNNING → COMPLETED by hand, e.g. when the machine cannot report its end itself.',
  })
  completeOrder(
    @Args(() => OrderIdArgs) args: OrderIdArgs,
    @Ctx() context: GraphContext,
  ): Promise<ProductionOrder> {
    return changeOrderStatus(context, args.id, ProductionOrderStatus.COMPLETED, args.reason);
  }

  @Mutation(() => ProductionOrder, {
    description: 'Changes an order while it is CREATED or RELEASED; CONFLICT afterwards.',
  })
  updateProductionOrder(
    @Args(() => UpdateProductionOrderArgs) args: UpdateProductionOrderArgs,
    @Ctx() context: GraphContext,
  ): Promise<ProductionOrder> {
    return updateProductionOrder(context, args.id, args.input);
  }

  @Mutation(() => ProductionOrder, {
    description:
      'Cancels an order that is CREATED, RELEASED, DOWNLOADED or DOWNLOAD_FAILED; CONFLICT otherwise.',
  })
  cancelProductionOrder(
    @Args(() => CancelProductionOrderArgs) args: CancelProductionOrderArgs,
    @Ctx() context: GraphContext,
  ): Promise<ProductionOrder> {
    return changeOrderStatus(context, args.id, ProductionOrderStatus.CANCELLED, args.reason);
  }
}

@Resolver(() => OrderStatusChange)
export class OrderStatusChangeResolver {
  @Subscription(() => OrderStatusChange, {
    description:
      'Status changes of production orders, as they happen, creation included. Filters ' +
      'combine; an unknown asset is NOT_FOUND; without an event bus, SERVICE_UNAVAILABLE.',
    subscribe: ({ args, context }) =>
      orderStatusChanges(context as GraphContext, args as OrderStatusChangedArgs),
  })
  orderStatusChanged(
    @Root() change: OrderStatusChange,
    // Declared for the schema; `subscribe` reads and checks them.
    @Args(() => OrderStatusChangedArgs) _args: OrderStatusChangedArgs,
  ): OrderStatusChange {
    return change;
  }

  @FieldResolver(() => ProductionOrder)
  order(@Root() change: OrderStatusChange, @Ctx() context: GraphContext): Promise<ProductionOrder> {
    return requireOrder(context, change.orderId);
  }
}

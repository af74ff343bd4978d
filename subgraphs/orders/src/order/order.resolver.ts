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
import {
  CancelProductionOrderArgs,
  OrderStatusChangedArgs,
  ProductionOrdersArgs,
  UpdateProductionOrderArgs,
} from './order.args.ts';
import { CreateProductionOrderInput } from './order.input.ts';
import { listOrders, requireOrder, statusHistoryOfOrder } from './order.service.ts';
import {
  OrderStatusChange,
  ProductionOrder,
  ProductionOrderConnection,
  ProductionOrderStatus,
} from './order.type.ts';
import { orderStatusChanges } from './order.stream.ts';
import { changeOrderStatus, createOrder, updateOrder } from './order-writes.service.ts';

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
    return listOrders(context, args);
  }

  @FieldResolver(() => [OrderStatusChange], { description: 'Every status change, oldest first.' })
  statusHistory(@Root() order: ProductionOrder, @Ctx() context: GraphContext) {
    return loader(context, statusHistoryOfOrder).load(order.id);
  }

  @Mutation(() => ProductionOrder, { description: 'Creates an order in status CREATED.' })
  createProductionOrder(
    @Arg('input', () => CreateProductionOrderInput) input: CreateProductionOrderInput,
    @Ctx() context: GraphContext,
  ): Promise<ProductionOrder> {
    return createOrder(context, input);
  }

  @Mutation(() => ProductionOrder, {
    description: 'Changes an order while it is CREATED or RELEASED; CONFLICT afterwards.',
  })
  updateProductionOrder(
    @Args(() => UpdateProductionOrderArgs) args: UpdateProductionOrderArgs,
    @Ctx() context: GraphContext,
  ): Promise<ProductionOrder> {
    return updateOrder(context, args.id, args.input);
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

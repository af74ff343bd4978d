import { Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { loader, type GraphContext } from '@plantgraph/graph';
import { OrderMeasurementsArgs } from '../measurement/measurement.args.ts';
import { measurementPageKey, measurementsOfOrder } from '../measurement/measurement.loaders.ts';
import { MeasurementConnection } from '../measurement/measurement.type.ts';
import { ProductionOrder } from './order.type.ts';

@Resolver(() => ProductionOrder)
export class OrderMeasurementsResolver {
  @FieldResolver(() => MeasurementConnection, {
    description: 'Measurements taken for this order, newest first.',
  })
  measurements(
    @Root() order: ProductionOrder,
    @Args(() => OrderMeasurementsArgs) args: OrderMeasurementsArgs,
    @Ctx() context: GraphContext,
  ) {
    return loader(context, measurementsOfOrder).load(measurementPageKey(order.id, args));
  }
}

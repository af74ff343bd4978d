import { Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { loader, type GraphContext } from '@plantgraph/graph';
import { AssetMeasurementsArgs } from '../measurement/measurement.args.ts';
import { measurementPageKey, measurementsOfAsset } from '../measurement/measurement.loaders.ts';
import { MeasurementConnection } from '../measurement/measurement.type.ts';
import { Asset } from './asset.type.ts';

@Resolver(() => Asset)
export class AssetMeasurementsResolver {
  @FieldResolver(() => MeasurementConnection, {
    description: 'Measurements on this asset in [from, to), newest first.',
  })
  measurements(
    @Root() asset: Asset,
    @Args(() => AssetMeasurementsArgs) args: AssetMeasurementsArgs,
    @Ctx() context: GraphContext,
  ) {
    return loader(context, measurementsOfAsset).load(measurementPageKey(asset.id, args));
  }
}

import { buildSubgraph, type SubgraphModule } from '@plantgraph/graph';
import { assetReference } from './asset/asset.reference.ts';
import { AssetMeasurementsResolver } from './asset/asset.resolver.ts';
import { characteristicReference } from './characteristic/characteristic.reference.ts';
import { CharacteristicResolver } from './characteristic/characteristic.resolver.ts';
import { measurementReference } from './measurement/measurement.reference.ts';
import { MeasurementResolver } from './measurement/measurement.resolver.ts';
import { productionOrderReference } from './order/order.reference.ts';
import { OrderMeasurementsResolver } from './order/order.resolver.ts';
import { CharacteristicSpcResolver } from './spc/spc.resolver.ts';

/**
 * Quality characteristics, measurements and SPC; owns the Characteristic and Measurement
 * entities.
 */
export const qualitySubgraph: SubgraphModule = {
  name: 'quality',
  usesPrisma: true,
  buildSchema: () =>
    buildSubgraph({
      resolvers: [
        CharacteristicResolver,
        CharacteristicSpcResolver,
        MeasurementResolver,
        AssetMeasurementsResolver,
        OrderMeasurementsResolver,
      ],
      referenceResolvers: {
        Characteristic: characteristicReference,
        Measurement: measurementReference,
        Asset: assetReference,
        ProductionOrder: productionOrderReference,
      },
    }),
};

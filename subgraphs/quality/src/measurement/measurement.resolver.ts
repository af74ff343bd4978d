import { Arg, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import { loader, type GraphContext } from '@plantgraph/graph';
import { characteristicById } from '../characteristic/characteristic.loaders.ts';
import { Characteristic } from '../characteristic/characteristic.type.ts';
import { RecordMeasurementInput } from './measurement.input.ts';
import { recordMeasurement } from './measurement.commands.ts';
import { Measurement } from './measurement.type.ts';

@Resolver(() => Measurement)
export class MeasurementResolver {
  @FieldResolver(() => Characteristic)
  characteristic(@Root() measurement: Measurement, @Ctx() context: GraphContext) {
    return loader(context, characteristicById).load(measurement.characteristicId);
  }

  @Mutation(() => Measurement, {
    description: 'Records a measured value; inSpec is judged against the current limits.',
  })
  recordMeasurement(
    @Arg('input', () => RecordMeasurementInput) input: RecordMeasurementInput,
    @Ctx() context: GraphContext,
  ): Promise<Measurement> {
    return recordMeasurement(context, input);
  }
}

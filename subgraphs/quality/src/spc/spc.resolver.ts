import { Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { loader, type GraphContext } from '@plantgraph/graph';
import { MAX_CONTROL_CHART_MEASUREMENTS } from '@plantgraph/quality-domain';
import { Characteristic } from '../characteristic/characteristic.type.ts';
import { SpcArgs } from './spc.args.ts';
import { controlChartByKey, spcKey, statisticsOf } from './spc.loaders.ts';
import { CharacteristicStatistics, ControlChart } from './spc.type.ts';

@Resolver(() => Characteristic)
export class CharacteristicSpcResolver {
  @FieldResolver(() => CharacteristicStatistics, {
    description:
      'Statistics and capability (Cp, Cpk, Pp, Ppk) of the measurements in [from, to), ' +
      'subgroups in time order.',
  })
  async statistics(
    @Root() characteristic: Characteristic,
    @Args(() => SpcArgs) args: SpcArgs,
    @Ctx() context: GraphContext,
  ): Promise<CharacteristicStatistics> {
    const key = await spcKey(context, characteristic.id, args);
    return statisticsOf(context, characteristic, key);
  }

  @FieldResolver(() => ControlChart, {
    description:
      'X-bar/R chart of the measurements in [from, to) with Western Electric rules 1 to 4. At ' +
      `most ${MAX_CONTROL_CHART_MEASUREMENTS} measurements; a window holding more is ` +
      'BAD_USER_INPUT on `from`.',
  })
  async controlChart(
    @Root() characteristic: Characteristic,
    @Args(() => SpcArgs) args: SpcArgs,
    @Ctx() context: GraphContext,
  ): Promise<ControlChart> {
    const key = await spcKey(context, characteristic.id, args);
    return loader(context, controlChartByKey).load(key);
  }
}

import { Args, Ctx, Query, Resolver } from 'type-graphql';
import type { GraphContext } from '@plantgraph/graph';
import { AlarmStatisticsArgs } from './alarm-statistics.args.ts';
import { alarmStatisticsOf } from './alarm-statistics.query.ts';
import { AlarmStatistics } from './alarm-statistics.type.ts';

@Resolver(() => AlarmStatistics)
export class AlarmStatisticsResolver {
  @Query(() => AlarmStatistics, {
    description:
      'Alarm KPIs after ISA-18.2 for a subtree over [from, to): rate per 10 minutes and floods, ' +
      'counts and mean times, most frequent and longest active alarms, chattering and standing ' +
      'alarms. At most 366 days; `top` 1 to 100.',
  })
  alarmStatistics(
    @Args(() => AlarmStatisticsArgs) args: AlarmStatisticsArgs,
    @Ctx() context: GraphContext,
  ): Promise<AlarmStatistics> {
    return alarmStatisticsOf(context, args);
  }
}

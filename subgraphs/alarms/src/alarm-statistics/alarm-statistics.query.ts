import {
  BadUserInputError,
  checkTimeWindow,
  pageSize,
  requireAssetPath,
  sitePaths,
  type GraphContext,
} from '@plantgraph/graph';
import {
  alarmStatistics,
  DEFAULT_TOP,
  DEFAULT_WINDOW_MS,
  MAX_TOP,
  MAX_WINDOW_DAYS,
  type AlarmPointStatistics,
} from '@plantgraph/alarms-domain';
import { Alarm } from '../alarm/alarm.type.ts';
import { Asset } from '../asset/asset.type.ts';
import type { AlarmStatisticsArgs } from './alarm-statistics.args.ts';
import {
  AlarmCodeStatistics,
  AlarmRate,
  AlarmRateWindow,
  AlarmStatistics,
} from './alarm-statistics.type.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

interface Window {
  from: Date;
  to: Date;
  top: number;
}

function checkWindow(args: AlarmStatisticsArgs): Window {
  const top = pageSize(args.top, 'top', { fallback: DEFAULT_TOP, max: MAX_TOP });
  const to = args.to ?? new Date();
  const from = args.from ?? new Date(to.getTime() - DEFAULT_WINDOW_MS);
  checkTimeWindow(from, to);
  if (to.getTime() - from.getTime() > MAX_WINDOW_DAYS * DAY_MS) {
    throw new BadUserInputError(
      'from',
      `the window may span at most ${MAX_WINDOW_DAYS} days; move "from" closer to "to"`,
    );
  }
  return { from, to, top };
}

const toCodeStatistics = ({ assetId, ...point }: AlarmPointStatistics) =>
  Object.assign(new AlarmCodeStatistics(), {
    asset: Object.assign(new Asset(), { id: assetId }),
    ...point,
  });

/** ISA-18.2 alarm KPIs of a subtree over a window, of the alarms the caller may see. */
export async function alarmStatisticsOf(
  context: GraphContext,
  args: AlarmStatisticsArgs,
): Promise<AlarmStatistics> {
  const window = checkWindow(args);
  const under = args.under ? await requireAssetPath(context, args.under, 'under') : null;
  const statistics = await alarmStatistics(context.sql, {
    ...window,
    under,
    sites: await sitePaths(context),
  });
  const { rate } = statistics;
  return Object.assign(new AlarmStatistics(), {
    ...statistics,
    rate: Object.assign(new AlarmRate(), {
      ...rate,
      floodWindows: rate.floodWindows.map((flood) => Object.assign(new AlarmRateWindow(), flood)),
    }),
    topByFrequency: statistics.topByFrequency.map(toCodeStatistics),
    topByDuration: statistics.topByDuration.map(toCodeStatistics),
    chattering: statistics.chattering.map(toCodeStatistics),
    standing: statistics.standing.map(Alarm.fromRow),
  });
}

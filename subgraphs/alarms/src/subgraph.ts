import { buildSubgraph, type SubgraphModule } from '@plantgraph/graph';
import { alarmReference } from './alarm/alarm.reference.ts';
import { AlarmResolver } from './alarm/alarm.resolver.ts';
import { AlarmStatisticsResolver } from './alarm-statistics/alarm-statistics.resolver.ts';
import { assetReference } from './asset/asset.reference.ts';
import { AssetAlarmsResolver } from './asset/asset.resolver.ts';

/** Alarms raised on assets, their acknowledgement and KPIs; owns the Alarm entity. */
export const alarmsSubgraph: SubgraphModule = {
  name: 'alarms',
  buildSchema: () =>
    buildSubgraph({
      resolvers: [AlarmResolver, AlarmStatisticsResolver, AssetAlarmsResolver],
      referenceResolvers: { Alarm: alarmReference, Asset: assetReference },
    }),
};

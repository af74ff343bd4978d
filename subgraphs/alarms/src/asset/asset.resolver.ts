import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { loader, type GraphContext } from '@plantgraph/graph';
import { activeAlarmsByAssetId } from '../alarm/alarm.loaders.ts';
import { Alarm } from '../alarm/alarm.type.ts';
import { Asset } from './asset.type.ts';

@Resolver(() => Asset)
export class AssetAlarmsResolver {
  @FieldResolver(() => [Alarm], {
    description: 'Alarms not yet cleared, most severe first, then the newest.',
  })
  activeAlarms(@Root() asset: Asset, @Ctx() context: GraphContext) {
    return loader(context, activeAlarmsByAssetId).load(asset.id);
  }
}

import { Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { loader, type GraphContext } from '@plantgraph/graph';
import { lossesOf, oeeBucketOf } from '@plantgraph/timeseries-domain';
import { Asset } from '../asset/asset.type.ts';
import { OeeArgs, OeeLossesArgs } from './oee.args.ts';
import { MAX_OEE_BUCKETS, oeeFactsOf, oeeKey, oeeLossesKey } from './oee.service.ts';
import { OeeBucket, OeeLoss } from './oee.type.ts';
import { Shift } from './shift.type.ts';
import { shiftsByAssetId } from './shift.service.ts';

@Resolver(() => Asset)
export class AssetOeeResolver {
  @FieldResolver(() => [OeeBucket], {
    description:
      'OEE of the machines at or below this asset in [from, to), one bucket per interval or ' +
      "shift, oldest first. Planned production time is time within the site's shifts (all " +
      'time without a calendar) less planned stops: MAINTENANCE, and STOPPED or IDLE for ' +
      'BREAK, SHIFT_CHANGE or NO_ORDER. Lines, areas and sites sum times and counts over ' +
      `their machines. At most ${MAX_OEE_BUCKETS} buckets; BAD_USER_INPUT for more, for ` +
      'from > to and for an unknown interval or time zone.',
  })
  async oee(
    @Root() asset: Asset,
    @Args(() => OeeArgs) args: OeeArgs,
    @Ctx() context: GraphContext,
  ): Promise<OeeBucket[]> {
    const facts = await loader(context, oeeFactsOf).load(oeeKey(asset.id, args));
    return facts.map((bucket) => Object.assign(new OeeBucket(), oeeBucketOf(bucket)));
  }

  @FieldResolver(() => [OeeLoss], {
    description:
      'Unplanned stop time of the machines at or below this asset in [from, to), by state and ' +
      'reason, longest first: the Pareto of availability losses. Planned stops and time outside ' +
      'the shifts are not losses.',
  })
  async oeeLosses(
    @Root() asset: Asset,
    @Args(() => OeeLossesArgs) args: OeeLossesArgs,
    @Ctx() context: GraphContext,
  ): Promise<OeeLoss[]> {
    const facts = await loader(context, oeeFactsOf).load(oeeLossesKey(asset.id, args));
    return lossesOf(facts).map((line) => Object.assign(new OeeLoss(), line));
  }

  @FieldResolver(() => [Shift], {
    description:
      "The shift calendar of this asset's site; above sites, those of every site below. " +
      'Empty when no shifts are set: then every hour is planned production time.',
  })
  async shifts(@Root() asset: Asset, @Ctx() context: GraphContext): Promise<Shift[]> {
    const shifts = await loader(context, shiftsByAssetId).load(asset.id);
    return shifts.map(Shift.fromDefinition);
  }
}

import { Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { loader, type GraphContext } from '@plantgraph/graph';
import { StateHistoryArgs } from '../machine-state/machine-state.args.ts';
import {
  currentStateByAssetId,
  MAX_STATE_PERIODS,
  stateHistoryKey,
  stateHistoryOf,
} from '../machine-state/machine-state.service.ts';
import { MachineStateInfo } from '../machine-state/machine-state.type.ts';
import { Asset } from './asset.type.ts';

@Resolver(() => Asset)
export class AssetStateResolver {
  @FieldResolver(() => MachineStateInfo, {
    nullable: true,
    description: 'The current machine state; null when none was ever recorded.',
  })
  state(@Root() asset: Asset, @Ctx() context: GraphContext) {
    return loader(context, currentStateByAssetId).load(asset.id);
  }

  @FieldResolver(() => [MachineStateInfo], {
    description:
      'State periods overlapping [from, to), oldest first, starting with the one in force at ' +
      `\`from\`. At most ${MAX_STATE_PERIODS} periods; a window holding more is BAD_USER_INPUT.`,
  })
  stateHistory(
    @Root() asset: Asset,
    @Args(() => StateHistoryArgs) args: StateHistoryArgs,
    @Ctx() context: GraphContext,
  ) {
    return loader(context, stateHistoryOf).load(stateHistoryKey(asset.id, args));
  }
}

import { Args, Resolver, Root, Subscription } from 'type-graphql';
import type { GraphContext } from '@plantgraph/graph';
import { MachineStateChangedArgs } from './machine-state.args.ts';
import { machineStateChanges } from './machine-state.stream.ts';
import { MachineStateChange } from './machine-state.type.ts';

@Resolver()
export class MachineStateSubscriptionResolver {
  @Subscription(() => MachineStateChange, {
    description:
      'Machine state changes as they happen. `assetIds` and `under` combine; without either, ' +
      'every asset. Unknown ids are NOT_FOUND; without an event bus, SERVICE_UNAVAILABLE.',
    subscribe: ({ args, context }) =>
      machineStateChanges(context as GraphContext, args as MachineStateChangedArgs),
  })
  machineStateChanged(
    @Root() change: MachineStateChange,
    // Declared for the schema; `subscribe` reads and checks them.
    @Args(() => MachineStateChangedArgs) _args: MachineStateChangedArgs,
  ): MachineStateChange {
    return change;
  }
}

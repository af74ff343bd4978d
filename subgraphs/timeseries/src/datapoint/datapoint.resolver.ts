import { Args, Resolver, Root, Subscription } from 'type-graphql';
import type { GraphContext } from '@plantgraph/graph';
import { TagValuesArgs } from './datapoint.args.ts';
import { tagValueStream } from './datapoint.stream.ts';
import { TagValue } from './datapoint.type.ts';

@Resolver()
export class TagValueSubscriptionResolver {
  @Subscription(() => TagValue, {
    description:
      'New samples of the listed tags as they arrive, the newest per tag when the client ' +
      'falls behind. Unknown ids are NOT_FOUND; without an event bus, SERVICE_UNAVAILABLE.',
    subscribe: ({ args, context }) =>
      tagValueStream(context as GraphContext, args as TagValuesArgs),
  })
  tagValues(
    @Root() value: TagValue,
    // Declared for the schema; `subscribe` reads and checks them.
    @Args(() => TagValuesArgs) _args: TagValuesArgs,
  ): TagValue {
    return value;
  }
}

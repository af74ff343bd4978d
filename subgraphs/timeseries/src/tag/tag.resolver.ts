import { Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { loader, type GraphContext } from '@plantgraph/graph';
import { HistoryArgs } from '../datapoint/datapoint.args.ts';
import { historyKey, historyOf, latestByTagId } from '../datapoint/datapoint.service.ts';
import { Datapoint, DatapointConnection } from '../datapoint/datapoint.type.ts';
import { Tag } from './tag.type.ts';

@Resolver(() => Tag)
export class TagValuesResolver {
  @FieldResolver(() => Datapoint, {
    nullable: true,
    description: 'The newest sample; null before the first one.',
  })
  latest(@Root() tag: Tag, @Ctx() context: GraphContext) {
    return loader(context, latestByTagId).load(tag.id);
  }

  @FieldResolver(() => DatapointConnection, {
    description: 'Samples in the window [from, to), oldest first.',
  })
  history(
    @Root() tag: Tag,
    @Args(() => HistoryArgs) args: HistoryArgs,
    @Ctx() context: GraphContext,
  ) {
    return loader(context, historyOf).load(historyKey(tag.id, args));
  }
}

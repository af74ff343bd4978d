import { Arg, Args, Ctx, Directive, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import { loader, type GraphContext } from '@plantgraph/graph';
import { HistoryArgs } from '../datapoint/datapoint.args.ts';
import {
  historyFrameKey,
  historyFrameOf,
  historyKey,
  historyOf,
  latestByTagId,
} from '../datapoint/datapoint.service.ts';
import { Datapoint, DatapointConnection } from '../datapoint/datapoint.type.ts';
import { HistoryFrameArgs } from '../datapoint/history-frame.args.ts';
import { HistoryFrame } from '../datapoint/history-frame.type.ts';
import { requireTag } from './tag.service.ts';
import { Tag } from './tag.type.ts';

@Resolver(() => Tag)
export class TagValuesResolver {
  /**
   * Shared with the assets subgraph, which answers it the same way: the gateway sends a query for
   * a tag's values here in one fetch instead of asking assets for the tag first.
   */
  @Directive('@shareable')
  @Query(() => Tag, {
    nullable: true,
    description: 'One tag by id, retired or not; NOT_FOUND when unknown.',
  })
  tag(@Arg('id', () => ID) id: string, @Ctx() context: GraphContext): Promise<Tag> {
    return requireTag(context, id);
  }

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

  @FieldResolver(() => HistoryFrame, {
    description:
      'The raw samples in [from, to), oldest first, as columns: up to 100,000 per page, for ' +
      'bulk reads that `history` would page through 1,000 at a time. See docs/analytics.md.',
  })
  historyFrame(
    @Root() tag: Tag,
    @Args(() => HistoryFrameArgs) args: HistoryFrameArgs,
    @Ctx() context: GraphContext,
  ) {
    return loader(context, historyFrameOf).load(historyFrameKey(tag.id, args));
  }
}

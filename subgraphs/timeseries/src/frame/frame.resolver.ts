import { Args, Ctx, Query, Resolver } from 'type-graphql';
import type { GraphContext } from '@plantgraph/graph';
import { FrameArgs } from './frame.args.ts';
import { MAX_FRAME_BUCKETS, MAX_FRAME_POINTS, timeseriesFrame } from './frame.service.ts';
import { TimeseriesFrame } from './frame.type.ts';

@Resolver()
export class FrameResolver {
  @Query(() => TimeseriesFrame, {
    description:
      'Aggregates of several tags on one time grid, column-oriented, a page at a time: at most ' +
      `${MAX_FRAME_POINTS} values (rows × columns) per page, ${MAX_FRAME_BUCKETS} buckets per ` +
      'window. Buckets, fills and statistics are those of `Tag.aggregate`. See docs/analytics.md.',
  })
  timeseriesFrame(@Args(() => FrameArgs) args: FrameArgs, @Ctx() context: GraphContext) {
    return timeseriesFrame(context, args);
  }
}

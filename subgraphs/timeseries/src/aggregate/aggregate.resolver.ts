import { Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { loader, type GraphContext } from '@plantgraph/graph';
import { Tag } from '../tag/tag.type.ts';
import { AggregateArgs } from './aggregate.args.ts';
import {
  aggregateOf,
  aggregateRequest,
  MAX_AGGREGATE_BUCKETS,
  requestTime,
} from './aggregate.service.ts';
import { AggregateBucket } from './aggregate.type.ts';

@Resolver(() => Tag)
export class TagAggregateResolver {
  @FieldResolver(() => [AggregateBucket], {
    description:
      'Statistics of the samples in [from, to) per time bucket, oldest first. At most ' +
      `${MAX_AGGREGATE_BUCKETS} buckets; a shorter interval is BAD_USER_INPUT (use ` +
      '`timeseriesFrame` to page through more). See docs/analytics.md.',
  })
  aggregate(
    @Root() tag: Tag,
    @Args(() => AggregateArgs) args: AggregateArgs,
    @Ctx() context: GraphContext,
  ) {
    const request = aggregateRequest(args, requestTime(context));
    return loader(context, aggregateOf).load({ tagId: tag.id, request });
  }
}

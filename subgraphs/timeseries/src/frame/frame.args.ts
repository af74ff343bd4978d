import { ArgsType, Field, ID, Int } from 'type-graphql';
import { AggregateArgs } from '../aggregate/aggregate.args.ts';

@ArgsType()
export class FrameArgs extends AggregateArgs {
  @Field(() => [ID], {
    nullable: true,
    description: 'The tags, one column group each in this order; 1 to 1000 ids. Or `under`.',
  })
  tagIds?: string[] | null;

  @Field(() => ID, {
    nullable: true,
    description: 'An asset id: the tags of that asset and everything below it, by asset path.',
  })
  under?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'With `under`: only tags of this name, e.g. "Temperature" on every machine.',
  })
  tagName?: string | null;

  @Field(() => Int, {
    nullable: true,
    description:
      'Buckets per page; default and maximum: as many as keep rows × columns within the point ' +
      'limit (100,000).',
  })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'pageInfo.endCursor of the previous page.' })
  after?: string | null;
}

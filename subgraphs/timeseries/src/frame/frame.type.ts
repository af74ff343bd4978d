import { Field, Float, ID, ObjectType } from 'type-graphql';
import { DateTime, PageInfo } from '@plantgraph/graph';
import { AggregateFunction } from '../aggregate/aggregate.type.ts';
import { Tag } from '../tag/tag.type.ts';

@ObjectType({
  description: 'One statistic of one tag, a value per timestamp of the frame.',
  simpleResolvers: true,
})
export class FrameColumn {
  @Field(() => Tag)
  tag!: Tag;

  @Field(() => ID)
  tagId!: string;

  @Field(() => String)
  tagName!: string;

  @Field(() => String, { description: "Path of the tag's asset, e.g. Acme/Dresden/Line 1/Press." })
  assetPath!: string;

  @Field(() => AggregateFunction)
  function!: AggregateFunction;

  @Field(() => [Float], {
    nullable: 'items',
    description: 'values[i] belongs to timestamps[i]; null where the bucket has no value.',
  })
  values!: (number | null)[];
}

@ObjectType({
  description:
    'Aggregates of several tags on one time grid, column by column, for charts and data frames.',
  simpleResolvers: true,
})
export class TimeseriesFrame {
  @Field(() => [DateTime], { description: 'Bucket starts, oldest first.' })
  timestamps!: Date[];

  @Field(() => [FrameColumn], { description: 'Per tag, one column per function, in that order.' })
  columns!: FrameColumn[];

  @Field(() => PageInfo, {
    description: 'endCursor continues with the next bucket; null on the last page.',
  })
  pageInfo!: PageInfo;
}

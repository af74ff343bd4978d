import { Field, Float, ObjectType } from 'type-graphql';
import { DateTime, PageInfo } from '@plantgraph/graph';
import { DatapointQuality } from './datapoint.type.ts';

/**
 * A page of one tag's raw samples, column by column: no object per sample, so that a page of
 * 100,000 costs the answer's size and not 100,000 objects with four fields each.
 * `simpleResolvers`: plain data, no resolver per field.
 */
@ObjectType({
  description:
    "A page of one tag's raw samples in [from, to), oldest first, column by column: sample i is " +
    'timestamps[i], values[i], texts[i], qualities[i].',
  simpleResolvers: true,
})
export class HistoryFrame {
  @Field(() => [DateTime], { description: 'Sample times, oldest first.' })
  timestamps!: Date[];

  @Field(() => [Float], {
    nullable: 'items',
    description:
      'Numeric and boolean (0/1) values; null for string samples and samples without one.',
  })
  values!: (number | null)[];

  @Field(() => [String], { nullable: 'items', description: 'String samples; null otherwise.' })
  texts!: (string | null)[];

  @Field(() => [DatapointQuality])
  qualities!: DatapointQuality[];

  @Field(() => PageInfo, {
    description: 'endCursor continues after the last sample of this page; null when it is empty.',
  })
  pageInfo!: PageInfo;
}

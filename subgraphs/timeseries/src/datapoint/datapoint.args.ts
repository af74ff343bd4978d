import { ArgsType, Field, ID, Int } from 'type-graphql';
import { DateTime } from '@plantgraph/graph';

@ArgsType()
export class HistoryArgs {
  @Field(() => DateTime, {
    nullable: true,
    description: 'Samples at or after this instant; from the first sample when omitted.',
  })
  from?: Date | null;

  @Field(() => DateTime, {
    nullable: true,
    description: 'Samples before this instant; up to the latest sample when omitted.',
  })
  to?: Date | null;

  @Field(() => Int, { nullable: true, description: 'Page size, 1 to 1000; default 100.' })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'endCursor of the previous page.' })
  after?: string | null;
}

@ArgsType()
export class TagValuesArgs {
  @Field(() => [ID], { description: 'The tags to follow; 1 to 1000 ids.' })
  tagIds!: string[];

  @Field(() => Int, {
    nullable: true,
    defaultValue: 0,
    description:
      'Least time between two values of one tag, 0 to 3600000 ms. A client that reads ' +
      'slower than values arrive gets the newest value per tag, never a backlog.',
  })
  minIntervalMs?: number | null;
}

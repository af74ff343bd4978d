import { ArgsType, Field, Int } from 'type-graphql';
import { DateTime } from '@plantgraph/graph';

/** The most samples one `Tag.historyFrame` page holds. */
export const MAX_HISTORY_FRAME_PAGE = 100_000;

@ArgsType()
export class HistoryFrameArgs {
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

  @Field(() => Int, { description: 'Page size, 1 to 100000.' })
  first!: number;

  @Field(() => String, { nullable: true, description: 'pageInfo.endCursor of the previous page.' })
  after?: string | null;
}

import { ArgsType, Field, Int } from 'type-graphql';
import { DateTime } from '@plantgraph/graph';

@ArgsType()
export class DeadLettersArgs {
  @Field(() => String, { nullable: true, description: 'A connection id.' })
  source?: string | null;

  @Field(() => DateTime, { nullable: true, description: 'Received at or after.' })
  from?: Date | null;

  @Field(() => DateTime, { nullable: true, description: 'Received before.' })
  to?: Date | null;

  @Field(() => Int, { nullable: true, description: 'Page size, 1 to 1000; default 50.' })
  first?: number | null;

  @Field(() => String, { nullable: true })
  after?: string | null;
}

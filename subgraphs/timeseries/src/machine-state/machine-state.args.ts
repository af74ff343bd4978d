import { ArgsType, Field } from 'type-graphql';
import { DateTime } from '@plantgraph/graph';

@ArgsType()
export class StateHistoryArgs {
  @Field(() => DateTime, { nullable: true, description: 'Window start; default `to` minus 24 h.' })
  from?: Date | null;

  @Field(() => DateTime, { nullable: true, description: 'Window end (exclusive); default now.' })
  to?: Date | null;
}

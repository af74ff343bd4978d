import { ArgsType, Field, ID } from 'type-graphql';
import { DateTime } from '@plantgraph/graph';

@ArgsType()
export class StateHistoryArgs {
  @Field(() => DateTime, { nullable: true, description: 'Window start; default `to` minus 24 h.' })
  from?: Date | null;

  @Field(() => DateTime, { nullable: true, description: 'Window end (exclusive); default now.' })
  to?: Date | null;
}

@ArgsType()
export class MachineStateChangedArgs {
  @Field(() => [ID], { nullable: true, description: 'Only these assets; 1 to 1000 ids.' })
  assetIds?: string[] | null;

  @Field(() => ID, {
    nullable: true,
    description: 'An asset id: changes of that asset and everything below it.',
  })
  under?: string | null;
}

import { ArgsType, Field } from 'type-graphql';
import { DateTime } from '@plantgraph/graph';

@ArgsType()
export class TagLineageArgs {
  @Field(() => DateTime, { description: 'Window start.' })
  from!: Date;

  @Field(() => DateTime, { description: 'Window end (exclusive).' })
  to!: Date;
}

import { ArgsType, Field, ID, Int } from 'type-graphql';
import { DateTime } from '@plantgraph/graph';

@ArgsType()
export class SpcArgs {
  @Field(() => DateTime, { nullable: true, description: 'Inclusive start of the window.' })
  from?: Date | null;

  @Field(() => DateTime, { nullable: true, description: 'Exclusive end of the window.' })
  to?: Date | null;

  @Field(() => ID, {
    nullable: true,
    description: 'Only measurements on this asset; all assets when omitted.',
  })
  assetId?: string | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Consecutive measurements per subgroup, 2 to 25; default 5.',
  })
  subgroupSize?: number | null;
}

import { ArgsType, Field, Int } from 'type-graphql';
import { DateTime } from '@plantgraph/graph';

@ArgsType()
export class AssetMeasurementsArgs {
  @Field(() => DateTime, { nullable: true, description: 'Inclusive start of the window.' })
  from?: Date | null;

  @Field(() => DateTime, { nullable: true, description: 'Exclusive end of the window.' })
  to?: Date | null;

  @Field(() => Int, { nullable: true, description: 'Page size, 1 to 1000; default 50.' })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'endCursor of the previous page.' })
  after?: string | null;
}

@ArgsType()
export class OrderMeasurementsArgs {
  @Field(() => Int, { nullable: true, description: 'Page size, 1 to 1000; default 50.' })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'endCursor of the previous page.' })
  after?: string | null;
}

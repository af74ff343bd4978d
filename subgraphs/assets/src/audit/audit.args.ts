import { ArgsType, Field, Int } from 'type-graphql';
import { DateTime } from '@plantgraph/graph';

@ArgsType()
export class AuditLogArgs {
  @Field(() => String, { nullable: true, description: 'e.g. ProductionOrder.' })
  entityType?: string | null;

  @Field(() => String, { nullable: true })
  entityId?: string | null;

  @Field(() => DateTime, { nullable: true, description: 'From this time on (inclusive).' })
  from?: Date | null;

  @Field(() => DateTime, { nullable: true, description: 'Before this time (exclusive).' })
  to?: Date | null;

  @Field(() => Int, { nullable: true, description: 'Page size, 1 to 1000; default 50.' })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'endCursor of the previous page.' })
  after?: string | null;
}

@ArgsType()
export class ChangesArgs {
  @Field(() => Int, { nullable: true, description: 'Page size, 1 to 1000; default 50.' })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'endCursor of the previous page.' })
  after?: string | null;
}

import { ArgsType, Field, ID, Int } from 'type-graphql';
import { DateTime } from '@plantgraph/graph';
import { AlarmSeverity, AlarmState } from '@plantgraph/alarms-domain';

@ArgsType()
export class AlarmsArgs {
  @Field(() => ID, { nullable: true, description: 'Only alarms of this asset itself.' })
  assetId?: string | null;

  @Field(() => ID, {
    nullable: true,
    description: 'An asset id: alarms of that asset and everything below it.',
  })
  under?: string | null;

  @Field(() => AlarmState, { nullable: true })
  state?: AlarmState | null;

  @Field(() => DateTime, { nullable: true, description: 'Raised at or after this instant.' })
  from?: Date | null;

  @Field(() => DateTime, { nullable: true, description: 'Raised before this instant.' })
  to?: Date | null;

  @Field(() => Int, { nullable: true, description: 'Page size, 1 to 1000; default 50.' })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'endCursor of the previous page.' })
  after?: string | null;
}

@ArgsType()
export class AcknowledgeAlarmArgs {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true, description: 'Why, or what was done about it.' })
  comment?: string | null;
}

@ArgsType()
export class AlarmChangedArgs {
  @Field(() => ID, {
    nullable: true,
    description: 'An asset id: transitions of that asset and everything below it.',
  })
  under?: string | null;

  @Field(() => AlarmSeverity, {
    nullable: true,
    description: 'Only alarms at least this severe (LOW < MEDIUM < HIGH < CRITICAL).',
  })
  minSeverity?: AlarmSeverity | null;
}

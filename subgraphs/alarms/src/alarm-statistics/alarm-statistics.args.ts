import { ArgsType, Field, ID, Int } from 'type-graphql';
import { DateTime } from '@plantgraph/graph';

@ArgsType()
export class AlarmStatisticsArgs {
  @Field(() => ID, {
    nullable: true,
    description:
      'An asset id: alarms of that asset and everything below it; the whole plant when omitted.',
  })
  under?: string | null;

  @Field(() => DateTime, {
    nullable: true,
    description: 'Inclusive start of the window; default 24 hours before `to`.',
  })
  from?: Date | null;

  @Field(() => DateTime, {
    nullable: true,
    description:
      'Exclusive end of the window, and the instant standing alarms are judged at; default now.',
  })
  to?: Date | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Length of each ranked list, 1 to 100; default 10.',
  })
  top?: number | null;
}

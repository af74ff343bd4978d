import { ArgsType, Field } from 'type-graphql';
import { DateTime } from '@plantgraph/graph';
import { AggregateFunction, GapFill } from './aggregate.type.ts';

@ArgsType()
export class AggregateArgs {
  @Field(() => DateTime, { description: 'Window start (inclusive).' })
  from!: Date;

  @Field(() => DateTime, { description: 'Window end (exclusive).' })
  to!: Date;

  @Field(() => String, {
    description:
      'Bucket length: "30 seconds", "15 minutes", "1 hour" (fixed lengths, on a UTC grid from ' +
      '2000-01-03) or "1 day", "1 week" (from Monday), "1 month" (calendar buckets from local ' +
      'midnight in `timezone`, so a day across a DST change lasts 23 or 25 hours).',
  })
  interval!: string;

  @Field(() => [AggregateFunction], { description: 'The statistics to compute; at least one.' })
  functions!: AggregateFunction[];

  @Field(() => GapFill, { defaultValue: GapFill.NONE })
  fill!: GapFill;

  @Field(() => String, {
    defaultValue: 'UTC',
    description: 'IANA time zone calendar buckets follow, e.g. "Europe/Berlin".',
  })
  timezone!: string;

  @Field(() => Boolean, {
    defaultValue: false,
    description: 'Count BAD samples in the statistics too; they are always counted in badCount.',
  })
  includeBadQuality!: boolean;
}

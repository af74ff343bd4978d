import { Field, Float, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DateTime } from '@plantgraph/graph';
import { AggregateFunction, GapFill, type BucketRow } from '@plantgraph/timeseries-domain';

export { AggregateFunction, GapFill };

registerEnumType(AggregateFunction, {
  name: 'AggregateFunction',
  description:
    'A statistic of the samples in a time bucket. Samples without a numeric value never count; ' +
    'BAD samples count only with `includeBadQuality: true`.',
  valuesConfig: {
    AVG: { description: 'Arithmetic mean of the samples (each sample weighs the same).' },
    MIN: { description: 'Smallest value.' },
    MAX: { description: 'Largest value.' },
    SUM: { description: 'Sum of the values.' },
    COUNT: { description: 'Number of samples that count.' },
    FIRST: { description: 'Value of the earliest sample in the bucket.' },
    LAST: { description: 'Value of the latest sample in the bucket.' },
    STDDEV: { description: 'Sample standard deviation (n − 1); null below two samples.' },
    TIME_WEIGHTED_AVG: {
      description:
        'Mean over time of the step function through the samples: each value holds until the ' +
        'next sample, including the value carried in from before the bucket. Time with no ' +
        'known value (before the first sample, after an excluded one) is left out.',
    },
    INTEGRAL: {
      description:
        'Area under that step function, in value × seconds (e.g. kW → kWs); null when no ' +
        'value is known anywhere in the bucket.',
    },
    BAD_COUNT: { description: 'Number of BAD samples, whatever `includeBadQuality` says.' },
  },
});

registerEnumType(GapFill, {
  name: 'GapFill',
  description:
    'How buckets without any sample appear. A bucket holding only excluded samples (BAD, no ' +
    'value) is not a gap: it is returned with its counts and null statistics, and is never ' +
    'painted over. COUNT and BAD_COUNT are 0 in gaps, TIME_WEIGHTED_AVG and INTEGRAL follow the ' +
    'carried value and are never filled.',
  valuesConfig: {
    NONE: { description: 'Leave them out.' },
    NULL: { description: 'Return them with null statistics.' },
    PREVIOUS: { description: 'Repeat the value of the nearest earlier bucket with samples.' },
    LINEAR: {
      description:
        'Interpolate linearly in time between the nearest buckets with samples before and ' +
        'after (at their start times); null at the edges of the data.',
    },
  },
});

@ObjectType({
  description:
    'One time bucket of a tag. Statistics cover the samples in [start, end) that also lie in ' +
    "the query's window; a function that was not requested is null.",
  // Plain data: graphql-js reads the properties, no resolver per bucket and field.
  simpleResolvers: true,
})
export class AggregateBucket {
  @Field(() => DateTime, {
    description: 'Bucket start; the first bucket may begin before `from`.',
  })
  start!: Date;

  @Field(() => DateTime, { description: 'Bucket end (exclusive); the last may end after `to`.' })
  end!: Date;

  @Field(() => Int, { description: 'Samples that count (numeric, and not BAD unless included).' })
  count!: number;

  @Field(() => Int, { description: 'BAD samples in the bucket, counted or not.' })
  badCount!: number;

  @Field(() => Float, { nullable: true })
  avg!: number | null;

  @Field(() => Float, { nullable: true })
  min!: number | null;

  @Field(() => Float, { nullable: true })
  max!: number | null;

  @Field(() => Float, { nullable: true })
  sum!: number | null;

  @Field(() => Float, { nullable: true })
  first!: number | null;

  @Field(() => Float, { nullable: true })
  last!: number | null;

  @Field(() => Float, { nullable: true })
  stddev!: number | null;

  @Field(() => Float, { nullable: true })
  timeWeightedAvg!: number | null;

  @Field(() => Float, { nullable: true, description: 'In value × seconds.' })
  integral!: number | null;

  static fromRow(row: BucketRow): AggregateBucket {
    return Object.assign(new AggregateBucket(), {
      start: row.bucket_start,
      end: row.bucket_end,
      count: row.count,
      badCount: row.bad_count,
      avg: row.avg ?? null,
      min: row.min ?? null,
      max: row.max ?? null,
      sum: row.sum ?? null,
      first: row.first ?? null,
      last: row.last ?? null,
      stddev: row.stddev ?? null,
      timeWeightedAvg: row.time_weighted_avg ?? null,
      integral: row.integral ?? null,
    });
  }
}

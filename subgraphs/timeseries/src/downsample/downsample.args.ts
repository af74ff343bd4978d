import { ArgsType, Field, Int } from 'type-graphql';
import { DateTime } from '@plantgraph/graph';
import { DownsampleMethod } from './downsample.type.ts';

@ArgsType()
export class DownsampleArgs {
  @Field(() => DateTime, { description: 'Window start (inclusive).' })
  from!: Date;

  @Field(() => DateTime, { description: 'Window end (exclusive).' })
  to!: Date;

  @Field(() => Int, { description: 'Most samples to return, 3 to 10,000 (e.g. the chart width).' })
  points!: number;

  @Field(() => DownsampleMethod, { defaultValue: DownsampleMethod.LTTB })
  method!: DownsampleMethod;

  @Field(() => Boolean, { defaultValue: false, description: 'Consider BAD samples too.' })
  includeBadQuality!: boolean;
}

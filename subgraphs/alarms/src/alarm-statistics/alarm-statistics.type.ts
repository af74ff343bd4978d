import { Field, Float, Int, ObjectType } from 'type-graphql';
import { DateTime } from '@plantgraph/graph';
import { Alarm } from '../alarm/alarm.type.ts';
import { Asset } from '../asset/asset.type.ts';

@ObjectType({ description: 'One 10-minute window of the alarm rate.' })
export class AlarmRateWindow {
  @Field(() => DateTime)
  start!: Date;

  @Field(() => DateTime, { description: 'Exclusive; the last window of a period ends at `to`.' })
  end!: Date;

  @Field(() => Int, { description: 'Alarms raised in the window.' })
  alarms!: number;
}

@ObjectType({
  description:
    'Alarms raised per 10 minutes, in windows aligned to `from`; ISA-18.2 calls a window with ' +
    'more than 10 a flood.',
})
export class AlarmRate {
  @Field(() => Float, { description: 'Alarms raised per 10 minutes over the whole window.' })
  averagePer10Minutes!: number;

  @Field(() => Int, { description: 'Most alarms raised in one 10-minute window.' })
  peakPer10Minutes!: number;

  @Field(() => Int, { description: '10-minute windows in the period; a partial last one counts.' })
  windowCount!: number;

  @Field(() => Int, { description: 'Windows with more than 10 alarms.' })
  floodWindowCount!: number;

  @Field(() => Float, { description: 'floodWindowCount / windowCount, 0 to 1.' })
  floodShare!: number;

  @Field(() => [AlarmRateWindow], { description: 'The flood windows, in time order.' })
  floodWindows!: AlarmRateWindow[];
}

@ObjectType({ description: 'One alarm point, a code on an asset, over the window.' })
export class AlarmCodeStatistics {
  @Field(() => Asset)
  asset!: Asset;

  @Field(() => String)
  code!: string;

  @Field(() => Int, { description: 'Times raised in the window.' })
  raises!: number;

  @Field(() => Float, { description: 'raises / all alarms raised in the window, 0 to 1.' })
  share!: number;

  @Field(() => Float, {
    description:
      'Seconds it was active (raised, not cleared) within the window, including alarms raised ' +
      'before `from`.',
  })
  activeSeconds!: number;

  @Field(() => Int, { description: 'Most raises within any 60 seconds (both ends inclusive).' })
  peakRaisesPerMinute!: number;
}

@ObjectType({
  description:
    'Alarm-system performance after ISA-18.2 over a subtree and a window [from, to). Counts and ' +
    'mean times cover the alarms raised in the window, with what happened to them before `to`.',
})
export class AlarmStatistics {
  @Field(() => DateTime)
  from!: Date;

  @Field(() => DateTime)
  to!: Date;

  @Field(() => Int, { description: 'Alarms raised in the window.' })
  raised!: number;

  @Field(() => Int, { description: 'Of those, cleared before `to`.' })
  cleared!: number;

  @Field(() => Int, { description: 'Of those, acknowledged before `to`.' })
  acknowledged!: number;

  @Field(() => Float, {
    nullable: true,
    description: 'Mean seconds from raise to acknowledgement; null when none was acknowledged.',
  })
  meanTimeToAcknowledgeSeconds!: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Mean seconds from raise to clear; null when none was cleared.',
  })
  meanTimeToClearSeconds!: number | null;

  @Field(() => AlarmRate)
  rate!: AlarmRate;

  @Field(() => [AlarmCodeStatistics], {
    description: 'The `top` alarm points raised most often; ties by asset path, then code.',
  })
  topByFrequency!: AlarmCodeStatistics[];

  @Field(() => [AlarmCodeStatistics], {
    description: 'The `top` alarm points longest active within the window.',
  })
  topByDuration!: AlarmCodeStatistics[];

  @Field(() => [AlarmCodeStatistics], {
    description:
      'Chattering alarm points, raised at least 3 times within 60 seconds; the `top` raised ' +
      'most often.',
  })
  chattering!: AlarmCodeStatistics[];

  @Field(() => Int, { description: 'All chattering alarm points, not only those listed.' })
  chatteringCount!: number;

  @Field(() => [Alarm], {
    description:
      'Standing alarms: active (not cleared) at `to` and raised more than 24 hours before it; ' +
      'the `top` oldest.',
  })
  standing!: Alarm[];

  @Field(() => Int, { description: 'All standing alarms, not only those listed.' })
  standingCount!: number;
}

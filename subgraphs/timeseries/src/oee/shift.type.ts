import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Asset } from '../asset/asset.type.ts';
import type { ShiftDefinition } from '@plantgraph/timeseries-domain';

@ObjectType({
  description:
    "A shift of a site's calendar. Time outside every shift is not planned production time.",
})
export class Shift {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: 'e.g. "Early", "Late", "Night".' })
  name!: string;

  @Field(() => String, { description: 'Local start time, "HH:MM" or "HH:MM:SS".' })
  startTime!: string;

  @Field(() => String, {
    description: 'Local end time; at or before the start, the shift ends the next day.',
  })
  endTime!: string;

  @Field(() => [Int], { description: 'ISO weekdays the shift starts on: 1 = Monday, 7 = Sunday.' })
  daysOfWeek!: number[];

  @Field(() => String, { description: 'IANA time zone of the times, e.g. "Europe/Berlin".' })
  timezone!: string;

  @Field(() => Asset, { description: 'The site whose calendar this is.' })
  site!: Asset;

  /** The site again, by id: what the site scope checks a caller's access against. */
  assetId!: string;

  static fromDefinition(shift: ShiftDefinition): Shift {
    return Object.assign(new Shift(), {
      id: shift.id,
      name: shift.name,
      startTime: shortTime(shift.startTime),
      endTime: shortTime(shift.endTime),
      daysOfWeek: shift.daysOfWeek,
      timezone: shift.timezone,
      site: Object.assign(new Asset(), { id: shift.siteId }),
      assetId: shift.siteId,
    });
  }
}

/** "06:00:00" as "06:00"; seconds stay when there are any. */
function shortTime(time: string): string {
  return time.endsWith(':00') && time.length === 8 ? time.slice(0, 5) : time;
}

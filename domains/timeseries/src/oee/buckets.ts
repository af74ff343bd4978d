import type { BucketInterval } from '../aggregate/aggregate-request.ts';
import type { TimeRange } from './shift-calendar.ts';
import {
  addDays,
  addMonths,
  daysBetween,
  instantAt,
  localDateAt,
  type LocalDate,
} from './wall-clock.ts';

/** Buckets count from TimescaleDB's `time_bucket` origin (a Monday), as `Tag.aggregate`'s do. */
const ORIGIN: LocalDate = { year: 2000, month: 1, day: 3 };
const ORIGIN_MS = Date.UTC(ORIGIN.year, ORIGIN.month - 1, ORIGIN.day);

/**
 * The buckets of `interval` that overlap [from, to), cut at the window's edges. Fixed lengths
 * (seconds to hours) lie on a UTC grid from ORIGIN; days, weeks (from Monday) and months start at
 * local midnight in `timeZone`, so a day across a DST change lasts 23 or 25 hours.
 */
export function intervalBuckets(
  from: number,
  to: number,
  interval: BucketInterval,
  timeZone: string,
): TimeRange[] {
  if (from >= to) return [];
  const starts = interval.calendar
    ? calendarStarts(from, to, interval, timeZone)
    : fixedStarts(from, to, interval.approxMs);
  return starts.slice(0, -1).map((start, index) => ({
    start: Math.max(start, from),
    end: Math.min(starts[index + 1] ?? to, to),
  }));
}

/** Bucket starts from the one holding `from` to the first at or after `to`. */
function fixedStarts(from: number, to: number, length: number): number[] {
  const starts: number[] = [];
  const first = ORIGIN_MS + Math.floor((from - ORIGIN_MS) / length) * length;
  for (let start = first; ; start += length) {
    starts.push(start);
    if (start >= to) return starts;
  }
}

function calendarStarts(
  from: number,
  to: number,
  interval: BucketInterval,
  timeZone: string,
): number[] {
  const next = (date: LocalDate) =>
    interval.unit === 'month'
      ? addMonths(date, interval.count)
      : addDays(date, interval.count * (interval.unit === 'week' ? 7 : 1));
  const starts: number[] = [];
  for (let date = firstCalendarDate(localDateAt(from, timeZone), interval); ; date = next(date)) {
    const start = instantAt(date, 0, timeZone);
    starts.push(start);
    if (start >= to) return starts;
  }
}

/** The start of the calendar bucket holding `date`, counted in whole buckets from ORIGIN. */
function firstCalendarDate(date: LocalDate, interval: BucketInterval): LocalDate {
  if (interval.unit === 'month') {
    const months = (date.year - ORIGIN.year) * 12 + date.month - 1;
    const aligned = Math.floor(months / interval.count) * interval.count;
    return addMonths({ ...ORIGIN, day: 1 }, aligned);
  }
  const length = interval.count * (interval.unit === 'week' ? 7 : 1);
  return addDays(ORIGIN, Math.floor(daysBetween(ORIGIN, date) / length) * length);
}

/** A piece of scheduled time inside one bucket. */
export interface Segment extends TimeRange {
  bucket: number;
}

/**
 * Cuts the buckets down to the scheduled time in them: the pieces where a bucket and a range of
 * `scheduled` overlap, each labelled with its bucket's index. Both lists must be sorted and free
 * of overlaps; `scheduled` null means all the time is scheduled.
 */
export function scheduledSegments(
  buckets: readonly TimeRange[],
  scheduled: readonly TimeRange[] | null,
): Segment[] {
  if (!scheduled) return buckets.map((bucket, index) => ({ ...bucket, bucket: index }));
  const segments: Segment[] = [];
  let next = 0;
  for (const [index, bucket] of buckets.entries()) {
    while ((scheduled[next]?.end ?? Infinity) <= bucket.start) next++;
    for (let at = next; at < scheduled.length; at++) {
      const range = scheduled[at];
      if (!range || range.start >= bucket.end) break;
      const start = Math.max(bucket.start, range.start);
      const end = Math.min(bucket.end, range.end);
      if (start < end) segments.push({ start, end, bucket: index });
    }
  }
  return segments;
}

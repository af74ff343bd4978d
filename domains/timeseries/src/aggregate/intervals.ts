import { BadUserInputError } from '@plantgraph/errors';

/**
 * Bucket intervals as clients write them ("15 minutes", "1 hour", "1 day", "1 week", "1 month")
 * and the IANA time zones calendar buckets align in. One parser for every analytic field, so
 * `Tag.aggregate`, `timeseriesFrame` and `Asset.oee` accept and refuse the same things.
 */

export type IntervalUnit = 'millisecond' | 'second' | 'minute' | 'hour' | 'day' | 'week' | 'month';

export interface BucketInterval {
  count: number;
  unit: IntervalUnit;
  /** Calendar intervals (day, week, month) follow the time zone's local midnight and DST. */
  calendar: boolean;
  /** Fixed length in milliseconds; for calendar units the nominal length (1 day = 24 h). */
  approxMs: number;
  /** The same interval as PostgreSQL reads it, e.g. `15 minutes`, `1 mon`. */
  sql: string;
}

const UNITS: Record<string, IntervalUnit> = {
  ms: 'millisecond',
  millisecond: 'millisecond',
  s: 'second',
  sec: 'second',
  second: 'second',
  m: 'minute',
  min: 'minute',
  minute: 'minute',
  h: 'hour',
  hour: 'hour',
  d: 'day',
  day: 'day',
  w: 'week',
  week: 'week',
  mon: 'month',
  month: 'month',
};

const UNIT_MS: Record<IntervalUnit, number> = {
  millisecond: 1,
  second: 1000,
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
  week: 7 * 86_400_000,
  month: 30 * 86_400_000,
};

/** Parses "<count> <unit>[s]"; BAD_USER_INPUT naming `argument` for anything else. */
export function parseInterval(text: string, argument = 'interval'): BucketInterval {
  const match = /^\s*(\d+)\s*([a-z]+)\s*$/i.exec(text);
  const word = (match?.[2] ?? '').toLowerCase();
  // "ms" and "s" are units of their own; otherwise a plural "s" is dropped ("minutes").
  const unit = UNITS[word] ?? UNITS[word.replace(/s$/, '')];
  const count = match ? Number(match[1]) : 0;
  if (!match || !unit || !Number.isSafeInteger(count) || count < 1) {
    throw new BadUserInputError(
      argument,
      `"${text}" is not an interval; write e.g. "30 seconds", "15 minutes", "1 hour", "1 day", "1 week" or "1 month"`,
    );
  }
  const calendar = unit === 'day' || unit === 'week' || unit === 'month';
  const sqlUnit = unit === 'month' ? 'mon' : unit === 'millisecond' ? 'milliseconds' : `${unit}s`;
  return { count, unit, calendar, approxMs: count * UNIT_MS[unit], sql: `${count} ${sqlUnit}` };
}

/**
 * Names checked before, with their canonical spelling: building an Intl.DateTimeFormat to check
 * one costs more than the rest of an aggregate's argument checks. Bounded, as a name is
 * caller input (IANA knows about 600 zones).
 */
const knownTimeZones = new Map<string, string>();
const MAX_KNOWN_TIME_ZONES = 2000;

/** Checks an IANA time zone name ("Europe/Berlin", "UTC"); BAD_USER_INPUT naming `argument`. */
export function requireTimeZone(name: string, argument = 'timezone'): string {
  const known = knownTimeZones.get(name);
  if (known) return known;
  let zone: string;
  try {
    zone = new Intl.DateTimeFormat('en', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    throw new BadUserInputError(argument, `"${name}" is not a known IANA time zone`);
  }
  if (knownTimeZones.size < MAX_KNOWN_TIME_ZONES) knownTimeZones.set(name, zone);
  return zone;
}

/**
 * Checks that a window cut into `interval` buckets stays within `maxBuckets`; BAD_USER_INPUT
 * naming `argument`, the count and the limit otherwise.
 */
export function checkBucketCount(
  from: Date,
  to: Date,
  interval: BucketInterval,
  maxBuckets: number,
  argument = 'interval',
): number {
  const buckets = Math.ceil((to.getTime() - from.getTime()) / interval.approxMs);
  if (buckets > maxBuckets) {
    throw new BadUserInputError(
      argument,
      `"${interval.sql}" cuts the window into about ${buckets} buckets; the limit is ${maxBuckets}. Use a longer interval or a shorter window`,
    );
  }
  return buckets;
}

/**
 * The aggregates as the documentation defines them, computed sample by sample in TypeScript:
 * what the tests hold both SQL dialects to. Written for clarity, not speed; shares no code with
 * the statements.
 */

export type Quality = 'GOOD' | 'UNCERTAIN' | 'BAD';

export interface Sample {
  /** Milliseconds since the epoch. */
  time: number;
  value: number | null;
  quality: Quality;
}

export type Fill = 'NONE' | 'NULL' | 'PREVIOUS' | 'LINEAR';

export interface ExpectedOptions {
  from: number;
  to: number;
  /** Time-weighted functions stop here; defaults to `to`. */
  effectiveEnd?: number;
  interval: { count: number; unit: 'minute' | 'hour' | 'day' | 'week' | 'month' };
  timeZone: string;
  fill: Fill;
  includeBadQuality: boolean;
}

export interface ExpectedBucket {
  start: number;
  end: number;
  samples: number;
  count: number;
  badCount: number;
  avg: number | null;
  min: number | null;
  max: number | null;
  sum: number | null;
  first: number | null;
  last: number | null;
  stddev: number | null;
  timeWeightedAvg: number | null;
  integral: number | null;
}

const FILLED = ['avg', 'min', 'max', 'sum', 'first', 'last', 'stddev'] as const;
const ORIGIN_DAY = Date.UTC(2000, 0, 3);
const DAY = 86_400_000;

/** The zone's wall clock at `time`, as if it were UTC. */
function wallClock(time: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(new Date(time));
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return Date.UTC(
    part('year'),
    part('month') - 1,
    part('day'),
    part('hour'),
    part('minute'),
    part('second'),
  );
}

/** The instant at which the zone's wall clock shows midnight of the UTC date in `day`. */
function localMidnight(day: number, timeZone: string): number {
  let instant = day;
  for (let step = 0; step < 3; step++) instant = day - (wallClock(instant, timeZone) - instant);
  return instant;
}

/** The buckets from the one holding `from` to the last one starting before `to`. */
function bucketRanges(options: ExpectedOptions): { start: number; end: number }[] {
  const { from, to, interval, timeZone } = options;
  let start: number;
  let next: (start: number) => number;
  if (interval.unit === 'minute' || interval.unit === 'hour') {
    const length = interval.count * (interval.unit === 'hour' ? 3_600_000 : 60_000);
    start = ORIGIN_DAY + Math.floor((from - ORIGIN_DAY) / length) * length;
    next = (time) => time + length;
  } else {
    // Calendar buckets step through local dates (kept as UTC midnights) and start at the
    // instant the zone's clock shows their midnight.
    const localDay = Math.floor(wallClock(from, timeZone) / DAY) * DAY;
    let date: number;
    let step: (date: number) => number;
    if (interval.unit === 'month') {
      const day = new Date(localDay);
      const months = (day.getUTCFullYear() - 2000) * 12 + day.getUTCMonth();
      const first = Math.floor(months / interval.count) * interval.count;
      date = Date.UTC(2000 + Math.floor(first / 12), first % 12, 1);
      step = (previous) => {
        const month = new Date(previous);
        return Date.UTC(month.getUTCFullYear(), month.getUTCMonth() + interval.count, 1);
      };
    } else {
      const days = interval.count * (interval.unit === 'week' ? 7 : 1) * DAY;
      date = ORIGIN_DAY + Math.floor((localDay - ORIGIN_DAY) / days) * days;
      step = (previous) => previous + days;
    }
    const dates = new Map<number, number>();
    start = localMidnight(date, timeZone);
    dates.set(start, date);
    next = (time) => {
      const following = step(dates.get(time) ?? Number.NaN);
      const instant = localMidnight(following, timeZone);
      dates.set(instant, following);
      return instant;
    };
  }
  const ranges: { start: number; end: number }[] = [];
  while (start < to) {
    const end = next(start);
    ranges.push({ start, end });
    start = end;
  }
  return ranges;
}

function counts(sample: Sample, includeBad: boolean): boolean {
  return sample.value !== null && (sample.quality !== 'BAD' || includeBad);
}

function statistics(values: number[]) {
  if (values.length === 0) {
    return { avg: null, min: null, max: null, sum: null, first: null, last: null, stddev: null };
  }
  const sum = values.reduce((total, value) => total + value, 0);
  const avg = sum / values.length;
  const squares = values.reduce((total, value) => total + (value - avg) ** 2, 0);
  return {
    avg,
    min: Math.min(...values),
    max: Math.max(...values),
    sum,
    first: values[0] ?? null,
    last: values.at(-1) ?? null,
    stddev: values.length > 1 ? Math.sqrt(squares / (values.length - 1)) : null,
  };
}

/**
 * Step function: each sample's value (or "unknown", when it does not count) holds from its
 * time until the next sample. Integral and known time over [start, end), in value·s and s.
 */
function steps(samples: Sample[], start: number, end: number, includeBad: boolean) {
  let integral = 0;
  let covered = 0;
  samples.forEach((sample, index) => {
    const until = samples[index + 1]?.time ?? Infinity;
    const overlap = Math.min(until, end) - Math.max(sample.time, start);
    if (overlap <= 0 || sample.value === null || !counts(sample, includeBad)) return;
    integral += sample.value * (overlap / 1000);
    covered += overlap / 1000;
  });
  return covered > 0
    ? { integral, timeWeightedAvg: integral / covered }
    : { integral: null, timeWeightedAvg: null };
}

/** Buckets of `samples` (all of one tag, any time, oldest first) as the API defines them. */
export function expectedBuckets(samples: Sample[], options: ExpectedOptions): ExpectedBucket[] {
  const { from, to, includeBadQuality } = options;
  const effectiveEnd = options.effectiveEnd ?? to;
  const buckets = bucketRanges(options).map(({ start, end }): ExpectedBucket => {
    const inside = samples.filter(
      (sample) => sample.time >= Math.max(start, from) && sample.time < Math.min(end, to),
    );
    const counted = inside.flatMap((sample) =>
      sample.value !== null && counts(sample, includeBadQuality) ? [sample.value] : [],
    );
    return {
      start,
      end,
      samples: inside.length,
      count: counted.length,
      badCount: inside.filter((sample) => sample.quality === 'BAD').length,
      ...statistics(counted),
      ...steps(samples, Math.max(start, from), Math.min(end, effectiveEnd), includeBadQuality),
    };
  });
  return fill(buckets, options);
}

function fill(buckets: ExpectedBucket[], options: ExpectedOptions): ExpectedBucket[] {
  if (options.fill === 'NONE') return buckets.filter((bucket) => bucket.samples > 0);
  if (options.fill === 'NULL') return buckets;
  const withSamples = buckets.filter((bucket) => bucket.samples > 0);
  return buckets.map((bucket) => {
    if (bucket.samples > 0) return bucket;
    const before = withSamples.filter((other) => other.start < bucket.start).at(-1);
    const after = withSamples.find((other) => other.start > bucket.start);
    const filled = { ...bucket };
    for (const key of FILLED) {
      if (options.fill === 'PREVIOUS') {
        filled[key] = before ? before[key] : null;
        continue;
      }
      const y0 = before?.[key];
      const y1 = after?.[key];
      filled[key] =
        before && after && typeof y0 === 'number' && typeof y1 === 'number'
          ? y0 + ((y1 - y0) * (bucket.start - before.start)) / (after.start - before.start)
          : null;
    }
    return filled;
  });
}

/**
 * Whether a computed statistic matches the expected one: null for null, otherwise within a
 * relative 1e-9 (SQL sums in another order than this reference; rollups merge partial sums).
 */
export function matches(actual: number | null | undefined, expected: number | null): boolean {
  if (expected === null) return actual === null;
  if (actual === null || actual === undefined) return false;
  return Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected));
}

import { describe, expect, it } from 'vitest';
import type { BucketInterval } from '../aggregate/aggregate-request.ts';
import { intervalBuckets, scheduledSegments } from './buckets.ts';
import { mergeRanges, shiftOccurrences, type ShiftDefinition } from './shift-calendar.ts';
import { instantAt, localDateAt, offsetAt } from './wall-clock.ts';

/** A bucket interval as the adapters' parser (`parseInterval` in @plantgraph/graph) makes it. */
const UNIT_MS = {
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
  week: 604_800_000,
  month: 2_592_000_000,
};
function parseInterval(text: string): BucketInterval {
  const [count = '', word = ''] = text.split(' ');
  const unit = word.replace(/s$/, '') as keyof typeof UNIT_MS;
  const sql = unit === 'month' ? `${count} mon` : `${count} ${unit}s`;
  const calendar = unit === 'day' || unit === 'week' || unit === 'month';
  return { count: Number(count), unit, calendar, approxMs: Number(count) * UNIT_MS[unit], sql };
}

const t = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();
const ranges = (list: readonly { start: number; end: number }[]) =>
  list.map(({ start, end }) => [iso(start), iso(end)]);

const BERLIN = 'Europe/Berlin';

function shift(
  name: string,
  startTime: string,
  endTime: string,
  daysOfWeek = [1, 2, 3, 4, 5, 6, 7],
) {
  return {
    id: name,
    siteId: 'site',
    name,
    startTime,
    endTime,
    daysOfWeek,
    timezone: BERLIN,
  } satisfies ShiftDefinition;
}

const THREE_SHIFTS = [
  shift('Early', '06:00:00', '14:00:00'),
  shift('Late', '14:00:00', '22:00:00'),
  shift('Night', '22:00:00', '06:00:00'),
];

describe('wall clock', () => {
  it('knows the offset on both sides of a DST change', () => {
    expect(offsetAt(t('2026-10-25T00:59:59Z'), BERLIN)).toBe(2 * 3_600_000);
    expect(offsetAt(t('2026-10-25T01:00:00Z'), BERLIN)).toBe(3_600_000);
    expect(localDateAt(t('2026-10-24T22:30:00Z'), BERLIN)).toEqual({
      year: 2026,
      month: 10,
      day: 25,
    });
  });

  it('reads a skipped time with the offset before the gap, a repeated one as its first', () => {
    const springDay = { year: 2026, month: 3, day: 29 };
    const autumnDay = { year: 2026, month: 10, day: 25 };
    expect(iso(instantAt(springDay, 2.5 * 3600, BERLIN))).toBe('2026-03-29T01:30:00.000Z');
    expect(iso(instantAt(springDay, 6 * 3600, BERLIN))).toBe('2026-03-29T04:00:00.000Z');
    expect(iso(instantAt(autumnDay, 2.5 * 3600, BERLIN))).toBe('2026-10-25T00:30:00.000Z');
    expect(iso(instantAt(autumnDay, 6 * 3600, BERLIN))).toBe('2026-10-25T05:00:00.000Z');
  });
});

describe('interval buckets', () => {
  it('lays fixed lengths on the epoch grid and cuts them at the window', () => {
    const buckets = intervalBuckets(
      t('2026-11-16T05:10:00Z'),
      t('2026-11-16T06:40:00Z'),
      parseInterval('30 minutes'),
      BERLIN,
    );
    expect(ranges(buckets)).toEqual([
      ['2026-11-16T05:10:00.000Z', '2026-11-16T05:30:00.000Z'],
      ['2026-11-16T05:30:00.000Z', '2026-11-16T06:00:00.000Z'],
      ['2026-11-16T06:00:00.000Z', '2026-11-16T06:30:00.000Z'],
      ['2026-11-16T06:30:00.000Z', '2026-11-16T06:40:00.000Z'],
    ]);
  });

  it('starts days at local midnight, so the autumn DST day lasts 25 hours', () => {
    const buckets = intervalBuckets(
      t('2026-10-24T22:00:00Z'),
      t('2026-10-26T23:00:00Z'),
      parseInterval('1 day'),
      BERLIN,
    );
    expect(ranges(buckets)).toEqual([
      ['2026-10-24T22:00:00.000Z', '2026-10-25T23:00:00.000Z'],
      ['2026-10-25T23:00:00.000Z', '2026-10-26T23:00:00.000Z'],
    ]);
  });

  it('starts weeks on Monday and months on the first, in the time zone', () => {
    const weeks = intervalBuckets(
      t('2026-11-04T12:00:00Z'),
      t('2026-11-20T00:00:00Z'),
      parseInterval('1 week'),
      BERLIN,
    );
    expect(ranges(weeks).map(([start]) => start)).toEqual([
      '2026-11-04T12:00:00.000Z',
      '2026-11-08T23:00:00.000Z',
      '2026-11-15T23:00:00.000Z',
    ]);
    const months = intervalBuckets(
      t('2026-09-15T00:00:00Z'),
      t('2026-11-15T00:00:00Z'),
      parseInterval('1 month'),
      BERLIN,
    );
    expect(ranges(months).map(([start]) => start)).toEqual([
      '2026-09-15T00:00:00.000Z',
      '2026-09-30T22:00:00.000Z',
      '2026-10-31T23:00:00.000Z',
    ]);
  });

  it('has no buckets for an empty window', () => {
    expect(intervalBuckets(1000, 1000, parseInterval('1 hour'), 'UTC')).toEqual([]);
  });
});

describe('shift occurrences', () => {
  it('makes the night shift 9 hours long in autumn and 7 in spring', () => {
    const autumn = shiftOccurrences(
      THREE_SHIFTS,
      t('2026-10-24T20:00:00Z'),
      t('2026-10-25T13:00:00Z'),
      100,
    );
    expect(autumn.map((o) => [o.shift.name, (o.end - o.start) / 3_600_000])).toEqual([
      ['Night', 9],
      ['Early', 8],
    ]);
    const spring = shiftOccurrences(
      THREE_SHIFTS,
      t('2026-03-28T21:00:00Z'),
      t('2026-03-29T04:00:00Z'),
      100,
    );
    expect(ranges(spring)).toEqual([['2026-03-28T21:00:00.000Z', '2026-03-29T04:00:00.000Z']]);
  });

  it('keeps to the listed weekdays and cuts at the window', () => {
    const weekdays = [shift('Day', '08:00', '16:00', [1, 2, 3, 4, 5])];
    // Friday 20 to Monday 23 November 2026, noon UTC.
    const found = shiftOccurrences(
      weekdays,
      t('2026-11-20T12:00:00Z'),
      t('2026-11-23T12:00:00Z'),
      9,
    );
    expect(ranges(found)).toEqual([
      ['2026-11-20T12:00:00.000Z', '2026-11-20T15:00:00.000Z'],
      ['2026-11-23T07:00:00.000Z', '2026-11-23T12:00:00.000Z'],
    ]);
  });

  it('starts an overlapping shift when the earlier one ends', () => {
    const overlapping = [shift('A', '06:00', '14:00'), shift('B', '12:00', '20:00')];
    const found = shiftOccurrences(
      overlapping,
      t('2026-11-16T00:00:00Z'),
      t('2026-11-16T23:00:00Z'),
      9,
    );
    expect(found.map((o) => [o.shift.name, iso(o.start), iso(o.end)])).toEqual([
      ['A', '2026-11-16T05:00:00.000Z', '2026-11-16T13:00:00.000Z'],
      ['B', '2026-11-16T13:00:00.000Z', '2026-11-16T19:00:00.000Z'],
    ]);
  });

  it('stops once it found more than the limit', () => {
    const found = shiftOccurrences(THREE_SHIFTS, 0, t('2026-01-01T00:00:00Z'), 10);
    expect(found.length).toBeGreaterThan(10);
    expect(found.length).toBeLessThan(20);
  });
});

describe('scheduled segments', () => {
  it('keeps the scheduled part of each bucket, labelled with the bucket', () => {
    const buckets = [
      { start: 0, end: 10 },
      { start: 10, end: 20 },
      { start: 20, end: 30 },
    ];
    const scheduled = mergeRanges([
      { start: 2, end: 5 },
      { start: 5, end: 12 },
      { start: 25, end: 40 },
    ]);
    expect(scheduled).toEqual([
      { start: 2, end: 12 },
      { start: 25, end: 40 },
    ]);
    expect(scheduledSegments(buckets, scheduled)).toEqual([
      { start: 2, end: 10, bucket: 0 },
      { start: 10, end: 12, bucket: 1 },
      { start: 25, end: 30, bucket: 2 },
    ]);
    expect(scheduledSegments(buckets, null)).toHaveLength(3);
  });
});

import { describe, expect, it } from 'vitest';
import { checkBucketCount, parseInterval, requireTimeZone } from './intervals.ts';

describe('parseInterval', () => {
  it.each([
    ['250ms', 'millisecond', 250, '250 milliseconds'],
    ['1 ms', 'millisecond', 1, '1 milliseconds'],
    ['30 s', 'second', 30_000, '30 seconds'],
    ['15 minutes', 'minute', 900_000, '15 minutes'],
    ['5m', 'minute', 300_000, '5 minutes'],
    ['1 hour', 'hour', 3_600_000, '1 hours'],
    ['1 day', 'day', 86_400_000, '1 days'],
    ['2 weeks', 'week', 1_209_600_000, '2 weeks'],
    ['1 month', 'month', 2_592_000_000, '1 mon'],
  ])('reads "%s" as %s', (text, unit, approxMs, sql) => {
    expect(parseInterval(text)).toMatchObject({ unit, approxMs, sql });
  });

  it('marks days, weeks and months as calendar intervals', () => {
    expect(parseInterval('1 day').calendar).toBe(true);
    expect(parseInterval('24 hours').calendar).toBe(false);
  });

  it.each(['', 'hour', '0 minutes', '1.5 hours', '3 fortnights', '-1 day'])(
    'refuses "%s" naming the argument',
    (text) => {
      expect(() => parseInterval(text, 'interval')).toThrow(/Argument "interval"/);
    },
  );
});

describe('requireTimeZone and checkBucketCount', () => {
  it('knows IANA zones and refuses others naming the argument', () => {
    expect(requireTimeZone('Europe/Berlin')).toBe('Europe/Berlin');
    expect(() => requireTimeZone('Mars/Olympus', 'timezone')).toThrow(/Argument "timezone"/);
  });

  it('answers a name checked before as the first time, and refuses a bad one every time', () => {
    expect(requireTimeZone('europe/berlin')).toBe('Europe/Berlin');
    expect(requireTimeZone('europe/berlin')).toBe('Europe/Berlin');
    // A refused name is not kept: the second check refuses it as the first did.
    expect(() => requireTimeZone('Mars/Olympus', 'tz')).toThrow(/Argument "tz"/);
    expect(() => requireTimeZone('Mars/Olympus', 'zone')).toThrow(/Argument "zone"/);
  });

  it('states the bucket count and the limit', () => {
    const from = new Date('2026-01-01T00:00:00Z');
    const to = new Date('2026-01-02T00:00:00Z');
    expect(checkBucketCount(from, to, parseInterval('1 minute'), 1440)).toBe(1440);
    expect(() => checkBucketCount(from, to, parseInterval('1 minute'), 1000)).toThrow(
      /about 1440 buckets; the limit is 1000/,
    );
  });
});

import { describe, expect, it } from 'vitest';
import { parseUmhMessage } from './umh.ts';

const CELL = 'umh/v1/acme/cologne/assembly/line-1/cell-a/e5f484a1791d';
const read = (topic: string, payload: unknown) =>
  parseUmhMessage(
    'umh/v1',
    topic,
    Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload)),
  );

describe('parseUmhMessage', () => {
  it('takes timestamp_ms and each tag key at its own address', () => {
    expect(
      read(`${CELL}/_historian`, { timestamp_ms: 1767225600000, temp: 21.5, mode: 'auto' }),
    ).toEqual({
      ok: true,
      time: new Date('2026-01-01T00:00:00Z'),
      tags: [
        { address: `${CELL}/_historian/temp`, value: 21.5 },
        { address: `${CELL}/_historian/mode`, value: 'auto' },
      ],
    });
  });

  it('reads a key equal to the last topic level, or a lone value, as that level', () => {
    const own = read(`${CELL}/_historian/temp`, { timestamp_ms: 1, temp: 3 });
    const value = read(`${CELL}/_historian/temp`, { timestamp_ms: 1, value: 3 });
    for (const parsed of [own, value]) {
      expect(parsed).toMatchObject({ ok: true, tags: [{ address: `${CELL}/_historian/temp` }] });
    }
  });

  it('groups tags by topic levels and JSON objects alike', () => {
    const parsed = read('umh/v1/acme/cologne/cnc/_historian/head', {
      timestamp_ms: 1670001234567,
      pos: { x: 12.5, y: 7.3 },
      collision: false,
    });
    expect(parsed).toMatchObject({
      ok: true,
      tags: [
        { address: 'umh/v1/acme/cologne/cnc/_historian/head/pos/x', value: 12.5 },
        { address: 'umh/v1/acme/cologne/cnc/_historian/head/pos/y', value: 7.3 },
        { address: 'umh/v1/acme/cologne/cnc/_historian/head/collision', value: false },
      ],
    });
  });

  it.each([
    ['not JSON', '{"timestamp_ms": 1', /^invalid JSON/],
    ['not an object', '[1, 2]', 'expected a JSON object with timestamp_ms, got an array'],
    ['no timestamp_ms', { temp: 1 }, 'missing timestamp_ms'],
    [
      'a text timestamp_ms',
      { timestamp_ms: '1767225600000', temp: 1 },
      'timestamp_ms must be epoch milliseconds (an integer), got "1767225600000"',
    ],
    [
      'a fractional timestamp_ms',
      { timestamp_ms: 1.5, temp: 1 },
      'timestamp_ms must be epoch milliseconds (an integer), got 1.5',
    ],
    ['no tag values', { timestamp_ms: 1 }, 'no tag values besides timestamp_ms'],
    [
      'a null value',
      { timestamp_ms: 1, pos: { x: null } },
      'tag "pos.x" has null: expected a number, string or boolean',
    ],
    [
      'a key with a slash',
      { timestamp_ms: 1, 'a/b': 1 },
      'tag key "a/b" must not be empty or contain "/", "+" or "#"',
    ],
  ])('refuses %s', (_case, payload, reason) => {
    const parsed = read(`${CELL}/_historian`, payload);
    expect(parsed.ok).toBe(false);
    expect(parsed).toMatchObject({
      reason: typeof reason === 'string' ? reason : expect.stringMatching(reason),
    });
  });

  it('refuses topics that break the UMH topic rules', () => {
    expect(read('umh/v1/_historian', { timestamp_ms: 1, x: 1 })).toEqual({
      ok: false,
      reason: 'no enterprise level before _historian',
    });
    expect(read('umh/v1/a/b/c/d/e/f/g/_historian', { timestamp_ms: 1, x: 1 })).toMatchObject({
      reason:
        '7 levels before _historian: at most enterprise, site, area, line, workcell and originID',
    });
    expect(read('umh/v1/acme/cologne/temp', { timestamp_ms: 1, x: 1 })).toMatchObject({
      reason: 'no _schema level (such as _historian) in umh/v1/acme/cologne/temp',
    });
  });

  it('ignores other schemas and topics outside the prefix', () => {
    expect(read('umh/v1/acme/_analytics/work-order', { timestamp_ms: 1 })).toEqual({
      ok: false,
      ignored: 'schema _analytics',
    });
    expect(read('plant/acme/_historian', { timestamp_ms: 1, x: 1 })).toEqual({
      ok: false,
      ignored: 'not under umh/v1/',
    });
  });
});

import { describe, expect, it } from 'vitest';
import { parseUnsPayload } from './uns-json.ts';

const receivedAt = new Date('2026-01-01T12:00:00Z');
const parse = (text: string) => parseUnsPayload(Buffer.from(text), receivedAt);

describe('parseUnsPayload', () => {
  it('unwraps the value envelope', () => {
    expect(parse('{"value": 4.2, "timestamp": 1767225600000, "quality": "bad"}')).toEqual({
      ok: true,
      reading: { value: 4.2, time: new Date('2026-01-01T00:00:00Z'), quality: 'BAD' },
    });
    expect(parse('{"value": false}')).toEqual({
      ok: true,
      reading: { value: false, time: receivedAt, quality: 'GOOD' },
    });
  });

  it('passes other objects whole, still reading their timestamp', () => {
    expect(parse('{"value": 1, "unit": "A", "timestamp": "2026-01-01T01:00:00+01:00"}')).toEqual({
      ok: true,
      reading: {
        value: { value: 1, unit: 'A', timestamp: '2026-01-01T01:00:00+01:00' },
        time: new Date('2026-01-01T00:00:00Z'),
        quality: 'GOOD',
      },
    });
  });

  it('takes bare JSON values', () => {
    expect(parse('"AUTO"')).toMatchObject({ ok: true, reading: { value: 'AUTO' } });
    expect(parse('17')).toMatchObject({ ok: true, reading: { value: 17, time: receivedAt } });
  });

  it('rejects what it cannot read, saying why', () => {
    expect(parse('{"value": ')).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^invalid JSON/),
    });
    expect(parse('{"value": 1, "timestamp": "yesterday"}')).toEqual({
      ok: false,
      reason: 'invalid timestamp "yesterday"',
    });
    expect(parse('{"value": 1, "timestamp": "1"}')).toMatchObject({ ok: false });
    expect(parse('{"value": 1, "quality": "FINE"}')).toEqual({
      ok: false,
      reason: 'invalid quality "FINE"',
    });
  });
});

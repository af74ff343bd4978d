import { describe, expect, it } from 'vitest';
import type { MqttConnectionConfig } from '@plantgraph/ingest';
import { decodeDeadLetter } from './dead-letter-decoding.ts';

const connection: MqttConnectionConfig = {
  kind: 'mqtt',
  id: 'umh',
  clientId: 'plantgraph-umh',
  topics: ['umh/v1/#'],
  format: 'umh',
  strict: true,
  exclude: [],
};
const CELL = 'umh/v1/acme/cologne/assembly/line-1/cell-b/_historian';
const payload = Buffer.from(
  JSON.stringify({ timestamp_ms: 1767225600000, pressure: 'high', spindle: { speed: 1200 } }),
);
const receivedAt = new Date('2026-06-01T00:00:00Z');
const time = new Date(1767225600000);

describe('decodeDeadLetter for UMH connections', () => {
  it('replays the one value of a letter at a tag address, at timestamp_ms', () => {
    expect(decodeDeadLetter(connection, `${CELL}/spindle/speed`, payload, receivedAt)).toEqual({
      ok: true,
      samples: [
        {
          connection: 'umh',
          address: `${CELL}/spindle/speed`,
          value: 1200,
          time,
          quality: 'GOOD',
        },
      ],
    });
  });

  it('replays every value of a letter at the message topic', () => {
    const decoded = decodeDeadLetter(connection, CELL, payload, receivedAt);
    expect(decoded).toMatchObject({
      ok: true,
      samples: [
        { address: `${CELL}/pressure`, value: 'high', time },
        { address: `${CELL}/spindle/speed`, value: 1200, time },
      ],
    });
  });

  it('fails again with the reason of a malformed message', () => {
    expect(decodeDeadLetter(connection, CELL, Buffer.from('{"x": 1}'), receivedAt)).toEqual({
      ok: false,
      reason: 'missing timestamp_ms',
    });
  });
});

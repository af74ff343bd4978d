import { describe, expect, it } from 'vitest';
import { opcuaConnectionSchema } from '@plantgraph/ingest';
import { decodeDeadLetter } from './dead-letter-decoding.ts';

const plc = opcuaConnectionSchema.parse({
  kind: 'opcua',
  id: 'plc',
  endpoint: 'opc.tcp://127.0.0.1:4840',
});
const receivedAt = new Date('2026-09-21T12:00:01Z');

/** A letter as the OPC UA connector writes it (describeDataValue). */
const letter = (fields: Record<string, unknown>) =>
  Buffer.from(
    JSON.stringify({ status: 'Good', sourceTimestamp: '2026-09-21T12:00:00.000Z', ...fields }),
  );

describe('decoding OPC UA dead letters', () => {
  it('gives arrays and structures back as the mapper saw them, for index and field to pick from', () => {
    const axes = [{ X: 1, Position: 2 }];
    const decoded = [
      decodeDeadLetter(
        plc,
        'ns=2;s=Profile',
        letter({ arrayType: 'Array', value: [1, 2, 3] }),
        receivedAt,
      ),
      decodeDeadLetter(
        plc,
        'ns=2;s=Spindle',
        letter({ dataType: 'ExtensionObject', arrayType: 'Scalar', value: { Axes: axes } }),
        receivedAt,
      ),
    ];
    expect(decoded.map((result) => result.ok && result.samples[0]?.value)).toEqual([
      [1, 2, 3],
      { Axes: axes },
    ]);
    expect(decoded[0]).toMatchObject({
      ok: true,
      samples: [{ time: new Date('2026-09-21T12:00:00.000Z'), quality: 'GOOD' }],
    });
  });
});

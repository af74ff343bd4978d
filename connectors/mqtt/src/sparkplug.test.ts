import { encodePayload, type UMetric } from 'sparkplug-payload/lib/sparkplugbpayload.js';
import { describe, expect, it } from 'vitest';
import { REBIRTH_RETRY_MS, SparkplugHost, type SparkplugEvent } from './sparkplug.ts';

const receivedAt = new Date('2026-01-01T12:00:00Z');

function host() {
  let now = 0;
  const sparkplug = new SparkplugHost(() => now);
  const send = (topic: string, seq: number | undefined, metrics: UMetric[] = []) =>
    sparkplug.handle(`spBv1.0/G/${topic}`, encodePayload({ seq, metrics }), receivedAt);
  const birth = () =>
    send('NBIRTH/E', 0, [
      { name: 'bdSeq', type: 'Int64', value: 7 },
      { name: 'Speed', alias: 1, type: 'Double', value: 1 },
    ]);
  return { send, birth, advance: (ms: number) => (now += ms) };
}

const kinds = (events: SparkplugEvent[]) => events.map((event) => event.kind);

describe('SparkplugHost', () => {
  it('continues the sequence from 255 to 0', () => {
    const { send, birth } = host();
    birth();
    let events: SparkplugEvent[] = [];
    for (let seq = 1; seq <= 256; seq++) {
      events = send('NDATA/E', seq % 256, [{ alias: 1, type: 'Double', value: seq }]);
      expect(kinds(events)).toEqual(['sample']);
    }
    expect(events[0]).toMatchObject({ address: 'G/E/Speed', value: 256 });
  });

  it('repeats a rebirth request only after a while', () => {
    const { send, birth, advance } = host();
    birth();
    expect(kinds(send('NDATA/E', 5))).toEqual(['lost', 'rebirth']);
    expect(send('NDATA/E', 6)).toEqual([]);
    advance(REBIRTH_RETRY_MS);
    expect(kinds(send('NDATA/E', 7))).toEqual(['rebirth']);
    birth();
    expect(kinds(send('NDATA/E', 1, [{ alias: 1, type: 'Double', value: 2 }]))).toEqual(['sample']);
  });

  it('counts the messages a sequence gap skipped, across the wrap and while awaiting a rebirth', () => {
    const { send, birth, advance } = host();
    birth();
    const lost = (events: SparkplugEvent[]) =>
      events.flatMap((event) => (event.kind === 'lost' ? [event.count] : []));
    for (let seq = 1; seq <= 250; seq++) expect(lost(send('NDATA/E', seq))).toEqual([]);
    // 251..255 and 0..2 never arrive.
    expect(send('NDATA/E', 3)[0]).toEqual({
      kind: 'lost',
      address: { group: 'G', edgeNode: 'E' },
      count: 8,
    });
    expect(lost(send('NDATA/E', 4))).toEqual([]);
    expect(lost(send('NDATA/E', 10))).toEqual([5]);
    advance(REBIRTH_RETRY_MS);
    // The rebirth restarts the sequence at the NBIRTH's seq: nothing is counted.
    birth();
    expect(lost(send('NDATA/E', 1, [{ alias: 1, type: 'Double', value: 2 }]))).toEqual([]);
    expect(lost(send('DDEATH/E/D1', 4))).toEqual([2]);
  });

  it('takes a seq that goes back in time for a repeat, not a loss', () => {
    const sparkplug = new SparkplugHost(() => 0);
    const send = (seq: number, timestamp: number) =>
      sparkplug.handle('spBv1.0/G/NDATA/E', encodePayload({ seq, timestamp }), receivedAt);
    sparkplug.handle(
      'spBv1.0/G/NBIRTH/E',
      encodePayload({ seq: 0, timestamp: 1000, metrics: [] }),
      receivedAt,
    );
    expect(send(1, 1001)).toEqual([]);
    expect(send(2, 1002)).toEqual([]);
    // Redelivered messages: the last one again, then an older one.
    expect(kinds(send(2, 1002))).toEqual(['rebirth']);
    expect(send(1, 1001)).toEqual([]);
    // The sequence goes on from 2; the data waits for the rebirth (already requested).
    expect(send(3, 1003)).toEqual([]);
  });

  it('ignores the NDEATH of an older session and commands, and refuses other topics', () => {
    const { send, birth } = host();
    birth();
    const death = (bdSeq: number) =>
      send('NDEATH/E', undefined, [{ name: 'bdSeq', type: 'Int64', value: bdSeq }]);
    expect(death(6)).toEqual([]);
    expect(send('NCMD/E', undefined)).toEqual([]);
    expect(send('STATE/host-1', undefined)).toEqual([]);
    expect(send('NDATA/E/extra', 1)).toEqual([
      { kind: 'deadLetter', address: 'spBv1.0/G/NDATA/E/extra', reason: 'not a Sparkplug B topic' },
    ]);
    expect(death(7)).toEqual([
      {
        kind: 'offline',
        address: { group: 'G', edgeNode: 'E' },
        time: receivedAt,
        cause: 'NDEATH',
      },
    ]);
  });
});

describe('SparkplugHost births', () => {
  const birthOf = (events: SparkplugEvent[]) =>
    events.map((event) => (event.kind === 'sample' ? (event.birth ?? null) : event.kind));

  it('names the device and datatype of every birth metric, and of no data metric', () => {
    const { send, birth } = host();
    expect(birthOf(birth())).toEqual([
      { group: 'G', edgeNode: 'E', name: 'Speed', datatype: 'Double' },
    ]);
    const deviceBirth = send('DBIRTH/E/Mill', 1, [
      { name: 'Inputs/Part Count', alias: 2, type: 'UInt32', value: 4 },
    ]);
    expect(birthOf(deviceBirth)).toEqual([
      { group: 'G', edgeNode: 'E', device: 'Mill', name: 'Inputs/Part Count', datatype: 'UInt32' },
    ]);
    expect(deviceBirth[0]).toMatchObject({ address: 'G/E/Mill/Inputs/Part Count', value: 4 });
    expect(birthOf(send('DDATA/E/Mill', 2, [{ alias: 2, type: 'UInt32', value: 5 }]))).toEqual([
      null,
    ]);
    expect(birthOf(send('NDATA/E', 3, [{ alias: 1, type: 'Double', value: 2 }]))).toEqual([null]);
  });
});

import { describe, expect, it } from 'vitest';
import { parseHostState, PrimaryHostState } from './primary-host.ts';

const json = (payload: Buffer) => JSON.parse(payload.toString('utf8')) as unknown;

describe('PrimaryHostState', () => {
  it('gives every connection a will whose timestamp its birth repeats', () => {
    let now = 1_000;
    const host = new PrimaryHostState('plantgraph-lyon', () => now);

    const first = host.will();
    expect(first).toMatchObject({ topic: 'spBv1.0/STATE/plantgraph-lyon', qos: 1, retain: true });
    expect(json(first.payload)).toEqual({ online: false, timestamp: 1_000 });
    now = 1_500;
    expect(json(host.birth())).toEqual({ online: true, timestamp: 1_000 });

    // A reconnect: the next CONNECT carries a new will.
    now = 9_000;
    expect(json(host.will().payload)).toEqual({ online: false, timestamp: 9_000 });
    now = 9_200;
    expect(json(host.birth())).toEqual({ online: true, timestamp: 9_000 });
    now = 12_000;
    expect(json(host.death())).toEqual({ online: false, timestamp: 12_000 });
  });

  it('answers an offline STATE only between its birth and the end of the connection', () => {
    const host = new PrimaryHostState('plantgraph-lyon', () => 5_000);
    const offline = Buffer.from('{"online": false, "timestamp": 4000}');
    host.will();
    expect(host.needsRebirth(offline)).toBe(false);
    host.birth();
    expect(host.needsRebirth(offline)).toBe(true);
    expect(host.needsRebirth(Buffer.from('{"online": true, "timestamp": 5000}'))).toBe(false);
    expect(host.needsRebirth(Buffer.from('offline'))).toBe(false);
    host.lost();
    expect(host.needsRebirth(offline)).toBe(false);
  });

  it('reads only the JSON STATE payload Sparkplug 3.0 defines', () => {
    expect(parseHostState(Buffer.from('{"online":true,"timestamp":1}'))).toEqual({
      online: true,
      timestamp: 1,
    });
    expect(parseHostState(Buffer.from('{"online":"true","timestamp":1}'))).toBeUndefined();
    expect(parseHostState(Buffer.from('{"online":true}'))).toBeUndefined();
    expect(parseHostState(Buffer.from('ONLINE'))).toBeUndefined();
    expect(parseHostState(Buffer.from('null'))).toBeUndefined();
  });
});

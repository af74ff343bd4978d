import { describe, expect, it } from 'vitest';
import { SerialDelivery } from './delivery.ts';

function deferred() {
  let release!: () => void;
  const promise = new Promise<void>((resolve) => (release = resolve));
  return { promise, release };
}

describe('SerialDelivery', () => {
  it('runs deliveries one at a time in arrival order', async () => {
    const flow = { pause: () => {}, resume: () => {} };
    const delivery = new SerialDelivery({ high: 100, low: 50 }, flow, () => {});
    const log: string[] = [];
    const first = deferred();
    delivery.push(async () => {
      log.push('first started');
      await first.promise;
      log.push('first done');
    });
    delivery.push(async () => {
      log.push('second');
    });
    await Promise.resolve();
    expect(log).toEqual(['first started']);
    first.release();
    await delivery.idle();
    expect(log).toEqual(['first started', 'first done', 'second']);
  });

  it('pauses the source at the high mark and resumes it at the low mark', async () => {
    const events: string[] = [];
    const flow = { pause: () => events.push('pause'), resume: () => events.push('resume') };
    const delivery = new SerialDelivery({ high: 3, low: 1 }, flow, () => {});
    const gates = Array.from({ length: 4 }, deferred);
    for (const gate of gates) delivery.push(() => gate.promise);
    expect(events).toEqual(['pause']);
    expect(delivery.pending).toBe(4);
    gates[0]!.release();
    gates[1]!.release();
    await new Promise((resolve) => setImmediate(resolve));
    expect(events).toEqual(['pause']);
    gates[2]!.release();
    await new Promise((resolve) => setImmediate(resolve));
    expect(events).toEqual(['pause', 'resume']);
    gates[3]!.release();
    await delivery.idle();
    expect(delivery.pending).toBe(0);
  });

  it('reports a failed delivery and goes on with the next', async () => {
    const errors: unknown[] = [];
    const flow = { pause: () => {}, resume: () => {} };
    const delivery = new SerialDelivery({ high: 10, low: 5 }, flow, (error) => errors.push(error));
    let ran = false;
    delivery.push(() => Promise.reject(new Error('sink down')));
    delivery.push(async () => {
      ran = true;
    });
    await delivery.idle();
    expect(errors).toEqual([new Error('sink down')]);
    expect(ran).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { releasingOnEnd, SubscriptionQuota } from './subscription-quota.ts';

async function* values(...items: number[]) {
  yield* items;
}

describe('SubscriptionQuota', () => {
  it('grants up to the limit per caller and takes slots back once', () => {
    const quota = new SubscriptionQuota(2);
    const first = quota.acquire('a');
    expect(quota.acquire('a')).toBeDefined();
    expect(quota.acquire('a')).toBeUndefined();
    expect(quota.acquire('b')).toBeDefined();
    first?.();
    first?.();
    expect(quota.held('a')).toBe(1);
    expect(quota.acquire('a')).toBeDefined();
    expect(quota.acquire('a')).toBeUndefined();
  });
});

describe('releasingOnEnd', () => {
  it('releases when the stream completes', async () => {
    let released = 0;
    const stream = releasingOnEnd(values(1, 2), () => released++);
    const received: number[] = [];
    for await (const value of stream) received.push(value);
    expect(received).toEqual([1, 2]);
    expect(released).toBe(1);
  });

  it('releases when the client returns it', async () => {
    let released = 0;
    const stream = releasingOnEnd(values(1, 2, 3), () => released++);
    await stream.next();
    await stream.return?.();
    expect(released).toBe(1);
    expect(await stream.next()).toEqual({ done: true, value: undefined });
  });

  it('releases when the stream fails', async () => {
    let released = 0;
    const failing: AsyncIterator<number> = { next: () => Promise.reject(new Error('upstream')) };
    await expect(releasingOnEnd(failing, () => released++).next()).rejects.toThrow('upstream');
    expect(released).toBe(1);
  });
});

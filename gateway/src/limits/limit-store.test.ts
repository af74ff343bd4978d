import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:net';
import { createLogger } from '@plantgraph/config';
import { afterAll, describe, expect, it } from 'vitest';
import { openLimitStore, type LimitStore } from './limit-store.ts';

const logger = createLogger('test', process.env.LOG_LEVEL ?? 'silent');
const stores: LimitStore[] = [];

async function open(redisUrl?: string, keyPrefix?: string): Promise<LimitStore> {
  const store = await openLimitStore({ redisUrl, logger, keyPrefix, subscriptionLeaseMs: 3_000 });
  stores.push(store);
  return store;
}

const metrics = (store: LimitStore) => store.registry.metrics();

afterAll(async () => {
  for (const store of stores) await store.close();
});

describe('the memory store', () => {
  it('counts rate limits and subscription slots in this process', async () => {
    const store = await open();
    const limiter = store.rateLimiter('graphql', { perMinute: 60, burst: 2 });
    expect([await limiter.take('a'), await limiter.take('a')]).toEqual([0, 0]);
    expect(await limiter.take('a')).toBeGreaterThan(0);
    expect(await limiter.take('b')).toBe(0);
    const slots = store.subscriptionSlots(1);
    const release = await slots.acquire('a');
    expect(release).toBeDefined();
    expect(await slots.acquire('a')).toBeUndefined();
    release!();
    expect(await slots.acquire('a')).toBeDefined();
  });
});

describe('a Redis store that does not answer', () => {
  let silent: Server;

  it('fails open to this gateway’s counts and says so on /metrics', async () => {
    // A port that accepts connections and never answers, so each command times out.
    silent = createServer(() => undefined).listen(0, '127.0.0.1');
    await new Promise((resolve) => silent.once('listening', resolve));
    const { port } = silent.address() as { port: number };
    const store = await open(`redis://127.0.0.1:${port}`);
    const limiter = store.rateLimiter('graphql', { perMinute: 60, burst: 2 });
    expect([await limiter.take('a'), await limiter.take('a')]).toEqual([0, 0]);
    expect(await limiter.take('a')).toBeGreaterThan(0);
    const slots = store.subscriptionSlots(1);
    expect(await slots.acquire('a')).toBeDefined();
    expect(await slots.acquire('a')).toBeUndefined();
    const text = await metrics(store);
    expect(text).toMatch(/^plantgraph_gateway_limit_store_up\{store="redis"\} 0$/m);
    expect(text).toMatch(/^plantgraph_gateway_limit_store_failures_total\{store="redis"\} [1-9]/m);
    silent.close();
  });
});

const redisUrl = process.env.TEST_REDIS_URL;

describe.skipIf(!redisUrl)('two gateways sharing one Redis (TEST_REDIS_URL)', () => {
  const prefix = `plantgraph-test-${randomBytes(4).toString('hex')}:`;

  it('allow a caller its rate limit once between them, not once each', async () => {
    const [first, second] = [await open(redisUrl, prefix), await open(redisUrl, prefix)];
    const limit = { perMinute: 4, burst: 4 };
    const limiters = [first!.rateLimiter('graphql', limit), second!.rateLimiter('graphql', limit)];
    const granted = [];
    for (let request = 0; request < 8; request++) {
      granted.push(await limiters[request % 2]!.take('key:a'));
    }
    expect(granted.slice(0, 4)).toEqual([0, 0, 0, 0]);
    for (const wait of granted.slice(4)) expect(wait).toBeGreaterThan(0);
    expect(await limiters[1]!.take('key:b')).toBe(0);
    expect(await metrics(first!)).toMatch(
      /^plantgraph_gateway_limit_store_up\{store="redis"\} 1$/m,
    );
  });

  it('count a caller’s subscriptions over both gateways', async () => {
    const [first, second] = [await open(redisUrl, prefix), await open(redisUrl, prefix)];
    const slots = [first!.subscriptionSlots(2), second!.subscriptionSlots(2)];
    const held = [await slots[0]!.acquire('key:a'), await slots[1]!.acquire('key:a')];
    expect(held.every(Boolean)).toBe(true);
    expect(await slots[0]!.acquire('key:a')).toBeUndefined();
    expect(await slots[1]!.acquire('key:a')).toBeUndefined();
    expect(await slots[1]!.acquire('key:b')).toBeDefined();
    held[0]!();
    // The release reaches Redis in order before the next command of the same gateway.
    expect(await slots[0]!.acquire('key:a')).toBeDefined();
  });

  it('forget the subscriptions of a gateway that stopped without releasing them', async () => {
    const gone = await open(redisUrl, prefix);
    const survivor = await open(redisUrl, prefix);
    expect(await gone.subscriptionSlots(1).acquire('key:c')).toBeDefined();
    const slots = survivor.subscriptionSlots(1);
    expect(await slots.acquire('key:c')).toBeUndefined();
    // Closing stops the lease refreshes, as a crash would; the count stays until the lease ends.
    await gone.close();
    const deadline = Date.now() + 10_000;
    let release: (() => void) | undefined;
    while (!release && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      release = await slots.acquire('key:c');
    }
    expect(release).toBeDefined();
  });
});

import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { describe, expect, it } from 'vitest';
import { memoryRateLimiter, rateLimit, TokenBuckets } from './rate-limit.ts';

describe('TokenBuckets', () => {
  it('grants a burst, then one request per refill interval', () => {
    let now = 0;
    const buckets = new TokenBuckets({ perMinute: 60, burst: 3 }, () => now);
    expect([1, 2, 3].map(() => buckets.take('a'))).toEqual([0, 0, 0]);
    expect(buckets.take('a')).toBe(1000);
    now = 400;
    expect(buckets.take('a')).toBe(600);
    now = 1000;
    expect(buckets.take('a')).toBe(0);
    expect(buckets.take('a')).toBe(1000);
  });

  it('keeps a bucket per caller', () => {
    const buckets = new TokenBuckets({ perMinute: 60, burst: 1 }, () => 0);
    expect(buckets.take('a')).toBe(0);
    expect(buckets.take('a')).toBeGreaterThan(0);
    expect(buckets.take('b')).toBe(0);
  });

  it('forgets callers whose buckets have refilled', () => {
    let now = 0;
    const buckets = new TokenBuckets({ perMinute: 60, burst: 2 }, () => now);
    buckets.take('a');
    buckets.take('b');
    expect(buckets.size).toBe(2);
    now = 61_000;
    buckets.take('c');
    expect(buckets.size).toBe(1);
  });
});

describe('rateLimit', () => {
  it('answers 429 with Retry-After and a RATE_LIMITED error, keyed by keyOf', async () => {
    const app = express();
    app.use(
      rateLimit(
        memoryRateLimiter({ perMinute: 6, burst: 1 }),
        { perMinute: 6, burst: 1 },
        (request) => request.header('x-caller') ?? '',
      ),
      (_request, response) => {
        response.json({ data: {} });
      },
    );
    const server = createServer(app).listen(0, '127.0.0.1');
    await once(server, 'listening');
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const send = (caller: string) => fetch(url, { headers: { 'x-caller': caller } });
    try {
      expect((await send('a')).status).toBe(200);
      const refused = await send('a');
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toBe('10');
      expect(await refused.json()).toEqual({
        errors: [
          {
            message: 'Rate limit of 6 requests per minute exceeded; retry in 10 s',
            extensions: { code: 'RATE_LIMITED', limit: 6, retryAfter: 10 },
          },
        ],
      });
      expect((await send('b')).status).toBe(200);
    } finally {
      server.close();
    }
  });
});

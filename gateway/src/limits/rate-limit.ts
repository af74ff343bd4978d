import type { IncomingMessage } from 'node:http';
import type { Request, RequestHandler } from 'express';
import { errorBody, LimitError } from '@plantgraph/errors';

/** Who a request comes from, for per-caller limits: by default the client's IP address. */
export type CallerKey<Caller = Request> = (caller: Caller) => string;

/** The client's address; behind a proxy, set express's `trust proxy` so that `req.ip` is right. */
export const clientAddress = (request: IncomingMessage & { ip?: string | undefined }): string =>
  request.ip ?? request.socket.remoteAddress ?? 'unknown';

export interface RateLimit {
  /** Requests per minute a caller may sustain; 0 turns the limit off. */
  perMinute: number;
  /** Requests a caller may send at once after being quiet. */
  burst: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * Token buckets, one per caller: each holds up to `burst` tokens, refills at `perMinute` and pays
 * one per request. Full buckets are forgotten, so memory follows the callers active in the last
 * `burst / perMinute` minutes.
 */
export class TokenBuckets {
  readonly #buckets = new Map<string, Bucket>();
  readonly #perMs: number;
  #swept = 0;

  constructor(
    private readonly limit: RateLimit,
    private readonly now: () => number = Date.now,
  ) {
    this.#perMs = limit.perMinute / 60_000;
  }

  /** Takes a token for `key`: 0 when granted, else the milliseconds until one is available. */
  take(key: string): number {
    const now = this.now();
    this.#sweep(now);
    const bucket = this.#buckets.get(key) ?? { tokens: this.limit.burst, at: now };
    bucket.tokens = Math.min(this.limit.burst, bucket.tokens + (now - bucket.at) * this.#perMs);
    bucket.at = now;
    this.#buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.ceil((1 - bucket.tokens) / this.#perMs);
  }

  /** Callers currently tracked. */
  get size(): number {
    return this.#buckets.size;
  }

  /** Drops the buckets that have refilled, at most once a minute. */
  #sweep(now: number): void {
    if (now - this.#swept < 60_000) return;
    this.#swept = now;
    for (const [key, bucket] of this.#buckets) {
      if (bucket.tokens + (now - bucket.at) * this.#perMs >= this.limit.burst) {
        this.#buckets.delete(key);
      }
    }
  }
}

/**
 * Express middleware limiting each caller (`keyOf`, by default the client IP) to `perMinute`
 * requests with bursts of `burst`. Refused requests get HTTP 429 with `Retry-After` (seconds,
 * RFC 9110 §10.2.3) and a GraphQL error RATE_LIMITED whose `extensions.retryAfter` says the same.
 */
export function rateLimit(limit: RateLimit, keyOf: CallerKey = clientAddress): RequestHandler {
  const buckets = new TokenBuckets(limit);
  return (request, response, next) => {
    const wait = buckets.take(keyOf(request));
    if (wait === 0) {
      next();
      return;
    }
    const retryAfter = Math.ceil(wait / 1000);
    const error = new LimitError(
      'RATE_LIMITED',
      `Rate limit of ${limit.perMinute} requests per minute exceeded; retry in ${retryAfter} s`,
      { limit: limit.perMinute, retryAfter },
    );
    response.status(error.httpStatus).set('Retry-After', String(retryAfter)).json(errorBody(error));
  };
}

import type { Request, RequestHandler, Response } from 'express';
import { errorBody, LimitError, type PlantgraphError } from '@plantgraph/errors';

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

/** A rate limit's counts, in this process or shared by every gateway (./limit-store.ts). */
export interface RateLimiter {
  /** Takes one request for `key`: 0 when granted, else the milliseconds until one is. */
  take(key: string): Promise<number>;
}

/** Token buckets in this process's memory. */
export function memoryRateLimiter(limit: RateLimit): RateLimiter {
  const buckets = new TokenBuckets(limit);
  return { take: (key) => Promise.resolve(buckets.take(key)) };
}

/** RATE_LIMITED, telling in `extensions.retryAfter` the seconds until a retry can succeed. */
export function rateLimited(
  message: (retryAfter: number) => string,
  limit: number,
  waitMs: number,
): LimitError {
  const retryAfter = Math.max(1, Math.ceil(waitMs / 1000));
  return new LimitError('RATE_LIMITED', message(retryAfter), { limit, retryAfter });
}

/**
 * A refusal as the HTTP response: its status, and for RATE_LIMITED `Retry-After` (seconds,
 * RFC 9110 §10.2.3), with a GraphQL error body.
 */
export function sendRefusal(response: Response, error: PlantgraphError): void {
  const { retryAfter } = error.extensions;
  if (typeof retryAfter === 'number') response.set('Retry-After', String(retryAfter));
  response.status(error.httpStatus).json(errorBody(error));
}

/**
 * Express middleware limiting each caller (`keyOf`: the authenticated caller, see
 * ./caller-admission.ts) to `perMinute` requests with bursts of `burst`.
 */
export function rateLimit(
  limiter: RateLimiter,
  limit: RateLimit,
  keyOf: (request: Request, response: Response) => string,
): RequestHandler {
  return (request, response, next) => {
    limiter.take(keyOf(request, response)).then((wait) => {
      if (wait === 0) {
        next();
        return;
      }
      const error = rateLimited(
        (retryAfter) =>
          `Rate limit of ${limit.perMinute} requests per minute exceeded; retry in ${retryAfter} s`,
        limit.perMinute,
        wait,
      );
      sendRefusal(response, error);
    }, next);
  };
}

import type { Logger } from '@plantgraph/config';
import { Counter, Gauge, Registry } from 'prom-client';
import { memoryRateLimiter, type RateLimit, type RateLimiter } from './rate-limit.ts';
import { SubscriptionQuota } from './subscription-quota.ts';

/** Concurrent subscriptions per caller, counted in this process or across every gateway. */
export interface SubscriptionSlots {
  readonly maxPerCaller: number;
  /** Takes a slot for `key`: the function that gives it back (once), or undefined when full. */
  acquire(key: string): Promise<(() => void) | undefined>;
}

/**
 * Where the gateway's per-caller counts live: this process's memory, or Redis (REDIS_URL) so that
 * every gateway replica counts against one limit. See docs/reliability.md#limits-across-replicas.
 */
export interface LimitStore {
  readonly kind: 'memory' | 'redis';
  /** A rate limit; `name` keeps the counts of different limits apart. */
  rateLimiter(name: string, limit: RateLimit): RateLimiter;
  subscriptionSlots(maxPerCaller: number): SubscriptionSlots;
  /** The store's health on /metrics. */
  readonly registry: Registry;
  close(): Promise<void>;
}

export interface LimitStoreOptions {
  /** Redis shared by the gateway replicas; unset: this process's memory. */
  redisUrl?: string;
  logger: Logger;
  /** Prefix of every Redis key, so that several graphs may share one Redis. */
  keyPrefix?: string;
  /** How long a stopped gateway's subscriptions still count in Redis (default 30 s). */
  subscriptionLeaseMs?: number;
}

/**
 * Whether the shared store answers, for the log and /metrics. Limits fail open to this process's
 * counts while it does not, so a Redis outage degrades the limits to per-gateway ones instead of
 * refusing the plant's traffic; the gauge and the log make that visible.
 */
export class LimitStoreHealth {
  #up = true;
  readonly registry = new Registry();
  readonly #upGauge: Gauge;
  readonly #failures: Counter;

  constructor(
    readonly kind: 'memory' | 'redis',
    private readonly logger: Logger,
  ) {
    this.#upGauge = new Gauge({
      name: 'plantgraph_gateway_limit_store_up',
      help: 'Whether the store of rate limits and subscription quotas answers (1) or the gateway counts alone (0).',
      labelNames: ['store'],
      registers: [this.registry],
    });
    this.#failures = new Counter({
      name: 'plantgraph_gateway_limit_store_failures_total',
      help: 'Limit checks that fell back to this gateway alone because the shared store failed.',
      labelNames: ['store'],
      registers: [this.registry],
    });
    this.#upGauge.set({ store: kind }, 1);
    this.#failures.inc({ store: kind }, 0);
  }

  get up(): boolean {
    return this.#up;
  }

  /** A limit check could not use the store and fell back to this gateway's counts. */
  failed(error: unknown): void {
    this.#failures.inc({ store: this.kind });
    this.lost(error);
  }

  /** The connection to the store failed. */
  lost(error: unknown): void {
    if (!this.#up) return;
    this.#up = false;
    this.#upGauge.set({ store: this.kind }, 0);
    this.logger.error(
      { err: error },
      'limit store unreachable: rate limits and subscription quotas count per gateway until it answers',
    );
  }

  answered(): void {
    if (this.#up) return;
    this.#up = true;
    this.#upGauge.set({ store: this.kind }, 1);
    this.logger.info('limit store answers again: limits are shared by the gateways');
  }
}

/** Subscription slots counted in this process. */
export function memorySubscriptionSlots(maxPerCaller: number): SubscriptionSlots {
  const quota = new SubscriptionQuota(maxPerCaller);
  return { maxPerCaller, acquire: (key) => Promise.resolve(quota.acquire(key)) };
}

function memoryLimitStore(logger: Logger): LimitStore {
  const health = new LimitStoreHealth('memory', logger);
  return {
    kind: 'memory',
    rateLimiter: (_name, limit) => memoryRateLimiter(limit),
    subscriptionSlots: memorySubscriptionSlots,
    registry: health.registry,
    close: () => Promise.resolve(),
  };
}

/** The store by `redisUrl`; the Redis client is loaded only when one is configured. */
export async function openLimitStore(options: LimitStoreOptions): Promise<LimitStore> {
  if (!options.redisUrl) return memoryLimitStore(options.logger);
  const { openRedisLimitStore } = await import('./redis-limit-store.ts');
  return openRedisLimitStore({ ...options, redisUrl: options.redisUrl });
}

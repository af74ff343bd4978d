import { createHash, randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import {
  LimitStoreHealth,
  type LimitStore,
  type LimitStoreOptions,
  type SubscriptionSlots,
} from './limit-store.ts';
import { TokenBuckets, type RateLimit, type RateLimiter } from './rate-limit.ts';

/** How long a gateway's share of the subscription counts outlives its last refresh. */
export const SUBSCRIPTION_LEASE_MS = 30_000;

/**
 * Sets one gateway's count of a caller's subscriptions (`held`) after pruning the counts of
 * gateways whose lease ran out (they stopped without saying so); with `max` > 0 it first checks
 * that the sum over every gateway stays within `max`, and changes nothing when it would not.
 * KEYS: the counts (hash gateway → held), the leases (sorted set gateway → expiry, Redis time).
 * ARGV: gateway, held, lease ms, max. Returns 1 when set, 0 when refused.
 */
const SET_SUBSCRIPTION_COUNT = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local lease = tonumber(ARGV[3])
for _, gateway in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now)) do
  redis.call('HDEL', KEYS[1], gateway)
end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
local held = tonumber(ARGV[2])
local max = tonumber(ARGV[4])
if max > 0 then
  local total = held
  local counts = redis.call('HGETALL', KEYS[1])
  for i = 1, #counts, 2 do
    if counts[i] ~= ARGV[1] then total = total + tonumber(counts[i + 1]) end
  end
  if total > max then return 0 end
end
if held > 0 then
  redis.call('HSET', KEYS[1], ARGV[1], held)
  redis.call('ZADD', KEYS[2], now + lease, ARGV[1])
else
  redis.call('HDEL', KEYS[1], ARGV[1])
  redis.call('ZREM', KEYS[2], ARGV[1])
end
if redis.call('HLEN', KEYS[1]) == 0 then
  redis.call('DEL', KEYS[1], KEYS[2])
else
  redis.call('PEXPIRE', KEYS[1], lease)
  redis.call('PEXPIRE', KEYS[2], lease)
end
return 1
`;

interface SubscriptionCountCommand {
  setSubscriptionCount(
    counts: string,
    leases: string,
    gateway: string,
    held: number,
    leaseMs: number,
    max: number,
  ): Promise<number>;
}

type LimitRedis = Redis & SubscriptionCountCommand;

/**
 * A rate limit in Redis (rate-limiter-flexible, atomic): `burst` requests per window of
 * `burst / perMinute` minutes, which is the token bucket's average rate. When Redis fails, this
 * gateway's own token buckets decide.
 */
function redisRateLimiter(
  client: Redis,
  health: LimitStoreHealth,
  keyPrefix: string,
  limit: RateLimit,
): RateLimiter {
  const limiter = new RateLimiterRedis({
    storeClient: client,
    keyPrefix,
    points: limit.burst,
    duration: Math.max(1, Math.ceil((limit.burst * 60) / limit.perMinute)),
    // A caller over its limit is refused from memory until its window ends: a flood costs Redis
    // one round trip per gateway and window, not one per request.
    inMemoryBlockOnConsumed: limit.burst + 1,
    rejectIfRedisNotReady: true,
  });
  const fallback = new TokenBuckets(limit);
  return {
    async take(key) {
      try {
        await limiter.consume(key);
        health.answered();
        return 0;
      } catch (refusal) {
        if (refusal instanceof RateLimiterRes) {
          health.answered();
          return Math.max(1, refusal.msBeforeNext);
        }
        health.failed(refusal);
        return fallback.take(key);
      }
    },
  };
}

/**
 * Each caller's subscriptions summed over the gateways: every gateway keeps its own count per
 * caller in Redis under a lease it refreshes, so the count of a gateway that died without
 * releasing disappears after SUBSCRIPTION_LEASE_MS instead of holding slots forever. A gateway
 * only ever writes its own count, and sends each change in order on one connection, so the stored
 * value is what it holds. When Redis fails, the gateway admits by its own count alone.
 */
class SharedSubscriptionSlots implements SubscriptionSlots {
  readonly #held = new Map<string, number>();
  readonly #gateway = randomUUID();
  readonly #refresh: NodeJS.Timeout;

  constructor(
    private readonly client: LimitRedis,
    private readonly health: LimitStoreHealth,
    private readonly keyPrefix: string,
    readonly maxPerCaller: number,
    private readonly leaseMs = SUBSCRIPTION_LEASE_MS,
  ) {
    this.#refresh = setInterval(() => {
      for (const [key, held] of this.#held) void this.#store(key, held, 0);
    }, leaseMs / 3);
    this.#refresh.unref();
  }

  async acquire(key: string): Promise<(() => void) | undefined> {
    const held = (this.#held.get(key) ?? 0) + 1;
    if (held > this.maxPerCaller) return undefined;
    this.#held.set(key, held);
    const admitted = await this.#store(key, held, this.maxPerCaller);
    if (!admitted) {
      this.#change(key, -1);
      return undefined;
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#change(key, -1);
    };
  }

  close(): void {
    clearInterval(this.#refresh);
  }

  #change(key: string, delta: number): void {
    const held = (this.#held.get(key) ?? 0) + delta;
    if (held > 0) this.#held.set(key, held);
    else this.#held.delete(key);
    void this.#store(key, held, 0);
  }

  /** Stores this gateway's count; whether it was admitted (always, when Redis failed). */
  async #store(key: string, held: number, max: number): Promise<boolean> {
    const caller = createHash('sha256').update(key).digest('base64url');
    const base = `${this.keyPrefix}subscriptions:{${caller}}`;
    try {
      const set = await this.client.setSubscriptionCount(
        `${base}:held`,
        `${base}:leases`,
        this.#gateway,
        held,
        this.leaseMs,
        max,
      );
      this.health.answered();
      return set === 1;
    } catch (error) {
      this.health.failed(error);
      return true;
    }
  }
}

export async function openRedisLimitStore(
  options: LimitStoreOptions & { redisUrl: string },
): Promise<LimitStore> {
  const { logger, keyPrefix = 'plantgraph:' } = options;
  const health = new LimitStoreHealth('redis', logger);
  const client = new Redis(options.redisUrl, {
    // A limit check must not wait for a Redis that is away: fail at once and count locally.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: 1_000,
    connectTimeout: 2_000,
  }) as LimitRedis;
  client.defineCommand('setSubscriptionCount', { numberOfKeys: 2, lua: SET_SUBSCRIPTION_COUNT });
  client.on('error', (error: unknown) => health.lost(error));
  client.on('ready', () => health.answered());
  // Start with the connection up when Redis is there; without it the gateway serves regardless.
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 2_000);
    client.once('ready', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  const slots: SharedSubscriptionSlots[] = [];
  return {
    kind: 'redis',
    rateLimiter: (name, limit) =>
      redisRateLimiter(client, health, `${keyPrefix}rate:${name}`, limit),
    subscriptionSlots(maxPerCaller) {
      const shared = new SharedSubscriptionSlots(
        client,
        health,
        keyPrefix,
        maxPerCaller,
        options.subscriptionLeaseMs,
      );
      slots.push(shared);
      return shared;
    },
    registry: health.registry,
    async close() {
      for (const shared of slots) shared.close();
      await client.quit().catch(() => client.disconnect());
    },
  };
}

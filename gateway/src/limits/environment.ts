import { resolve } from 'node:path';
import { ConfigError } from '@plantgraph/config';
import { callerDirectory } from '@plantgraph/service';
import { z } from 'zod';
import { EXPLORERS, type Explorer } from '../explorer/explorer.ts';
import { parseProxy } from './client-address.ts';
import { DEFAULT_LIMITS, type GatewayLimits } from './limits.ts';
import { OperationsAllowList } from './operations-allowlist.ts';
import { parseByteSize } from './request-body.ts';

const count = (fallback: number, min = 1) => z.coerce.number().int().min(min).default(fallback);

/** "true"/"false", unset (or empty) meaning "decide by the mode". */
const flag = () =>
  z.preprocess(
    (value) => (value === '' ? undefined : value),
    z
      .enum(['true', 'false'])
      .optional()
      .transform((value) => (value === undefined ? undefined : value === 'true')),
  );

/**
 * The gateway's limits as environment variables, for `loadConfig`; docs/security.md describes
 * each. Spread into a process's config shape, then hand the result to `limitsFromEnvironment`.
 */
export const limitsEnvironment = {
  NODE_ENV: z
    .string()
    .default('development')
    .describe('production turns the explorer and introspection off'),
  PLANTGRAPH_MODE: z
    .enum(['development', 'production'])
    .optional()
    .describe('development or production; overrides NODE_ENV'),
  PLANTGRAPH_INTROSPECTION: flag().describe('true/false; unset = on when an explorer is served'),
  PLANTGRAPH_EXPLORER: z
    .preprocess(
      (value) => (value === '' ? undefined : value),
      z.enum(EXPLORERS, { error: 'must be sandbox, local or off' }).optional(),
    )
    .describe('sandbox (Apollo Sandbox), local (GraphiQL served by the gateway) or off'),
  PLANTGRAPH_SANDBOX: flag().describe(
    'true/false: the explorer on or off (Sandbox in development, local in production)',
  ),
  PLANTGRAPH_MAX_DEPTH: count(DEFAULT_LIMITS.maxDepth).describe('deepest selection allowed'),
  PLANTGRAPH_MAX_COST: count(DEFAULT_LIMITS.maxCost).describe('highest estimated cost allowed'),
  PLANTGRAPH_MAX_BODY_SIZE: z
    .string()
    .default(String(DEFAULT_LIMITS.maxBodyBytes))
    .transform((text, context) => {
      const bytes = parseByteSize(text);
      if (bytes === undefined) {
        context.addIssue({
          code: 'custom',
          message: 'must be a size such as 1048576, 512kb or 1mb',
        });
        return z.NEVER;
      }
      return bytes;
    })
    .describe('largest request body, e.g. 1mb'),
  PLANTGRAPH_RATE_LIMIT: count(DEFAULT_LIMITS.rateLimit.perMinute, 0).describe(
    'requests per minute per caller (API key, JWT subject); 0 = off',
  ),
  PLANTGRAPH_RATE_LIMIT_BURST: count(DEFAULT_LIMITS.rateLimit.burst).describe(
    'requests a caller may burst',
  ),
  PLANTGRAPH_FAILED_AUTH_LIMIT: count(
    DEFAULT_LIMITS.failedAuthenticationLimit.perMinute,
    0,
  ).describe('failed authentications per minute per client address; 0 = off'),
  PLANTGRAPH_FAILED_AUTH_BURST: count(DEFAULT_LIMITS.failedAuthenticationLimit.burst).describe(
    'failed authentications a client address may burst',
  ),
  PLANTGRAPH_TRUSTED_PROXIES: z
    .string()
    .optional()
    .transform((text, context) => {
      const entries = (text ?? '')
        .split(',')
        .map((entry) => entry.trim())
        .filter((entry) => entry !== '');
      const invalid = entries.filter((entry) => parseProxy(entry) === undefined);
      if (invalid.length > 0) {
        context.addIssue({
          code: 'custom',
          message: `${invalid.map((entry) => `"${entry}"`).join(', ')} is not an IP address or CIDR network (e.g. 10.0.0.7, 10.0.0.0/8, fd00::/8)`,
        });
        return z.NEVER;
      }
      return entries;
    })
    .describe('proxies whose X-Forwarded-For is believed: IPs and CIDRs, comma-separated'),
  REDIS_URL: z
    .preprocess(
      (value) => (value === '' ? undefined : value),
      z
        .string()
        .regex(/^rediss?:\/\/\S+$/, 'must be a redis:// or rediss:// URL')
        .optional(),
    )
    .describe('Redis the gateway replicas share rate limits and quotas in; unset = memory'),
  PLANTGRAPH_REVOCATION_CHECK_MS: z.coerce
    .number()
    .int()
    .min(100)
    .max(30_000)
    .default(DEFAULT_LIMITS.revocationCheckMs)
    .describe('how often open WebSockets are checked for revoked API keys, ms (at most 30000)'),
  PLANTGRAPH_MAX_SUBSCRIPTIONS_PER_CALLER: count(DEFAULT_LIMITS.maxSubscriptionsPerCaller).describe(
    'open subscriptions per caller',
  ),
  PLANTGRAPH_OPERATIONS_ALLOWLIST: z
    .string()
    .optional()
    .describe('allow-list file; set = only listed operations run'),
};

type LimitsEnvironment = z.infer<z.ZodObject<typeof limitsEnvironment>>;

export interface GatewayLimitOptions {
  /** What GET /graphql shows a browser. */
  explorer: Explorer;
  /** Answer introspection queries. */
  introspection: boolean;
  limits: GatewayLimits;
}

/**
 * Which explorer GET /graphql serves. PLANTGRAPH_EXPLORER names it; PLANTGRAPH_SANDBOX, which
 * predates it, turns the explorer on or off. Unset, the mode decides: Apollo Sandbox in
 * development, none in production, and when turned on in production the gateway's own GraphiQL,
 * since a production network need not reach Apollo's CDN.
 */
function explorerOf(config: LimitsEnvironment, mode: 'development' | 'production'): Explorer {
  const named = config.PLANTGRAPH_EXPLORER;
  const enabled = config.PLANTGRAPH_SANDBOX;
  if (named !== undefined && enabled !== undefined && (named !== 'off') !== enabled) {
    throw new ConfigError([
      `PLANTGRAPH_EXPLORER: ${named} contradicts PLANTGRAPH_SANDBOX=${String(enabled)}; set PLANTGRAPH_EXPLORER alone`,
    ]);
  }
  if (named !== undefined) return named;
  if (!(enabled ?? mode !== 'production')) return 'off';
  return mode === 'production' ? 'local' : 'sandbox';
}

/**
 * Gateway options from the environment. Production mode (NODE_ENV=production or
 * PLANTGRAPH_MODE=production, the latter winning) turns the explorer and introspection off unless
 * PLANTGRAPH_EXPLORER (or PLANTGRAPH_SANDBOX) / PLANTGRAPH_INTROSPECTION say otherwise;
 * introspection follows the explorer, which cannot work without it. Reads the allow-list file,
 * relative to `cwd`.
 */
export function limitsFromEnvironment(
  config: LimitsEnvironment,
  cwd = callerDirectory(),
): GatewayLimitOptions {
  const mode =
    config.PLANTGRAPH_MODE ?? (config.NODE_ENV === 'production' ? 'production' : 'development');
  const explorer = explorerOf(config, mode);
  const allowListPath = config.PLANTGRAPH_OPERATIONS_ALLOWLIST;
  return {
    explorer,
    introspection: config.PLANTGRAPH_INTROSPECTION ?? explorer !== 'off',
    limits: {
      ...DEFAULT_LIMITS,
      maxDepth: config.PLANTGRAPH_MAX_DEPTH,
      maxCost: config.PLANTGRAPH_MAX_COST,
      maxBodyBytes: config.PLANTGRAPH_MAX_BODY_SIZE,
      rateLimit: {
        perMinute: config.PLANTGRAPH_RATE_LIMIT,
        burst: config.PLANTGRAPH_RATE_LIMIT_BURST,
      },
      failedAuthenticationLimit: {
        perMinute: config.PLANTGRAPH_FAILED_AUTH_LIMIT,
        burst: config.PLANTGRAPH_FAILED_AUTH_BURST,
      },
      maxSubscriptionsPerCaller: config.PLANTGRAPH_MAX_SUBSCRIPTIONS_PER_CALLER,
      revocationCheckMs: config.PLANTGRAPH_REVOCATION_CHECK_MS,
      ...(config.PLANTGRAPH_TRUSTED_PROXIES.length > 0
        ? { trustedProxies: config.PLANTGRAPH_TRUSTED_PROXIES }
        : {}),
      ...(config.REDIS_URL ? { redisUrl: config.REDIS_URL } : {}),
      ...(allowListPath
        ? { allowList: OperationsAllowList.load(resolve(cwd, allowListPath)) }
        : {}),
    },
  };
}

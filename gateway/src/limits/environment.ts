import { resolve } from 'node:path';
import { callerDirectory } from '@plantgraph/service';
import { z } from 'zod';
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
    .describe('production turns Sandbox and introspection off'),
  PLANTGRAPH_MODE: z
    .enum(['development', 'production'])
    .optional()
    .describe('development or production; overrides NODE_ENV'),
  PLANTGRAPH_INTROSPECTION: flag().describe('true/false; unset = follows Sandbox'),
  PLANTGRAPH_SANDBOX: flag().describe('serve Apollo Sandbox; unset = on outside production'),
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
    'requests per minute per client; 0 = off',
  ),
  PLANTGRAPH_RATE_LIMIT_BURST: count(DEFAULT_LIMITS.rateLimit.burst).describe(
    'requests a client may burst',
  ),
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
  /** Serve Apollo Sandbox on GET /graphql. */
  sandbox: boolean;
  /** Answer introspection queries. */
  introspection: boolean;
  limits: GatewayLimits;
}

/**
 * Gateway options from the environment. Production mode (NODE_ENV=production or
 * PLANTGRAPH_MODE=production, the latter winning) turns Sandbox and introspection off unless
 * PLANTGRAPH_SANDBOX / PLANTGRAPH_INTROSPECTION say otherwise; introspection follows Sandbox,
 * which cannot work without it. Reads the allow-list file, relative to `cwd`.
 */
export function limitsFromEnvironment(
  config: LimitsEnvironment,
  cwd = callerDirectory(),
): GatewayLimitOptions {
  const mode =
    config.PLANTGRAPH_MODE ?? (config.NODE_ENV === 'production' ? 'production' : 'development');
  const sandbox = config.PLANTGRAPH_SANDBOX ?? mode !== 'production';
  const allowListPath = config.PLANTGRAPH_OPERATIONS_ALLOWLIST;
  return {
    sandbox,
    introspection: config.PLANTGRAPH_INTROSPECTION ?? sandbox,
    limits: {
      ...DEFAULT_LIMITS,
      maxDepth: config.PLANTGRAPH_MAX_DEPTH,
      maxCost: config.PLANTGRAPH_MAX_COST,
      maxBodyBytes: config.PLANTGRAPH_MAX_BODY_SIZE,
      rateLimit: {
        perMinute: config.PLANTGRAPH_RATE_LIMIT,
        burst: config.PLANTGRAPH_RATE_LIMIT_BURST,
      },
      maxSubscriptionsPerCaller: config.PLANTGRAPH_MAX_SUBSCRIPTIONS_PER_CALLER,
      ...(allowListPath
        ? { allowList: OperationsAllowList.load(resolve(cwd, allowListPath)) }
        : {}),
    },
  };
}

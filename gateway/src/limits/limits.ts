import type { ApolloServerPlugin } from '@apollo/server';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { GraphQLSchema } from 'graphql';
import type { Logger } from '@plantgraph/config';
import type { Authenticate } from '../authentication.ts';
import {
  admitCallers,
  callerAdmission,
  rateLimitKeyOf,
  type AdmitCaller,
} from './caller-admission.ts';
import { clientAddressOf, type ClientAddress } from './client-address.ts';
import type { LimitStore } from './limit-store.ts';
import { DEFAULT_COST_MODEL } from './operation-cost.ts';
import { operationLimitsPlugin, type OperationLimits } from './operation-limits.ts';
import { allowListedOperations, type OperationsAllowList } from './operations-allowlist.ts';
import { rateLimit, type RateLimit } from './rate-limit.ts';
import { readJsonBody } from './request-body.ts';
import { subscriptionLimits, type SubscriptionLimits } from './subscription-limits.ts';

/** What one caller and one operation may ask of the gateway. */
export interface GatewayLimits extends OperationLimits {
  /** Largest request body (HTTP) and WebSocket message, in bytes. */
  maxBodyBytes: number;
  /** Requests per authenticated caller over HTTP; `perMinute: 0` turns it off. */
  rateLimit: RateLimit;
  /**
   * Failed authentications per client address, over HTTP and WebSocket; `perMinute: 0` turns it
   * off. Larger than `rateLimit`: every caller behind one proxy or NAT shares it.
   */
  failedAuthenticationLimit: RateLimit;
  /** Proxies (addresses, CIDR networks) whose X-Forwarded-For names the client's address. */
  trustedProxies?: readonly string[];
  /** Subscriptions a caller may hold open at once. */
  maxSubscriptionsPerCaller: number;
  /** When set, only these operations run, over HTTP and WebSocket. */
  allowList?: OperationsAllowList;
  /** Redis the gateway replicas share their counts in; unset: each counts in its own memory. */
  redisUrl?: string;
  /** How often the API keys of open WebSockets are checked for revocation, in milliseconds. */
  revocationCheckMs: number;
}

export const DEFAULT_LIMITS: GatewayLimits = {
  maxDepth: 12,
  maxCost: 100_000,
  costModel: DEFAULT_COST_MODEL,
  maxBodyBytes: 1024 * 1024,
  rateLimit: { perMinute: 1200, burst: 200 },
  failedAuthenticationLimit: { perMinute: 2400, burst: 400 },
  maxSubscriptionsPerCaller: 1000,
  revocationCheckMs: 15_000,
};

/** The gateway's limits, as the pieces its HTTP and WebSocket servers are built from. */
export interface GatewayLimitHandlers {
  /**
   * Express handlers before Apollo's on /graphql: authentication (with the failed-authentication
   * limit), the per-caller rate limit, JSON body, allow-list.
   */
  http: (RequestHandler | ErrorRequestHandler)[];
  /** Express handlers of a further endpoint with a rate-limit budget of its own, by `name`. */
  endpoint(name: string): RequestHandler[];
  /** Apollo Server plugins: depth and cost. */
  plugins: ApolloServerPlugin[];
  subscriptions: SubscriptionLimits;
  /** Authenticates a caller, counting refusals against its address. */
  admit: AdmitCaller;
  clientAddress: ClientAddress;
}

export function gatewayLimits(
  limits: GatewayLimits,
  apiSchema: GraphQLSchema,
  {
    store,
    authenticate,
    logger,
  }: { store: LimitStore; authenticate: Authenticate; logger: Logger },
): GatewayLimitHandlers {
  const { allowList } = limits;
  const clientAddress = clientAddressOf(limits.trustedProxies);
  const admit = callerAdmission({
    authenticate,
    failedAuthenticationLimit: limits.failedAuthenticationLimit,
    failedAuthentications: store.rateLimiter(
      'failed-authentication',
      limits.failedAuthenticationLimit,
    ),
    clientAddress,
  });
  const perCaller = (name: string) =>
    limits.rateLimit.perMinute > 0
      ? [
          rateLimit(
            store.rateLimiter(name, limits.rateLimit),
            limits.rateLimit,
            rateLimitKeyOf(clientAddress),
          ),
        ]
      : [];
  return {
    http: [
      admitCallers(admit, logger),
      ...perCaller('graphql'),
      ...readJsonBody(limits.maxBodyBytes),
      ...(allowList ? [allowListedOperations(allowList)] : []),
    ],
    endpoint: (name) => [admitCallers(admit, logger), ...perCaller(name)],
    plugins: [operationLimitsPlugin(limits)],
    subscriptions: subscriptionLimits({
      schema: apiSchema,
      operationLimits: limits,
      slots: store.subscriptionSlots(limits.maxSubscriptionsPerCaller),
      keyOf: (connection) =>
        (connection.extra as { caller?: { key: string } }).caller?.key ??
        `address:${clientAddress(connection.extra.request)}`,
      allowList,
    }),
    admit,
    clientAddress,
  };
}

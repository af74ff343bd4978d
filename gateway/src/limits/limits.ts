import type { ApolloServerPlugin } from '@apollo/server';
import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import type { GraphQLSchema } from 'graphql';
import { DEFAULT_COST_MODEL } from './operation-cost.ts';
import { operationLimitsPlugin, type OperationLimits } from './operation-limits.ts';
import { allowListedOperations, type OperationsAllowList } from './operations-allowlist.ts';
import { rateLimit, type CallerKey, type RateLimit } from './rate-limit.ts';
import { readJsonBody } from './request-body.ts';
import {
  subscriptionLimits,
  type SubscriptionCaller,
  type SubscriptionLimits,
} from './subscription-limits.ts';

/** What one caller and one operation may ask of the gateway. */
export interface GatewayLimits extends OperationLimits {
  /** Largest request body (HTTP) and WebSocket message, in bytes. */
  maxBodyBytes: number;
  /** Requests per caller over HTTP; `perMinute: 0` turns it off. */
  rateLimit: RateLimit;
  /** Who an HTTP request comes from, for the rate limit; by default the client IP. */
  keyOf?: CallerKey<Request>;
  /** Subscriptions a caller may hold open at once. */
  maxSubscriptionsPerCaller: number;
  /** Who holds a subscription; by default the client IP of its connection. */
  subscriptionKeyOf?: CallerKey<SubscriptionCaller>;
  /** When set, only these operations run, over HTTP and WebSocket. */
  allowList?: OperationsAllowList;
}

export const DEFAULT_LIMITS: GatewayLimits = {
  maxDepth: 12,
  maxCost: 100_000,
  costModel: DEFAULT_COST_MODEL,
  maxBodyBytes: 1024 * 1024,
  rateLimit: { perMinute: 1200, burst: 200 },
  maxSubscriptionsPerCaller: 1000,
};

/** The gateway's limits, as the pieces its HTTP and WebSocket servers are built from. */
export interface GatewayLimitHandlers {
  /** Express handlers before Apollo's on /graphql: rate limit, JSON body, allow-list. */
  http: (RequestHandler | ErrorRequestHandler)[];
  /** Apollo Server plugins: depth and cost. */
  plugins: ApolloServerPlugin[];
  subscriptions: SubscriptionLimits;
}

export function gatewayLimits(
  limits: GatewayLimits,
  apiSchema: GraphQLSchema,
): GatewayLimitHandlers {
  const { allowList } = limits;
  return {
    http: [
      ...(limits.rateLimit.perMinute > 0 ? [rateLimit(limits.rateLimit, limits.keyOf)] : []),
      ...readJsonBody(limits.maxBodyBytes),
      ...(allowList ? [allowListedOperations(allowList)] : []),
    ],
    plugins: [operationLimitsPlugin(limits)],
    subscriptions: subscriptionLimits({
      schema: apiSchema,
      operationLimits: limits,
      maxPerCaller: limits.maxSubscriptionsPerCaller,
      keyOf: limits.subscriptionKeyOf,
      allowList,
    }),
  };
}

import {
  GraphQLError,
  parse,
  validate,
  type DocumentNode,
  type ExecutionArgs,
  type GraphQLSchema,
} from 'graphql';
import type { ConnectionInitMessage, Context, ServerOptions, SubscribePayload } from 'graphql-ws';
import type { Extra } from 'graphql-ws/use/ws';
import { LimitError } from '@plantgraph/errors';
import { checkOperationLimits, type OperationLimits } from './operation-limits.ts';
import type { OperationsAllowList } from './operations-allowlist.ts';
import type { SubscriptionSlots } from './limit-store.ts';
import { releasingOnEnd } from './subscription-quota.ts';

/** A graphql-ws connection: its upgrade request, `connection_init` payload and `extra`. */
export type SubscriptionCaller = Context<ConnectionInitMessage['payload'], Extra>;

export interface SubscriptionLimitsOptions {
  /** The API schema operations are validated against. */
  schema: GraphQLSchema;
  operationLimits: OperationLimits;
  /** Concurrent subscriptions per caller, in this gateway or across all (./limit-store.ts). */
  slots: SubscriptionSlots;
  /** Who holds a subscription: the caller the connection authenticated as. */
  keyOf: (caller: SubscriptionCaller) => string;
  allowList?: OperationsAllowList;
}

type Subscribe = NonNullable<ServerOptions['subscribe']>;

/** The gateway's limits on graphql-ws operations, as hooks of graphql-ws's server. */
export interface SubscriptionLimits {
  /**
   * graphql-ws `onSubscribe`: admits an operation before anything is planned (allow-list, parse,
   * validation against the API schema, depth and cost); errors go to that operation only.
   */
  onSubscribe(
    caller: SubscriptionCaller,
    id: string,
    payload: SubscribePayload,
  ): ExecutionArgs | readonly GraphQLError[];
  /**
   * Runs `subscribe` holding a slot of the caller's quota until the subscription ends; a caller
   * at its limit gets an error result RATE_LIMITED, and its connection stays open.
   */
  subscribe(args: ExecutionArgs, subscribe: Subscribe): Promise<Awaited<ReturnType<Subscribe>>>;
}

export function subscriptionLimits(options: SubscriptionLimitsOptions): SubscriptionLimits {
  const { schema, allowList, keyOf, slots } = options;
  // onSubscribe parses every document afresh, so a document stands for one subscription.
  const callers = new WeakMap<DocumentNode, string>();
  return {
    onSubscribe(caller, _id, payload) {
      const query = allowList ? allowList.admit(payload) : payload.query;
      if (query instanceof LimitError) return [query];
      let document: DocumentNode;
      try {
        document = parse(query ?? payload.query);
      } catch (error) {
        return [error instanceof GraphQLError ? error : new GraphQLError(String(error))];
      }
      const invalid = validate(schema, document);
      if (invalid.length > 0) return invalid;
      const request = { schema, document, operationName: payload.operationName };
      const tooComplex = checkOperationLimits(
        { ...request, variables: payload.variables },
        options.operationLimits,
      );
      if (tooComplex.length > 0) return tooComplex;
      callers.set(document, keyOf(caller));
      return { ...request, variableValues: payload.variables };
    },
    async subscribe(args, subscribe) {
      const release = await slots.acquire(callers.get(args.document) ?? 'unknown');
      if (!release) {
        const limit = slots.maxPerCaller;
        return {
          errors: [
            new LimitError(
              'RATE_LIMITED',
              `At most ${limit} subscriptions at once per caller; end one to start another`,
              { limit },
            ),
          ],
        };
      }
      try {
        const result = await subscribe(args);
        if (!(Symbol.asyncIterator in result)) {
          release();
          return result;
        }
        return releasingOnEnd(result[Symbol.asyncIterator](), release);
      } catch (error) {
        release();
        throw error;
      }
    },
  };
}

/**
 * graphql-ws server options with the limits applied: `onSubscribe` admits operations, `subscribe`
 * runs within the caller's quota.
 */
export function withSubscriptionLimits<P extends ConnectionInitMessage['payload'], E extends Extra>(
  options: ServerOptions<P, E>,
  limits: SubscriptionLimits,
): ServerOptions<P, E> {
  const { subscribe } = options;
  if (!subscribe) throw new Error("withSubscriptionLimits needs the server's subscribe function");
  return {
    ...options,
    onSubscribe: (caller, id, payload) => limits.onSubscribe(caller, id, payload),
    subscribe: (args) => limits.subscribe(args, subscribe),
  };
}

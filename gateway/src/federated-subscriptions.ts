import {
  buildOperationContext,
  executeQueryPlan,
  RemoteGraphQLDataSource,
  type GraphQLDataSource,
  type ServiceMap,
} from '@apollo/gateway';
import { operationFromDocument, Supergraph } from '@apollo/federation-internals';
import { QueryPlanner, type FetchNode, type PlanNode } from '@apollo/query-planner';
import type { Logger } from '@plantgraph/config';
import { GraphQLError, type DocumentNode, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

/** Events resolved but not yet read by a client before its subscription is ended. */
export const MAX_PENDING_EVENTS = 1000;

const tooSlow = new GraphQLError(
  `The client fell more than ${MAX_PENDING_EVENTS} events behind; subscribe again.`,
  { extensions: { code: 'SERVICE_UNAVAILABLE' } },
);

export interface FederatedSubscriptionsOptions {
  supergraphSdl: string;
  /** HTTP URL overrides per subgraph name; the WebSocket URL is derived from the HTTP one. */
  subgraphUrls?: Record<string, string | undefined>;
  logger: Logger;
}

export interface SubscriptionRequest {
  document: DocumentNode;
  variables: Record<string, unknown>;
  operationName?: string | null;
  /** Per-connection context, forwarded to the subgraphs' data sources. */
  context: Record<string, unknown>;
}

/**
 * Subscriptions across the federated graph. The query planner plans a subscription as a primary
 * fetch to the subgraph owning the root field plus entity fetches for fields owned elsewhere; the
 * primary runs as a graphql-ws subscription upstream, and every event runs the whole plan through
 * the gateway's own executor with the primary fetch answered by the event. Clients never need to
 * know which subgraph owns what.
 */
export class FederatedSubscriptions {
  readonly apiSchema: GraphQLSchema;
  readonly #supergraphSchema: GraphQLSchema;
  readonly #apiSchema;
  readonly #planner: QueryPlanner;
  readonly #serviceMap: ServiceMap;
  readonly #clients = new Map<string, Client>();
  readonly #urls = new Map<string, string>();
  #upstreams = 0;

  constructor(private readonly options: FederatedSubscriptionsOptions) {
    const supergraph = Supergraph.build(options.supergraphSdl);
    this.#apiSchema = supergraph.apiSchema();
    this.apiSchema = this.#apiSchema.toGraphQLJSSchema();
    this.#supergraphSchema = supergraph.schema.toGraphQLJSSchema();
    this.#planner = new QueryPlanner(supergraph);
    for (const subgraph of supergraph.subgraphs().values()) {
      this.#urls.set(subgraph.name, options.subgraphUrls?.[subgraph.name] ?? subgraph.url);
    }
    this.#serviceMap = Object.fromEntries(
      [...this.#urls].map(([name, url]) => [name, new RemoteGraphQLDataSource({ url })]),
    );
  }

  /** Upstream subscriptions currently open (for metrics and leak tests). */
  get upstreamSubscriptions(): number {
    return this.#upstreams;
  }

  /** Runs a subscription; the iterator's `return()` ends the upstream subscription at once. */
  subscribe(request: SubscriptionRequest): AsyncIterableIterator<ExecutionResult> {
    const operation = operationFromDocument(this.#apiSchema, request.document, {
      operationName: request.operationName ?? undefined,
    });
    const plan = this.#planner.buildQueryPlan(operation);
    if (plan.node?.kind !== 'Subscription') {
      throw new GraphQLError('Only subscriptions are served over this connection; use HTTP.');
    }
    const { primary, rest } = plan.node;
    const operationContext = buildOperationContext({
      schema: this.#supergraphSchema,
      operationDocument: request.document,
      operationName: request.operationName ?? undefined,
    });
    const variables = Object.fromEntries(
      (primary.variableUsages ?? []).map((name) => [name, request.variables[name]]),
    );
    const resolve = (event: ExecutionResult) =>
      this.#resolve(request, operationContext, primary, rest, event);
    return this.#stream(primary, variables, resolve);
  }

  /**
   * Events of the primary fetch, each resolved through the rest of the plan, in arrival order.
   * Written as a plain iterator rather than an async generator: a generator waiting for the next
   * event cannot be returned until that event arrives, which would leave the upstream subscription
   * open after the client left.
   */
  #stream(
    primary: FetchNode,
    variables: Record<string, unknown>,
    resolve: (event: ExecutionResult) => Promise<ExecutionResult>,
  ): AsyncIterableIterator<ExecutionResult> {
    const ready: Promise<ExecutionResult | undefined>[] = [];
    const waiting: ((result: IteratorResult<ExecutionResult>) => void)[] = [];
    let done = false;
    const push = (result: Promise<ExecutionResult | undefined>) => {
      const next = waiting.shift();
      if (next) {
        void result.then((value) => next(value ? { value, done: false } : finished));
        return;
      }
      ready.push(result);
      // A client this far behind would only grow our memory: end its subscription, say why.
      if (ready.length > MAX_PENDING_EVENTS && !done) {
        ready.push(Promise.resolve({ errors: [tooSlow] }));
        finish();
      }
    };
    const finish = () => {
      if (done) return;
      done = true;
      this.#upstreams--;
      unsubscribe();
      push(Promise.resolve(undefined));
    };
    this.#upstreams++;
    const unsubscribe = this.#client(primary.serviceName).subscribe<Record<string, unknown>>(
      {
        query: primary.operation,
        variables,
        ...(primary.operationName ? { operationName: primary.operationName } : {}),
      },
      {
        next: (event) => push(resolve(event as ExecutionResult)),
        // graphql-ws reports the subgraph's errors (e.g. invalid arguments) here: they go to
        // this subscription, the client's connection stays.
        error: (error) => {
          push(Promise.resolve({ errors: toErrors(error) }));
          finish();
        },
        complete: finish,
      },
    );
    const finished = { value: undefined, done: true } as const;
    const iterator: AsyncIterableIterator<ExecutionResult> = {
      next: async () => {
        const result = ready.shift();
        if (result) {
          const value = await result;
          return value ? { value, done: false } : finished;
        }
        if (done) return finished;
        return new Promise((settle) => waiting.push(settle));
      },
      return: async () => {
        finish();
        for (const settle of waiting.splice(0)) settle(finished);
        return finished;
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }

  async #resolve(
    request: SubscriptionRequest,
    operationContext: ReturnType<typeof buildOperationContext>,
    primary: FetchNode,
    rest: PlanNode | undefined,
    event: ExecutionResult,
  ): Promise<ExecutionResult> {
    if (!event.data) return { errors: toErrors(event.errors ?? []) };
    const node: PlanNode = rest ? { kind: 'Sequence', nodes: [primary, rest] } : primary;
    const serviceMap: ServiceMap = {
      ...this.#serviceMap,
      [primary.serviceName]: replaying(primary, event, this.#serviceMap[primary.serviceName]),
    };
    const requestContext = {
      request: { query: primary.operation, variables: request.variables },
      context: request.context,
      logger: this.options.logger,
      metrics: {},
      overallCachePolicy: {},
    };
    const result = await executeQueryPlan(
      { kind: 'QueryPlan', node },
      serviceMap,
      requestContext as never,
      operationContext,
      this.#supergraphSchema,
      this.#apiSchema,
    );
    return {
      ...result,
      ...(result.errors ? { errors: toErrors(result.errors) } : {}),
    } as ExecutionResult;
  }

  #client(serviceName: string): Client {
    let client = this.#clients.get(serviceName);
    if (client) return client;
    const url = this.#urls.get(serviceName);
    if (!url) throw new Error(`No URL for subgraph ${serviceName}`);
    client = createClient({
      url: url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      lazy: true,
      // An upstream restart must not end client subscriptions: reconnect and resubscribe.
      retryAttempts: Number.POSITIVE_INFINITY,
      shouldRetry: () => true,
    });
    this.#clients.set(serviceName, client);
    return client;
  }

  async close(): Promise<void> {
    await Promise.all([...this.#clients.values()].map((client) => client.dispose()));
    this.#clients.clear();
  }
}

/** The owning subgraph's data source, except that the primary fetch is answered by the event. */
function replaying(
  primary: FetchNode,
  event: ExecutionResult,
  real: GraphQLDataSource | undefined,
): GraphQLDataSource {
  return {
    process(options) {
      if (options.request.query === primary.operation) {
        return Promise.resolve({ data: event.data ?? null, errors: event.errors } as never);
      }
      if (!real) throw new Error(`No data source for ${primary.serviceName}`);
      return real.process(options);
    },
  };
}

function toErrors(error: unknown): GraphQLError[] {
  const list = Array.isArray(error) ? error : [error];
  return list.map((item: unknown) => {
    if (item instanceof GraphQLError) return item;
    const { message, extensions } = (item ?? {}) as {
      message?: string;
      extensions?: Record<string, unknown>;
    };
    return new GraphQLError(message ?? 'Upstream subscription failed', {
      extensions: extensions ?? { code: 'SERVICE_UNAVAILABLE' },
    });
  });
}

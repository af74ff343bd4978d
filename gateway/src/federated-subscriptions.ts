import {
  buildOperationContext,
  executeQueryPlan,
  type GraphQLDataSource,
  type ServiceMap,
} from '@apollo/gateway';
import { operationFromDocument, Supergraph } from '@apollo/federation-internals';
import { QueryPlanner, type FetchNode, type PlanNode } from '@apollo/query-planner';
import { scopeOf, type Identity } from '@plantgraph/auth';
import type { Logger } from '@plantgraph/config';
import { PlantgraphError } from '@plantgraph/errors';
import { ACKNOWLEDGE, acknowledgement, isAcknowledgement } from '@plantgraph/graph';
import {
  GraphQLError,
  print,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLSchema,
} from 'graphql';
import type { Client } from 'graphql-ws';
import { EntityBatchingDataSource } from './entity-batching.ts';
import { SignedDataSource } from './signed-data-source.ts';
import { signedSubgraphSocket } from './subgraph-socket.ts';
import { deliverTraced } from './subscription-trace.ts';
import { DEFAULT_SUBGRAPH_TIMEOUT_MS, SubgraphReplicas } from './subgraph-replicas.ts';

/** Events resolved but not yet read by a client before its subscription is ended. */
export const MAX_PENDING_EVENTS = 1000;

/** Plans kept for reuse; MES screens send the same few documents over and over. */
const MAX_CACHED_PLANS = 500;

const tooSlow = new PlantgraphError(
  'SERVICE_UNAVAILABLE',
  `The client fell more than ${MAX_PENDING_EVENTS} events behind; subscribe again.`,
);

export interface FederatedSubscriptionsOptions {
  supergraphSdl: string;
  /**
   * Each subgraph's replicas by name, else the supergraph's URL; the WebSocket URL is derived from
   * the HTTP one.
   */
  replicas?: ReadonlyMap<string, SubgraphReplicas>;
  /** The secret identities are signed with for the subgraphs. */
  gatewaySecret: string;
  logger: Logger;
}

export interface SubscriptionRequest {
  document: DocumentNode;
  variables: Record<string, unknown>;
  operationName?: string | null;
  /** The caller; the subgraphs receive it signed and apply its role and sites. */
  identity: Identity;
  /** The client asked for the acknowledgement (subscribe payload `extensions.acknowledge`). */
  acknowledge?: boolean;
}

interface Plan {
  primary: FetchNode;
  rest: PlanNode | undefined;
  operationContext: ReturnType<typeof buildOperationContext>;
}

/** One client's subscription as its shared upstream sees it. */
interface Listener {
  /** The upstream is live: from now on the client misses nothing; counts it, acknowledges it. */
  accept(): void;
  deliver(result: Promise<ExecutionResult>): void;
  /** The upstream was lost: events may go missing until it is live again. */
  lost(): void;
  /** The upstream is live again after a loss. */
  resumed(): void;
  end(last?: ExecutionResult): void;
}

/** An upstream subscription and the clients sharing it. */
interface Upstream {
  listeners: Set<Listener>;
  /** The subgraph acknowledged it and has not been lost since. */
  live: boolean;
  /** The key of the socket it runs on (`#clients`). */
  socket: string;
  unsubscribe(): void;
}

/**
 * Subscriptions across the federated graph. The query planner plans a subscription as a primary
 * fetch to the subgraph owning the root field plus entity fetches for fields owned elsewhere; the
 * primary runs as a graphql-ws subscription upstream, and every event runs the rest of the plan
 * through the gateway's own executor, with the primary fetch answered by the event. Clients never
 * need to know which subgraph owns what.
 *
 * Clients asking the same thing in the same scope share one upstream subscription, so a thousand
 * screens on one machine cost one upstream stream and one resolution per event; entity fetches
 * of events resolved together are batched per subgraph (EntityBatchingDataSource).
 *
 * Readiness (the contract is stated in @plantgraph/graph's subscription-acknowledgement.ts): the
 * gateway subscribes upstream asking for the acknowledgement, and counts an upstream, and accepts
 * the clients sharing it, only once the subgraph's acknowledgement arrived, that is once the
 * subgraph's bus subscription is confirmed. A client that asked for an acknowledgement gets it
 * then, so an event committed after it received `{ extensions: { subscribed: true } }` is
 * delivered. A client joining a live upstream is accepted at once. When the socket to a subgraph
 * closes, its upstreams are lost; graphql-ws reconnects (to the next replica) and resubscribes,
 * the subgraph acknowledges again, and the first message each accepted client gets after that
 * carries `extensions: { gap: true }`, so events missed meanwhile are never skipped silently.
 * A subgraph that never acknowledges (an older release) is taken as live at its first event.
 */
export class FederatedSubscriptions {
  readonly apiSchema: GraphQLSchema;
  readonly #supergraphSchema: GraphQLSchema;
  readonly #apiSchema;
  readonly #planner: QueryPlanner;
  readonly #plans = new Map<string, Plan>();
  readonly #remote = new Map<string, GraphQLDataSource>();
  readonly #serviceMaps = new Map<string, ServiceMap>();
  readonly #upstreams = new Map<string, Upstream>();
  readonly #clients = new Map<string, Client>();
  readonly #replicas = new Map<string, SubgraphReplicas>();
  #subscriptions = 0;

  constructor(private readonly options: FederatedSubscriptionsOptions) {
    const supergraph = Supergraph.build(options.supergraphSdl);
    this.#apiSchema = supergraph.apiSchema();
    this.apiSchema = this.#apiSchema.toGraphQLJSSchema();
    this.#supergraphSchema = supergraph.schema.toGraphQLJSSchema();
    this.#planner = new QueryPlanner(supergraph);
    for (const subgraph of supergraph.subgraphs().values()) {
      const replicas =
        options.replicas?.get(subgraph.name) ??
        new SubgraphReplicas(subgraph.name, subgraph.url, DEFAULT_SUBGRAPH_TIMEOUT_MS);
      this.#replicas.set(subgraph.name, replicas);
      this.#remote.set(subgraph.name, new SignedDataSource(replicas, options.gatewaySecret));
    }
  }

  /** Upstream subscriptions currently open and live (for metrics and leak tests). */
  get upstreamSubscriptions(): number {
    let live = 0;
    for (const upstream of this.#upstreams.values()) if (upstream.live) live++;
    return live;
  }

  /** Client subscriptions currently open and accepted (their upstream was live once). */
  get clientSubscriptions(): number {
    return this.#subscriptions;
  }

  /** Runs a subscription; the iterator's `return()` ends its part of the upstream at once. */
  subscribe(request: SubscriptionRequest): AsyncIterableIterator<ExecutionResult> {
    const text = print(request.document);
    const plan = this.#plan(request.document, text, request.operationName ?? undefined);
    // Callers who may see the same share; the first one's identity resolves for all of them.
    const scope = scopeOf(request.identity);
    const key = JSON.stringify([text, request.operationName ?? null, request.variables, scope]);
    const stream = clientStream({
      acknowledge: request.acknowledge === true,
      onAccept: () => this.#subscriptions++,
      onClose: (accepted) => {
        if (accepted) this.#subscriptions--;
        this.#leave(key, stream.listener);
      },
    });
    const upstream = this.#upstreams.get(key) ?? this.#open(key, plan, request, scope);
    upstream.listeners.add(stream.listener);
    if (upstream.live) stream.listener.accept();
    return stream.iterator;
  }

  #plan(document: DocumentNode, text: string, operationName: string | undefined): Plan {
    const key = `${operationName ?? ''}\n${text}`;
    const cached = this.#plans.get(key);
    if (cached) return cached;
    const operation = operationFromDocument(this.#apiSchema, document, { operationName });
    const { node } = this.#planner.buildQueryPlan(operation);
    if (node?.kind !== 'Subscription') {
      throw new GraphQLError('Only subscriptions are served over this connection; use HTTP.');
    }
    const plan: Plan = {
      primary: node.primary,
      rest: node.rest,
      operationContext: buildOperationContext({
        schema: this.#supergraphSchema,
        operationDocument: document,
        operationName,
      }),
    };
    if (this.#plans.size >= MAX_CACHED_PLANS) this.#plans.clear();
    this.#plans.set(key, plan);
    return plan;
  }

  /** Opens the upstream subscription for `key`; its events reach every listener added later. */
  #open(key: string, plan: Plan, request: SubscriptionRequest, scope: string): Upstream {
    const { primary } = plan;
    const variables = Object.fromEntries(
      (primary.variableUsages ?? []).map((name) => [name, request.variables[name]]),
    );
    const listeners = new Set<Listener>();
    const end = (last?: ExecutionResult) => {
      if (this.#upstreams.get(key) === upstream) this.#upstreams.delete(key);
      for (const listener of [...listeners]) listener.end(last);
    };
    const socket = this.#socketKey(primary.serviceName, request.identity);
    const unsubscribe = this.#client(primary.serviceName, request.identity).subscribe<
      Record<string, unknown>
    >(
      {
        query: primary.operation,
        variables,
        ...(primary.operationName ? { operationName: primary.operationName } : {}),
        extensions: { [ACKNOWLEDGE]: true },
      },
      {
        next: (event) => {
          if (!upstream.live) goLive(upstream);
          if (isAcknowledgement(event)) return;
          // The subgraph's trace context rides in the event's extensions: deliverTraced takes it
          // out before anything reaches a client and, with tracing on, continues its trace.
          const result = deliverTraced(
            event as ExecutionResult,
            { ...request, subgraph: primary.serviceName, clients: listeners.size },
            (own) => this.#resolve(request, plan, scope, own),
          );
          for (const listener of listeners) listener.deliver(result);
        },
        // graphql-ws reports the subgraph's errors (e.g. invalid arguments) here: they go to
        // these subscriptions, the clients' connections stay.
        error: (error) => end({ errors: toErrors(error) }),
        complete: () => end(),
      },
    );
    const upstream: Upstream = { listeners, live: false, socket, unsubscribe };
    this.#upstreams.set(key, upstream);
    return upstream;
  }

  /** The socket to a subgraph closed: every upstream on it is lost until it is acknowledged again. */
  #lost(socket: string): void {
    for (const upstream of this.#upstreams.values()) {
      if (upstream.socket !== socket || !upstream.live) continue;
      upstream.live = false;
      for (const listener of upstream.listeners) listener.lost();
    }
  }

  #leave(key: string, listener: Listener): void {
    const upstream = this.#upstreams.get(key);
    if (!upstream?.listeners.delete(listener) || upstream.listeners.size > 0) return;
    this.#upstreams.delete(key);
    upstream.unsubscribe();
  }

  /** The rest of the plan for one event; a failure becomes an error result, not a thrown one. */
  async #resolve(
    request: SubscriptionRequest,
    { primary, rest, operationContext }: Plan,
    scope: string,
    event: ExecutionResult,
  ): Promise<ExecutionResult> {
    if (!event.data) return { errors: toErrors(event.errors ?? []) };
    const node: PlanNode = rest ? { kind: 'Sequence', nodes: [primary, rest] } : primary;
    const services = this.#services(scope);
    const serviceMap: ServiceMap = {
      ...services,
      [primary.serviceName]: replaying(primary, event, services[primary.serviceName]),
    };
    const requestContext = {
      request: { query: primary.operation, variables: request.variables },
      context: { identity: request.identity },
      logger: this.options.logger,
      metrics: {},
      overallCachePolicy: {},
    };
    try {
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
    } catch (error) {
      this.options.logger.warn({ err: error }, 'A subscription event could not be resolved');
      return { errors: toErrors(error) };
    }
  }

  /** The subgraphs' data sources for one scope, batching entity fetches within it. */
  #services(scope: string): ServiceMap {
    let services = this.#serviceMaps.get(scope);
    if (!services) {
      services = Object.fromEntries(
        [...this.#remote].map(([name, real]) => [name, new EntityBatchingDataSource(real)]),
      );
      this.#serviceMaps.set(scope, services);
    }
    return services;
  }

  #socketKey(serviceName: string, identity: Identity): string {
    return `${serviceName}|${scopeOf(identity)}`;
  }

  /** One socket per subgraph and scope, signed for that scope's identity at every (re)connect. */
  #client(serviceName: string, identity: Identity): Client {
    const key = this.#socketKey(serviceName, identity);
    let client = this.#clients.get(key);
    if (client) return client;
    const replicas = this.#replicas.get(serviceName);
    if (!replicas) throw new Error(`No URL for subgraph ${serviceName}`);
    // Each (re)connect takes the next replica, so a lost replica's subscriptions move over.
    client = signedSubgraphSocket(
      () => replicas.pick().replace(/^http/, 'ws'),
      this.options.gatewaySecret,
      identity,
    );
    client.on('closed', () => this.#lost(key));
    this.#clients.set(key, client);
    return client;
  }

  async close(): Promise<void> {
    for (const upstream of [...this.#upstreams.values()]) {
      for (const listener of [...upstream.listeners]) listener.end();
    }
    await Promise.all([...this.#clients.values()].map((client) => client.dispose()));
    this.#clients.clear();
  }
}

/** An upstream acknowledged by its subgraph: its clients are accepted, or resumed after a loss. */
function goLive(upstream: Upstream): void {
  upstream.live = true;
  for (const listener of upstream.listeners) {
    listener.accept();
    listener.resumed();
  }
}

interface ClientStreamOptions {
  /** Whether the client asked for the acknowledgement. */
  acknowledge: boolean;
  onAccept: () => void;
  onClose: (accepted: boolean) => void;
}

/**
 * One client's stream: results in arrival order, each awaited before the next. Written as a
 * plain iterator rather than an async generator: a generator waiting for the next event cannot
 * be returned until that event arrives, which would keep the upstream open after the client left.
 * A client more than MAX_PENDING_EVENTS behind is ended with an error saying why, so a slow
 * reader costs bounded memory and never holds up the others.
 */
function clientStream({ acknowledge, onAccept, onClose }: ClientStreamOptions): {
  listener: Listener;
  iterator: AsyncIterableIterator<ExecutionResult>;
} {
  const finished = { value: undefined, done: true } as const;
  const ready: Promise<ExecutionResult | undefined>[] = [];
  const waiting: ((result: IteratorResult<ExecutionResult>) => void)[] = [];
  let done = false;
  let accepted = false;
  /** Events may have been missed since the last message: the next one says so. */
  let gap = false;
  const push = (result: Promise<ExecutionResult | undefined>) => {
    const next = waiting.shift();
    if (next) void result.then((value) => next(value ? { value, done: false } : finished));
    else ready.push(result);
  };
  const close = (last?: ExecutionResult) => {
    if (done) return;
    done = true;
    onClose(accepted);
    if (last) push(Promise.resolve(last));
    push(Promise.resolve(undefined));
  };
  const listener: Listener = {
    accept() {
      if (done || accepted) return;
      accepted = true;
      onAccept();
      if (acknowledge) push(Promise.resolve(acknowledgement()));
    },
    deliver(result) {
      if (done) return;
      if (gap) {
        gap = false;
        push(
          result.then((value) => ({ ...value, extensions: { ...value.extensions, gap: true } })),
        );
      } else push(result);
      if (ready.length > MAX_PENDING_EVENTS) close({ errors: [tooSlow] });
    },
    lost() {
      if (accepted) gap = true;
    },
    resumed() {
      if (done || !gap || !acknowledge) return;
      gap = false;
      push(Promise.resolve(acknowledgement(true)));
    },
    end: close,
  };
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
      close();
      ready.length = 0;
      for (const settle of waiting.splice(0)) settle(finished);
      return finished;
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return { listener, iterator };
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
    // The subgraph's own code is relayed as it is; an error without one is the upstream's failure.
    if (extensions)
      return new GraphQLError(message ?? 'Upstream subscription failed', { extensions });
    return new PlantgraphError('SERVICE_UNAVAILABLE', message ?? 'Upstream subscription failed');
  });
}

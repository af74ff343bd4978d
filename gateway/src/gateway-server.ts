import { Supergraph } from '@apollo/federation-internals';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import {
  ApolloServerPluginLandingPageLocalDefault,
  ApolloServerPluginLandingPageProductionDefault,
} from '@apollo/server/plugin/landingPage/default';
import { expressMiddleware } from '@as-integrations/express5';
import type { Logger } from '@plantgraph/config';
import { type RunningServer } from '@plantgraph/graph';
import {
  closeServer,
  createServer,
  databasePoolMetrics,
  listen,
  mountProbes,
  serverSpans,
} from '@plantgraph/service';
import express from 'express';
import { Gauge, Registry } from 'prom-client';
import { WebSocketServer } from 'ws';
import type { Identity, JwtOptions } from '@plantgraph/auth';
import type { Sql } from '@plantgraph/db';
import { AuthenticationError } from '@plantgraph/errors';
import { createAuthenticator } from './authentication.ts';
import { CredentialWatch } from './credential-watch.ts';
import { FederatedSubscriptions } from './federated-subscriptions.ts';
import { GatewayMetrics } from './gateway-metrics.ts';
import { SignedDataSource } from './signed-data-source.ts';
import { gatewayReadiness } from './readiness.ts';
import { subgraphReplicas } from './subgraph-replicas.ts';
import { serveSubscriptions } from './subscription-server.ts';
import { callerOf } from './limits/caller-admission.ts';
import { openLimitStore } from './limits/limit-store.ts';
import { DEFAULT_LIMITS, gatewayLimits, type GatewayLimits } from './limits/limits.ts';
import { exportEndpoint } from './export/export-endpoint.ts';
import { mountLocalExplorer, type Explorer } from './explorer/explorer.ts';

export interface GatewayOptions {
  supergraphSdl: string;
  /**
   * Overrides of the subgraph URLs recorded in the supergraph, by subgraph name; a
   * comma-separated list names a subgraph's replicas.
   */
  subgraphUrls?: Record<string, string | undefined>;
  /** Deadline of one subgraph request (default 30 s). */
  subgraphTimeoutMs?: number;
  port: number;
  host?: string;
  logger: Logger;
  /** Shorthand for `explorer`: true = 'sandbox', false = 'off'. */
  sandbox?: boolean;
  /**
   * What GET /graphql shows a browser: Apollo Sandbox from Apollo's CDN, the gateway's own
   * GraphiQL ('local', no file from elsewhere) or nothing. Wins over `sandbox`.
   */
  explorer?: Explorer;
  /** Answer introspection queries; by default when an explorer is served, which needs them. */
  introspection?: boolean;
  /**
   * Overrides of DEFAULT_LIMITS: depth, cost, body size, rates, subscriptions, allow-list, trusted
   * proxies, the Redis the replicas share counts in, the revocation check of open sockets.
   */
  limits?: Partial<GatewayLimits>;
  /** Further metrics to expose on /metrics. */
  registries?: Registry[];
  /** Signs callers' identities for the subgraphs; they share it and trust nothing else. */
  gatewaySecret: string;
  /** Accept bearer JWTs from this identity provider. */
  jwt?: JwtOptions;
  /** Where API keys are checked and refused authentications audited. */
  sql?: Sql;
  /** How long a verified API key is trusted without asking the database (default 30 s). */
  keyCacheMs?: number;
  /** Rows a Parquet export of `GET /export` may hold (default 10,000,000). */
  maxParquetExportRows?: number;
}

/** The gateway's per-request context: who is calling. */
export interface GatewayContext {
  identity: Identity;
}

/**
 * The federated graph's single endpoint: @apollo/gateway executing query plans over the subgraphs
 * for HTTP, and federated subscriptions over graphql-ws on the same URL.
 */
export async function startGateway(options: GatewayOptions): Promise<RunningServer> {
  const { host = '0.0.0.0', logger, sandbox = true } = options;
  // @apollo/gateway otherwise starts an exporter that reports usage data to Apollo; Plantgraph
  // makes no calls beyond the plant's own network.
  process.env.APOLLO_TELEMETRY_DISABLED = 'true';
  const metrics = new GatewayMetrics();
  const replicas = subgraphReplicas(
    Supergraph.build(options.supergraphSdl).subgraphs().values(),
    options.subgraphUrls,
    options.subgraphTimeoutMs,
    metrics.observeSubgraphFetch,
  );
  const gateway = new ApolloGateway({
    supergraphSdl: options.supergraphSdl,
    logger,
    buildService: ({ name }) => {
      const subgraph = replicas.get(name);
      if (!subgraph) throw new Error(`the supergraph names an unknown subgraph ${name}`);
      return new SignedDataSource(subgraph, options.gatewaySecret);
    },
  });
  const authenticate = createAuthenticator({
    jwt: options.jwt,
    sql: options.sql,
    logger,
    keyCacheMs: options.keyCacheMs,
  });
  const app = express();
  // Answers are POSTed GraphQL results and exports: a hash of every answer for an ETag serves no
  // cache, and costs the gateway CPU on every request.
  app.set('etag', false);
  const httpServer = createServer(app);
  const subscriptions = new FederatedSubscriptions({
    supergraphSdl: options.supergraphSdl,
    replicas,
    gatewaySecret: options.gatewaySecret,
    logger,
  });
  // Limits (./limits, docs/security.md): handlers for HTTP, Apollo and graphql-ws, counting per
  // caller in memory or, with a Redis URL, across the gateway replicas.
  const limits: GatewayLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const limitStore = await openLimitStore({ redisUrl: limits.redisUrl, logger });
  const limitHandlers = gatewayLimits(limits, subscriptions.apiSchema, {
    store: limitStore,
    authenticate,
    logger,
  });
  const credentialWatch = new CredentialWatch({
    sql: options.sql,
    checkEveryMs: limits.revocationCheckMs,
    onRevoked: (ids) => authenticate.forgetKeys(ids),
    logger,
  });
  // Without introspection, "Did you mean ...?" in validation errors would still spell out the
  // schema's field and type names to whoever probes it.
  const explorer = options.explorer ?? (sandbox ? 'sandbox' : 'off');
  const introspection = options.introspection ?? explorer !== 'off';
  const webSockets = new WebSocketServer({
    server: httpServer,
    path: '/graphql',
    maxPayload: limits.maxBodyBytes,
  });
  const stopWebSockets = serveSubscriptions(
    webSockets,
    subscriptions,
    limitHandlers.admit,
    limitHandlers.subscriptions,
    credentialWatch,
    !introspection,
  );
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    introspection,
    hideSchemaDetailsFromClientErrors: !introspection,
    // Apollo's default, stated: GETs and simple POSTs need a header no browser form can send.
    csrfPrevention: true,
    includeStacktraceInErrorResponses: false,
    // The process owns shutdown order (servers, then the database); see closeOnSignals.
    stopOnTerminationSignals: false,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      explorer === 'sandbox'
        ? ApolloServerPluginLandingPageLocalDefault({ embed: true, includeCookies: false })
        : ApolloServerPluginLandingPageProductionDefault({ footer: false }),
      ...limitHandlers.plugins,
      metrics.plugin<GatewayContext>(),
    ],
  });
  await apollo.start();
  mountProbes(app, {
    // Ready once every subgraph has a replica that is ready and the key store answers: a load
    // balancer then sends no traffic to a gateway that could only fail it.
    ready: gatewayReadiness(replicas, options.sql),
    registries: [
      metrics.registry,
      ...(options.sql ? [databasePoolMetrics(options.sql)] : []),
      subscriptionMetrics(subscriptions),
      limitStore.registry,
      credentialWatch.registry,
      ...(options.registries ?? []),
    ],
  });
  // Streaming export (docs/analytics.md#export), authenticated like /graphql and rate-limited
  // per caller like it, in a budget of its own.
  const exports = exportEndpoint({
    sql: options.sql,
    authenticate,
    apollo,
    apiSchema: subscriptions.apiSchema,
    logger,
    maxParquetRows: options.maxParquetExportRows,
  });
  app.get('/export', ...limitHandlers.endpoint('export'), exports.handler);
  if (explorer === 'local') mountLocalExplorer(app);
  app.use(
    '/graphql',
    ...limitHandlers.http,
    serverSpans('@plantgraph/gateway'),
    expressMiddleware(apollo, {
      // The limit handlers authenticated the request; Apollo runs no operation without a caller.
      context: ({ res }) => {
        const caller = callerOf(res);
        if (!caller) throw new AuthenticationError('Not authenticated');
        return Promise.resolve({ identity: caller.identity });
      },
    }),
  );
  const stopLimits = async () => {
    credentialWatch.close();
    await limitStore.close();
  };
  const port = await listen(httpServer, options.port, host, 'PORT').catch(
    async (error: unknown) => {
      await stopWebSockets();
      await subscriptions.close();
      await apollo.stop();
      await stopLimits();
      throw error;
    },
  );
  const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
  return {
    url: `http://${shownHost}:${port}/graphql`,
    port,
    async close() {
      exports.close();
      await stopWebSockets();
      await subscriptions.close();
      await apollo.stop();
      await closeServer(httpServer).catch(() => undefined);
      await stopLimits();
    },
  };
}

/** Subscriptions held open, on /metrics: a leak shows as a count that never falls. */
function subscriptionMetrics(subscriptions: FederatedSubscriptions): Registry {
  const registry = new Registry();
  new Gauge({
    name: 'plantgraph_gateway_subscriptions',
    help: 'Subscriptions of clients connected to the gateway.',
    registers: [registry],
    collect() {
      this.set(subscriptions.clientSubscriptions);
    },
  });
  new Gauge({
    name: 'plantgraph_gateway_upstream_subscriptions',
    help: 'Subscriptions the gateway holds open on subgraphs; clients asking the same share one.',
    registers: [registry],
    collect() {
      this.set(subscriptions.upstreamSubscriptions);
    },
  });
  return registry;
}

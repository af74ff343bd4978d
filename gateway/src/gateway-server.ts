import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import {
  ApolloServerPluginLandingPageLocalDefault,
  ApolloServerPluginLandingPageProductionDefault,
} from '@apollo/server/plugin/landingPage/default';
import { expressMiddleware } from '@as-integrations/express5';
import type { Logger } from '@plantgraph/config';
import {
  closeServer,
  createServer,
  listen,
  mountProbes,
  type RunningServer,
} from '@plantgraph/graph';
import express from 'express';
import { Gauge, Registry } from 'prom-client';
import { WebSocketServer } from 'ws';
import { FederatedSubscriptions } from './federated-subscriptions.ts';
import { serveSubscriptions } from './subscription-server.ts';

export interface GatewayOptions {
  supergraphSdl: string;
  /** Overrides of the subgraph URLs recorded in the supergraph, by subgraph name. */
  subgraphUrls?: Record<string, string | undefined>;
  port: number;
  host?: string;
  logger: Logger;
  /** Serve Apollo Sandbox on GET /graphql and allow introspection (development). */
  sandbox?: boolean;
  /** Further metrics to expose on /metrics. */
  registries?: Registry[];
}

/**
 * The federated graph's single endpoint: @apollo/gateway executing query plans over the subgraphs
 * for HTTP, and federated subscriptions over graphql-ws on the same URL.
 */
export async function startGateway(options: GatewayOptions): Promise<RunningServer> {
  const { host = '0.0.0.0', logger, sandbox = true } = options;
  const gateway = new ApolloGateway({
    supergraphSdl: options.supergraphSdl,
    logger,
    buildService: ({ name, url }) =>
      new RemoteGraphQLDataSource({ url: options.subgraphUrls?.[name] ?? url }),
  });
  const app = express();
  const httpServer = createServer(app);
  const subscriptions = new FederatedSubscriptions({
    supergraphSdl: options.supergraphSdl,
    subgraphUrls: options.subgraphUrls,
    logger,
  });
  const webSockets = new WebSocketServer({ server: httpServer, path: '/graphql' });
  const stopWebSockets = serveSubscriptions(webSockets, subscriptions);
  const apollo = new ApolloServer({
    gateway,
    introspection: sandbox,
    includeStacktraceInErrorResponses: false,
    // The process owns shutdown order (servers, then the database); see closeOnSignals.
    stopOnTerminationSignals: false,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      sandbox
        ? ApolloServerPluginLandingPageLocalDefault({ embed: true, includeCookies: false })
        : ApolloServerPluginLandingPageProductionDefault({ footer: false }),
    ],
  });
  await apollo.start();
  mountProbes(app, {
    registries: [subscriptionMetrics(subscriptions), ...(options.registries ?? [])],
  });
  app.use('/graphql', express.json({ limit: '1mb' }), expressMiddleware(apollo));
  const port = await listen(httpServer, options.port, host, 'PORT').catch(
    async (error: unknown) => {
      await stopWebSockets();
      await subscriptions.close();
      await apollo.stop();
      throw error;
    },
  );
  const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
  return {
    url: `http://${shownHost}:${port}/graphql`,
    port,
    async close() {
      await stopWebSockets();
      await subscriptions.close();
      await apollo.stop();
      await closeServer(httpServer).catch(() => undefined);
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

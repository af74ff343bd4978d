import type { Server } from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import type { GraphQLError, GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import type { Registry } from 'prom-client';
import { WebSocketServer } from 'ws';
import { createContext, type GraphContext, type GraphServices } from './context.ts';
import { createErrorFormatter } from './format-error.ts';
import { closeServer, createServer, listen } from './http-server.ts';
import { databaseAnswers, mountProbes } from './probes.ts';

export interface SubgraphServerOptions {
  name: string;
  schema: GraphQLSchema;
  services: GraphServices;
  port: number;
  host?: string;
  /** The environment variable that sets `port`, named in the error when it is taken. */
  portVariable?: string;
  /** Further metrics to expose on /metrics. */
  registries?: Registry[];
}

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

const ANONYMOUS = { subject: 'anonymous' };

/**
 * Serves one subgraph at `/graphql`: queries and mutations over HTTP, subscriptions over
 * graphql-ws on the same port; with /healthz, /readyz and /metrics.
 */
export async function startSubgraphServer(options: SubgraphServerOptions): Promise<RunningServer> {
  const { services, host = '127.0.0.1' } = options;
  const logger = services.logger.child({ subgraph: options.name });
  const app = express();
  const httpServer = createServer(app);
  const apollo = new ApolloServer<GraphContext>({
    schema: options.schema,
    includeStacktraceInErrorResponses: false,
    // The process owns shutdown order (servers, then the database); see closeOnSignals.
    stopOnTerminationSignals: false,
    formatError: createErrorFormatter(logger),
    // No Apollo Studio here: federated tracing would only add payload to every response.
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginInlineTraceDisabled(),
    ],
  });
  await apollo.start();
  mountProbes(app, { ready: databaseAnswers(services.sql), registries: options.registries });
  app.use(
    '/graphql',
    express.json({ limit: '1mb' }),
    expressMiddleware(apollo, {
      context: async () => createContext({ ...services, logger }, ANONYMOUS),
    }),
  );
  const webSockets = serveSubscriptions(httpServer, options.schema, { ...services, logger });
  const port = await listen(httpServer, options.port, host, options.portVariable ?? 'PORT').catch(
    async (error: unknown) => {
      await webSockets.close();
      await apollo.stop();
      throw error;
    },
  );
  return {
    url: `http://${host}:${port}/graphql`,
    port,
    async close() {
      await webSockets.close();
      await apollo.stop();
      await closeServer(httpServer).catch(() => undefined);
    },
  };
}

/**
 * graphql-ws on the HTTP server's `/graphql` upgrade requests. Every operation gets a fresh
 * context, as over HTTP, and errors pass the same formatter, so internals never reach a client.
 */
function serveSubscriptions(
  httpServer: Server,
  schema: GraphQLSchema,
  services: GraphServices,
): { close(): Promise<void> } {
  const webSocketServer = new WebSocketServer({ server: httpServer, path: '/graphql' });
  const formatError = createErrorFormatter(services.logger);
  const format = (errors: readonly GraphQLError[]) =>
    errors.map((error) => formatError(error.toJSON(), error));
  const graphqlWs = useServer(
    {
      schema,
      context: () => createContext(services, ANONYMOUS),
      onNext: (_context, _id, _payload, _args, result) =>
        result.errors ? { ...result, errors: format(result.errors) } : undefined,
      onError: (_context, _id, _payload, errors) => format(errors),
    },
    webSocketServer,
  );
  return {
    async close() {
      await graphqlWs.dispose();
      // A client that never answers the close handshake must not keep its subscriptions alive.
      for (const socket of webSocketServer.clients) socket.terminate();
    },
  };
}

import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import type { Registry } from 'prom-client';
import type { GraphQLSchema } from 'graphql';
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

/** Serves one subgraph over HTTP at `/graphql`, with /healthz, /readyz and /metrics. */
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
  const port = await listen(httpServer, options.port, host, options.portVariable ?? 'PORT').catch(
    async (error: unknown) => {
      await apollo.stop();
      throw error;
    },
  );
  return {
    url: `http://${host}:${port}/graphql`,
    port,
    async close() {
      await apollo.stop();
      await closeServer(httpServer).catch(() => undefined);
    },
  };
}

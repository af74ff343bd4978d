import type { IncomingMessage, Server } from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
} from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import {
  IDENTITY_HEADER,
  SIGNATURE_HEADER,
  SignatureError,
  WEBSOCKET_SIGNED_BODY,
  verifyIdentity,
  type Identity,
} from '@plantgraph/auth';
import express, { type RequestHandler, type Response } from 'express';
import type { GraphQLError, GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import type { Registry } from 'prom-client';
import { WebSocketServer } from 'ws';
import { createContext, type GraphContext, type GraphServices } from './context.ts';
import { AuthenticationError, errorBody } from './errors.ts';
import { createErrorFormatter } from './format-error.ts';
import { operationSpanPlugin } from './operation-span.ts';
import { tracedNext } from './stream-span.ts';
import { acknowledgedFirst, wantsAcknowledgement } from './subscription-acknowledgement.ts';
import {
  closeServer,
  createServer,
  databaseAnswers,
  databasePoolMetrics,
  listen,
  mountProbes,
  serverSpans,
} from '@plantgraph/service';

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
  /**
   * The secret the gateway signs callers' identities with. Requests without a valid signature
   * are refused (401), so the subgraph answers nobody but the gateway.
   */
  gatewaySecret: string;
}

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Answers 401 with an UNAUTHENTICATED error body. */
function refuse(response: Response, message: string): void {
  const error = new AuthenticationError(`Unauthenticated: ${message}`);
  response.status(error.httpStatus).json(errorBody(error));
}

/**
 * Express middleware admitting only requests the gateway signed; the verified identity is left
 * in `res.locals.identity` for the context.
 */
function gatewaySigned(secret: string): RequestHandler {
  return (request, response, next) => {
    // Only POSTs: a signature covers a body, and a GET has none to cover.
    if (request.method !== 'POST' || (request as RawBodyRequest).rawBody === undefined) {
      refuse(response, 'only signed POST requests are accepted');
      return;
    }
    try {
      response.locals.identity = verifyIdentity(
        secret,
        {
          identity: request.header(IDENTITY_HEADER),
          signature: request.header(SIGNATURE_HEADER),
        },
        (request as RawBodyRequest).rawBody ?? '',
      );
      next();
    } catch (error) {
      if (!(error instanceof SignatureError)) throw error;
      refuse(response, error.message);
    }
  };
}

interface RawBodyRequest extends IncomingMessage {
  rawBody?: string;
}

/**
 * Serves one subgraph at `/graphql`: queries and mutations over HTTP, subscriptions over
 * graphql-ws on the same port; with /healthz, /readyz and /metrics.
 */
export async function startSubgraphServer(options: SubgraphServerOptions): Promise<RunningServer> {
  const { services, host = '127.0.0.1' } = options;
  const logger = services.logger.child({ subgraph: options.name });
  const app = express();
  // Only the gateway calls, with signed POSTs: an ETag (a hash of every answer) serves nobody.
  app.set('etag', false);
  const httpServer = createServer(app);
  const apollo = new ApolloServer<GraphContext>({
    schema: options.schema,
    includeStacktraceInErrorResponses: false,
    // Only the gateway calls, with operations it planned itself; an error it passes on names no
    // field the caller did not write, whatever the gateway's mode.
    hideSchemaDetailsFromClientErrors: true,
    // The process owns shutdown order (servers, then the database); see closeOnSignals.
    stopOnTerminationSignals: false,
    formatError: createErrorFormatter(logger),
    // No Apollo Studio here: federated tracing would only add payload to every response. No
    // cache hints either: no type declares any, yet the default plugin computes a policy in a hook
    // around every field resolved, and the gateway treats a missing header as uncacheable alike.
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginInlineTraceDisabled(),
      ApolloServerPluginCacheControlDisabled(),
      operationSpanPlugin<GraphContext>(),
    ],
  });
  await apollo.start();
  mountProbes(app, {
    ready: databaseAnswers(services.sql),
    registries: [databasePoolMetrics(services.sql), ...(options.registries ?? [])],
  });
  app.use(
    '/graphql',
    express.json({
      limit: '1mb',
      // The signature covers the body as sent.
      verify: (request, _response, buffer) => {
        (request as RawBodyRequest).rawBody = buffer.toString('utf8');
      },
    }),
    // The gateway's trace context arrives in `traceparent`; the span covers refusals too.
    serverSpans(`@plantgraph/${options.name}-subgraph`),
    gatewaySigned(options.gatewaySecret),
    expressMiddleware(apollo, {
      context: async ({ res }) =>
        createContext({ ...services, logger }, res.locals.identity as Identity),
    }),
  );
  const webSockets = serveSubscriptions(
    httpServer,
    options.schema,
    { ...services, logger },
    options.gatewaySecret,
  );
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
 * A subscription asked for an acknowledgement gets it once its source stream exists, which the
 * resolvers create only after the broker confirmed their bus subscription (see
 * subscription-acknowledgement.ts).
 */
function serveSubscriptions(
  httpServer: Server,
  schema: GraphQLSchema,
  services: GraphServices,
  gatewaySecret: string,
): { close(): Promise<void> } {
  const webSocketServer = new WebSocketServer({ server: httpServer, path: '/graphql' });
  const formatError = createErrorFormatter(services.logger);
  const format = (errors: readonly GraphQLError[]) =>
    errors.map((error) => formatError(error.toJSON(), error));
  const graphqlWs = useServer(
    {
      schema,
      // The gateway signs the connection (connection_init payload) with an empty body.
      onConnect: (ctx) => {
        const params = ctx.connectionParams ?? {};
        try {
          (ctx.extra as { identity?: Identity }).identity = verifyIdentity(
            gatewaySecret,
            {
              identity: params[IDENTITY_HEADER] as string | undefined,
              signature: params[SIGNATURE_HEADER] as string | undefined,
            },
            WEBSOCKET_SIGNED_BODY,
          );
          return true;
        } catch (error) {
          if (error instanceof SignatureError) return false;
          throw error;
        }
      },
      context: (ctx) =>
        createContext(services, (ctx.extra as unknown as { identity: Identity }).identity),
      onOperation: (_context, _id, payload, _args, result) =>
        Symbol.asyncIterator in result && wantsAcknowledgement(payload)
          ? acknowledgedFirst(result)
          : undefined,
      onNext: (_context, _id, _payload, args, result) => {
        const formatted = result.errors ? { ...result, errors: format(result.errors) } : undefined;
        // With tracing on, an event's trace context goes to the gateway (stream-span.ts).
        return tracedNext(args.contextValue, args, formatted ?? result) ?? formatted;
      },
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

import type { IncomingMessage } from 'node:http';
import {
  createGatewayRuntime,
  getGraphQLWSOptions,
  Logger as HiveLogger,
  type LogLevel,
} from '@graphql-hive/gateway-runtime';
import httpTransport from '@graphql-mesh/transport-http';
import type { Identity, JwtOptions } from '@plantgraph/auth';
import type { Logger } from '@plantgraph/config';
import type { Sql } from '@plantgraph/db';
import type { RunningServer } from '@plantgraph/graph';
import { closeServer, createServer, listen } from '@plantgraph/service';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  createAuthenticator,
  RefusedCredentials,
  type Authenticate,
  type Caller,
} from '../authentication.ts';
import { CredentialWatch } from '../credential-watch.ts';
import { useGatewayAuthentication } from './hive-authentication.ts';
import { SIGNED_SUBSCRIPTIONS, signedSubscriptions } from './signed-subscriptions.ts';

const GRAPHQL_ENDPOINT = '/graphql';

/** What graphql-ws keeps per socket: its upgrade request, and the caller once authenticated. */
interface SocketExtra {
  request: IncomingMessage;
  socket: WebSocket;
  identity?: Identity;
}

export interface HiveGatewayOptions {
  supergraphSdl: string;
  /** Overrides of the subgraph URLs recorded in the supergraph, by subgraph name. */
  subgraphUrls?: Record<string, string | undefined>;
  port: number;
  host?: string;
  logger: Logger;
  /** Signs callers' identities for the subgraphs; they share it and trust nothing else. */
  gatewaySecret: string;
  /** Accept bearer JWTs from this identity provider. */
  jwt?: JwtOptions;
  /** Where API keys are checked and refused authentications audited. */
  sql?: Sql;
  /** How long a verified API key is trusted without asking the database (default 30 s). */
  keyCacheMs?: number;
  /** Answer introspection queries (default: yes, as the Node gateway with its Sandbox). */
  introspection?: boolean;
  /** How often the API keys of open sockets are checked for revocation (default 15 s). */
  revocationCheckMs?: number;
}

/**
 * The supergraph served by Hive Gateway (@graphql-hive/gateway-runtime) instead of
 * @apollo/gateway: queries and mutations over HTTP POST on `/graphql`, subscriptions over
 * graphql-ws on the same URL, /healthz and /readyz. Callers authenticate as with the Node gateway
 * and the subgraphs receive their identities signed (./hive-authentication.ts,
 * ./signed-subscriptions.ts). The Node gateway's limits, metrics, export endpoint and
 * subscription acknowledgements are not part of it (docs/deploy.md#other-gateways).
 */
export async function startHiveGateway(options: HiveGatewayOptions): Promise<RunningServer> {
  const { host = '0.0.0.0', logger } = options;
  const authenticate = createAuthenticator({
    jwt: options.jwt,
    sql: options.sql,
    logger,
    keyCacheMs: options.keyCacheMs,
  });
  // Sockets end with their credentials, as on the Node gateway (docs/security.md).
  const credentialWatch = new CredentialWatch({
    sql: options.sql,
    checkEveryMs: options.revocationCheckMs,
    onRevoked: (ids) => authenticate.forgetKeys(ids),
    logger,
  });
  const locations = Object.entries(options.subgraphUrls ?? {}).flatMap(([name, url]) =>
    url ? [[name, { location: url }] as const] : [],
  );
  const runtime = createGatewayRuntime({
    supergraph: options.supergraphSdl,
    graphqlEndpoint: GRAPHQL_ENDPOINT,
    healthCheckEndpoint: '/healthz',
    readinessCheckEndpoint: '/readyz',
    // No landing page or GraphiQL: GraphiQL loads its assets from a CDN, and Plantgraph makes no
    // calls beyond the plant's own network.
    landingPage: false,
    graphiql: false,
    // As the Node gateway: no CORS headers; a browser app is served from the gateway's origin.
    cors: false,
    logging: hiveLogger(logger),
    ...(options.introspection === false ? { disableIntrospection: {} } : {}),
    transports: {
      http: httpTransport,
      [SIGNED_SUBSCRIPTIONS]: signedSubscriptions(options.gatewaySecret),
    },
    transportEntries: {
      ...Object.fromEntries(locations),
      '*.http': {
        options: {
          // Two callers sending the same query at once would otherwise share one subgraph answer,
          // though each may see other sites: the signed identity is not part of what is compared.
          deduplicateInflightRequests: false,
          subscriptions: { kind: SIGNED_SUBSCRIPTIONS },
        },
      },
    },
    plugins: () => [
      useGatewayAuthentication({
        authenticate,
        gatewaySecret: options.gatewaySecret,
        graphqlEndpoint: GRAPHQL_ENDPOINT,
        logger,
      }),
    ],
  });
  const httpServer = createServer(runtime);
  const webSockets = new WebSocketServer({ server: httpServer, path: GRAPHQL_ENDPOINT });
  const graphqlWs = useServer(
    {
      ...getGraphQLWSOptions<Record<string, unknown>, SocketExtra>(runtime, (ctx) => ({
        req: ctx.extra.request,
        identity: ctx.extra.identity,
      })),
      // The connection_init payload carries the credentials, as headers do over HTTP:
      // { "authorization": "Bearer <token or API key>" }. Refused: the socket closes (4403).
      onConnect: async (ctx) => {
        const params = ctx.connectionParams ?? {};
        const text = (name: string) => (typeof params[name] === 'string' ? params[name] : null);
        const caller = await admitSocket(authenticate, {
          authorization: text('authorization') ?? text('Authorization'),
          apiKey: text('x-api-key'),
        });
        if (!caller) return false;
        ctx.extra.identity = caller.identity;
        credentialWatch.watch(ctx.extra.socket, caller);
        return true;
      },
    },
    webSockets,
  );
  const stop = async () => {
    await graphqlWs.dispose();
    for (const socket of webSockets.clients) socket.terminate();
    credentialWatch.close();
    await runtime.dispose();
  };
  const port = await listen(httpServer, options.port, host, 'PORT').catch(
    async (error: unknown) => {
      await stop();
      throw error;
    },
  );
  const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
  return {
    url: `http://${shownHost}:${port}${GRAPHQL_ENDPOINT}`,
    port,
    async close() {
      await stop();
      await closeServer(httpServer).catch(() => undefined);
    },
  };
}

/** The caller of a socket, or undefined when refused (audited, as on the Node gateway). */
async function admitSocket(
  authenticate: Authenticate,
  credentials: { authorization: string | null; apiKey: string | null },
): Promise<Caller | undefined> {
  try {
    return await authenticate.identify(credentials);
  } catch (error) {
    if (error instanceof RefusedCredentials) await authenticate.audit(error, 'websocket');
    return undefined;
  }
}

/** Hive Gateway's log lines through the role's pino logger: one format and one LOG_LEVEL. */
function hiveLogger(logger: Logger): HiveLogger {
  const levels: readonly string[] = ['trace', 'debug', 'info', 'warn', 'error'];
  const level = (): LogLevel | false => {
    if (logger.level === 'fatal') return 'error';
    return levels.includes(logger.level) ? (logger.level as LogLevel) : false;
  };
  return new HiveLogger({
    level,
    writers: [{ write: (at, attrs, message) => logger[at](attrs ?? {}, message ?? '') }],
  });
}

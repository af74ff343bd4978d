import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { signIdentity, type Identity } from '@plantgraph/auth';
import type { Logger } from '@plantgraph/config';
import { errorBody, InternalServerError, PlantgraphError } from '@plantgraph/errors';
import { RefusedCredentials, type Authenticate } from '../authentication.ts';

/** What the plugin adds to Hive Gateway's context: who is calling. */
export interface CallerContext {
  identity?: Identity;
}

export interface GatewayAuthenticationOptions {
  /** The Node gateway's authenticator (../authentication.ts): the same rule for API keys and JWTs. */
  authenticate: Authenticate;
  /** The secret the subgraphs share with the gateway (@plantgraph/auth gateway-signature.ts). */
  gatewaySecret: string;
  /** The GraphQL endpoint's path; other paths (the probes) need no credentials. */
  graphqlEndpoint: string;
  logger: Logger;
}

/**
 * Hive Gateway's side of the contract the Node gateway keeps:
 *
 * - every request to the GraphQL endpoint presents an API key or a JWT, checked by the Node
 *   gateway's own authenticator; a refusal answers 401 with the same UNAUTHENTICATED body (and
 *   `WWW-Authenticate: Bearer`), a key store that cannot answer 500 INTERNAL_SERVER_ERROR;
 * - the caller's identity joins the context (over a WebSocket it is already there: the
 *   connection was authenticated when it opened, see hive-gateway-server.ts);
 * - every HTTP request to a subgraph carries the identity signed over the exact body sent, which
 *   is why the signature is added in `onFetch`, once the executor has serialised the body.
 */
export function useGatewayAuthentication(
  options: GatewayAuthenticationOptions,
): GatewayPlugin<CallerContext> {
  const { authenticate, gatewaySecret, graphqlEndpoint, logger } = options;
  // The Fetch API request is the key both hooks see; nothing outlives it.
  const callers = new WeakMap<Request, Identity>();
  return {
    async onRequest({ request, url, endResponse, fetchAPI }) {
      if (url.pathname !== graphqlEndpoint) return;
      const credentials = {
        authorization: request.headers.get('authorization'),
        apiKey: request.headers.get('x-api-key'),
      };
      try {
        callers.set(request, await authenticate(credentials, 'http'));
      } catch (error) {
        const refusal = refusalOf(error, logger);
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (error instanceof RefusedCredentials) headers['www-authenticate'] = 'Bearer';
        endResponse(
          new fetchAPI.Response(JSON.stringify(errorBody(refusal)), {
            status: refusal.httpStatus,
            headers,
          }),
        );
      }
    },
    onContextBuilding({ context, extendContext }) {
      const identity =
        context.identity ?? (context.request ? callers.get(context.request) : undefined);
      // Every path into an operation authenticated first; an operation without a caller is a bug.
      if (!identity) throw new PlantgraphError('UNAUTHENTICATED', 'Not authenticated');
      extendContext({ identity });
    },
    onFetch({ context, options: init, setOptions, executionRequest }) {
      // Fetches outside an operation (none with a supergraph file) have no caller to sign for.
      if (!executionRequest) return;
      const identity = 'identity' in context ? context.identity : undefined;
      if (!identity) throw new Error('A subgraph request without a caller identity');
      if (typeof init.body !== 'string') {
        throw new Error('A subgraph request whose body cannot be signed (not JSON text)');
      }
      const headers = new Headers(init.headers as HeadersInit | undefined);
      for (const [name, value] of Object.entries(
        signIdentity(gatewaySecret, identity, init.body),
      )) {
        headers.set(name, value);
      }
      setOptions({ ...init, headers: Object.fromEntries(headers) });
    },
  };
}

/** The error a refused request is answered with; what is not a refusal goes to the log only. */
function refusalOf(error: unknown, logger: Logger): PlantgraphError {
  if (error instanceof PlantgraphError) return error;
  logger.error({ err: error }, 'could not authenticate a request');
  return new InternalServerError();
}

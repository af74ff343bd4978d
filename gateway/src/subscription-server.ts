import { includesRole, SUBSCRIPTION_ROLE, type Identity } from '@plantgraph/auth';
import { PlantgraphError } from '@plantgraph/errors';
import { wantsAcknowledgement } from '@plantgraph/graph';
import { GraphQLError } from 'graphql';
import type { Caller } from './authentication.ts';
import { useServer } from 'graphql-ws/use/ws';
import type { WebSocketServer } from 'ws';
import type { CredentialWatch } from './credential-watch.ts';
import type { FederatedSubscriptions } from './federated-subscriptions.ts';
import type { AdmitCaller } from './limits/caller-admission.ts';
import { withSubscriptionLimits, type SubscriptionLimits } from './limits/subscription-limits.ts';

/** graphql-js's suggestions, as Apollo Server's own DisableSuggestions plugin finds them. */
const SUGGESTION = / ?Did you mean(.+?)\?$/;

/**
 * `limits` whose validation errors suggest no names ("Did you mean ...?"): over the socket what
 * Apollo Server's `hideSchemaDetailsFromClientErrors` does over HTTP.
 */
function withoutSuggestions(limits: SubscriptionLimits): SubscriptionLimits {
  return {
    onSubscribe(caller, id, payload) {
      const admitted = limits.onSubscribe(caller, id, payload);
      if (!Array.isArray(admitted)) return admitted;
      for (const error of admitted as readonly GraphQLError[]) {
        error.message = error.message.replace(SUGGESTION, '');
      }
      return admitted;
    },
    subscribe: (args, subscribe) => limits.subscribe(args, subscribe),
  };
}

/**
 * graphql-ws on the gateway's WebSocket server: operations are validated against the API schema,
 * subscriptions run federated. A socket lives as long as its credentials: `watch` closes it (4403)
 * when its token expires or its key is revoked. With `hideSchemaDetails`, validation errors
 * suggest no field or type names. Returns the function that closes every socket, which ends the
 * upstream subscriptions of all clients.
 */
export function serveSubscriptions(
  server: WebSocketServer,
  subscriptions: FederatedSubscriptions,
  admit: AdmitCaller,
  limits: SubscriptionLimits,
  watch: CredentialWatch,
  hideSchemaDetails = false,
): () => Promise<void> {
  const disposable = useServer<Record<string, unknown>, { identity?: Identity; caller?: Caller }>(
    withSubscriptionLimits(
      {
        schema: subscriptions.apiSchema,
        // The connection_init payload carries the credentials, as headers do over HTTP:
        // { "authorization": "Bearer <token or API key>" }. Refused: the socket closes (4403).
        onConnect: async (ctx) => {
          const params = ctx.connectionParams ?? {};
          const text = (name: string) => (typeof params[name] === 'string' ? params[name] : null);
          try {
            const caller = await admit(
              {
                authorization: text('authorization') ?? text('Authorization'),
                apiKey: text('x-api-key'),
              },
              ctx.extra.request,
              'websocket',
            );
            ctx.extra.caller = caller;
            ctx.extra.identity = caller.identity;
            watch.watch(ctx.extra.socket, caller);
            return true;
          } catch {
            return false;
          }
        },
        context: (ctx, _id, payload) => ({
          identity: ctx.extra.identity,
          acknowledge: wantsAcknowledgement(payload),
        }),
        subscribe: (args) => {
          try {
            const { identity, acknowledge } = args.contextValue as {
              identity?: Identity;
              acknowledge: boolean;
            };
            // Over the socket errors go out as they are: no `http` extension, so no AuthenticationError.
            if (!identity) throw new PlantgraphError('UNAUTHENTICATED', 'Not authenticated');
            // Every role may subscribe; the check still refuses an identity without a known role.
            if (!includesRole(identity.role, SUBSCRIPTION_ROLE)) {
              throw new PlantgraphError(
                'FORBIDDEN',
                `Subscriptions need the role ${SUBSCRIPTION_ROLE} or higher`,
              );
            }
            return subscriptions.subscribe({
              document: args.document,
              variables: (args.variableValues ?? {}) as Record<string, unknown>,
              operationName: args.operationName ?? null,
              identity,
              acknowledge,
            });
          } catch (error) {
            // Planning failed: an error result for this operation, the connection stays open.
            return {
              errors: [error instanceof GraphQLError ? error : new GraphQLError(String(error))],
            };
          }
        },
        execute: () => ({
          errors: [
            new PlantgraphError(
              'BAD_REQUEST',
              'Queries and mutations go over HTTP POST; this socket serves subscriptions.',
            ),
          ],
        }),
      },
      hideSchemaDetails ? withoutSuggestions(limits) : limits,
    ),
    server,
  );
  return async () => {
    await disposable.dispose();
  };
}

import { GraphQLError } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import type { WebSocketServer } from 'ws';
import type { FederatedSubscriptions } from './federated-subscriptions.ts';

/**
 * graphql-ws on the gateway's WebSocket server: operations are validated against the API schema,
 * subscriptions run federated. Returns the function that closes every socket, which ends the
 * upstream subscriptions of all clients.
 */
export function serveSubscriptions(
  server: WebSocketServer,
  subscriptions: FederatedSubscriptions,
): () => Promise<void> {
  const disposable = useServer(
    {
      schema: subscriptions.apiSchema,
      // A place for identity and site scope per connection (connection_init payload).
      context: (ctx) => ({ connectionParams: ctx.connectionParams ?? {} }),
      subscribe: (args) => {
        try {
          return subscriptions.subscribe({
            document: args.document,
            variables: (args.variableValues ?? {}) as Record<string, unknown>,
            operationName: args.operationName ?? null,
            context: (args.contextValue ?? {}) as Record<string, unknown>,
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
          new GraphQLError(
            'Queries and mutations go over HTTP POST; this socket serves subscriptions.',
            {
              extensions: { code: 'BAD_REQUEST' },
            },
          ),
        ],
      }),
    },
    server,
  );
  return async () => {
    await disposable.dispose();
  };
}

import type { Transport } from '@graphql-mesh/transport-common';
import { buildGraphQLWSExecutor } from '@graphql-tools/executor-graphql-ws';
import { scopeOf, type Identity } from '@plantgraph/auth';
import type { Client } from 'graphql-ws';
import type { ExecutionResult } from 'graphql';
import { signedSubgraphSocket } from '../subgraph-socket.ts';
import { withoutTraceExtensions } from '../subscription-trace.ts';

/** The transport kind Hive Gateway's HTTP transport hands subscriptions to (`transports`). */
export const SIGNED_SUBSCRIPTIONS = 'plantgraph-ws';

type SubgraphExecutor = ReturnType<typeof buildGraphQLWSExecutor>;

/**
 * Subscriptions to a subgraph over graphql-ws on its `/graphql` URL, the transport the subgraphs
 * serve, with the connection signed the way they require: the `connection_init` payload carries
 * the caller's identity signed over WEBSOCKET_SIGNED_BODY.
 *
 * Hive Gateway's stock WebSocket transport takes fixed or templated connection parameters: a
 * signature there would be computed once and expire (SIGNATURE_TTL_MS) before a reconnect. Here,
 * as in the Node gateway (../federated-subscriptions.ts), there is one socket per subgraph and
 * scope (role and sites), signed afresh at every (re)connect; graphql-ws resubscribes after a
 * reconnect. Callers who may see alike share a socket, signed for the first of them.
 */
export function signedSubscriptions(gatewaySecret: string): Transport {
  return {
    getSubgraphExecutor({ transportEntry, subgraphName }) {
      const location = transportEntry.location;
      if (!location) throw new Error(`No URL for the subgraph ${subgraphName}`);
      const url = location.replace(/^http/, 'ws');
      const sockets = new Map<string, { client: Client; execute: SubgraphExecutor }>();
      const socketFor = (identity: Identity) => {
        const scope = scopeOf(identity);
        const open = sockets.get(scope);
        if (open) return open.execute;
        const client = signedSubgraphSocket(url, gatewaySecret, identity);
        const execute = buildGraphQLWSExecutor(client);
        sockets.set(scope, { client, execute });
        return execute;
      };
      // Shaped as graphql-tools' executor type, which the transport contract asks for. Hive hands
      // events on as they come, so the subgraphs' trace context (tracing on) is taken out here.
      const route = (async (request) => {
        const result = await socketFor(identityOf(request.context))(request);
        return isAsyncIterable(result)
          ? withoutTraceExtensions(result as AsyncIterable<ExecutionResult>)
          : result;
      }) as SubgraphExecutor;
      return Object.assign(route, {
        async [Symbol.asyncDispose]() {
          await Promise.all([...sockets.values()].map(({ client }) => client.dispose()));
          sockets.clear();
        },
      });
    },
  };
}

function isAsyncIterable<T>(value: T | AsyncIterable<T>): value is AsyncIterable<T> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

function identityOf(context: unknown): Identity {
  const identity = (context as { identity?: Identity } | undefined)?.identity;
  if (!identity) throw new Error('A subgraph subscription without a caller identity');
  return identity;
}

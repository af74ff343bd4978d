import { signIdentity, WEBSOCKET_SIGNED_BODY, type Identity } from '@plantgraph/auth';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

/** The longest wait between attempts to reach a lost subgraph again. */
const MAX_RECONNECT_WAIT_MS = 5000;

/**
 * A graphql-ws client of a subgraph for one caller's subscriptions: it connects on the first one,
 * signs the connection with the caller's identity, and after an upstream restart reconnects and
 * resubscribes without end, so client subscriptions outlive it. `url` may pick anew on each
 * (re)connect (the next replica).
 */
export function signedSubgraphSocket(
  url: string | (() => string),
  gatewaySecret: string,
  identity: Identity,
): Client {
  return createClient({
    url,
    webSocketImpl: WebSocket,
    lazy: true,
    connectionParams: () => signIdentity(gatewaySecret, identity, WEBSOCKET_SIGNED_BODY),
    retryAttempts: Number.POSITIVE_INFINITY,
    shouldRetry: () => true,
    // graphql-ws's default doubles without bound; a replica back after a minute must not wait
    // for an attempt scheduled an hour later.
    retryWait: (retries) =>
      new Promise((resolve) =>
        setTimeout(
          resolve,
          Math.min(250 * 2 ** retries, MAX_RECONNECT_WAIT_MS) + Math.random() * 250,
        ),
      ),
  });
}

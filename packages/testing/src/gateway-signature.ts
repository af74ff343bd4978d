import { signIdentity, WEBSOCKET_SIGNED_BODY, type Identity } from '@plantgraph/auth';

/**
 * What tests need to talk to a subgraph server directly, as the gateway would: the shared
 * secret and signed headers or connection parameters for an identity.
 */
export const TEST_GATEWAY_SECRET = 'test-gateway-secret-0123456789abcdef';

export const TEST_ADMIN: Identity = { subject: 'test-user', role: 'admin', sites: null };

/** Headers for a POST of `body` (the exact JSON text sent) to a subgraph. */
export function signedHeaders(body: string, identity: Identity = TEST_ADMIN) {
  return {
    'content-type': 'application/json',
    ...signIdentity(TEST_GATEWAY_SECRET, identity, body),
  };
}

/** graphql-ws connection parameters for a subgraph; a function, so every reconnect is fresh. */
export function signedConnectionParams(identity: Identity = TEST_ADMIN) {
  return () => signIdentity(TEST_GATEWAY_SECRET, identity, WEBSOCKET_SIGNED_BODY);
}

import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { parseIdentity, type Identity } from './identity.ts';

/**
 * How subgraphs know a request came through the gateway: the gateway signs the caller's identity,
 * an expiry and a hash of the request body with a secret it shares with the subgraphs (HMAC
 * SHA-256). A subgraph accepts a request only with a valid, unexpired signature over that very
 * body, so a captured header neither works for another request nor for long.
 */
export const IDENTITY_HEADER = 'x-plantgraph-identity';
export const SIGNATURE_HEADER = 'x-plantgraph-signature';

/**
 * What a WebSocket connection's signature covers instead of a body, so it can never pass for the
 * signature of an HTTP request.
 */
export const WEBSOCKET_SIGNED_BODY = 'graphql-transport-ws connection';

/** How long a signature is valid: long enough for clock skew, short for replays. */
export const SIGNATURE_TTL_MS = 30_000;

interface SignedIdentity extends Identity {
  /** Expiry, milliseconds since the epoch. */
  exp: number;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('base64url');
const hmac = (secret: string, text: string) =>
  createHmac('sha256', secret).update(text).digest('base64url');

/** Headers carrying `identity` for a request with `body` (the exact bytes sent). */
export function signIdentity(
  secret: string,
  identity: Identity,
  body: string,
  now = Date.now(),
): Record<string, string> {
  const signed: SignedIdentity = { ...identity, exp: now + SIGNATURE_TTL_MS };
  const encoded = Buffer.from(JSON.stringify(signed)).toString('base64url');
  return {
    [IDENTITY_HEADER]: encoded,
    [SIGNATURE_HEADER]: hmac(secret, `${encoded}.${sha256(body)}`),
  };
}

export class SignatureError extends Error {}

/**
 * The identity of a request signed by the gateway; throws SignatureError saying what is wrong
 * (missing, forged, expired, or signed for another body).
 */
export function verifyIdentity(
  secret: string,
  headers: { identity?: string | null; signature?: string | null },
  body: string,
  now = Date.now(),
): Identity {
  const { identity: encoded, signature } = headers;
  if (!encoded || !signature) throw new SignatureError('the gateway signature is missing');
  const expected = Buffer.from(hmac(secret, `${encoded}.${sha256(body)}`));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    throw new SignatureError('the gateway signature is not valid for this request');
  }
  let signed: SignedIdentity | undefined;
  try {
    signed = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8')) as SignedIdentity;
  } catch {
    throw new SignatureError('the signed identity is malformed');
  }
  const identity = parseIdentity(signed);
  if (!identity || typeof signed.exp !== 'number') {
    throw new SignatureError('the signed identity is malformed');
  }
  if (signed.exp < now) throw new SignatureError('the gateway signature has expired');
  return identity;
}

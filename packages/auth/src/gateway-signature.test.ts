import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  IDENTITY_HEADER,
  SIGNATURE_HEADER,
  SIGNATURE_TTL_MS,
  SignatureError,
  signIdentity,
  verifyIdentity,
} from './gateway-signature.ts';
import type { Identity } from './identity.ts';

const SECRET = 'gateway-signature-test-secret';
const BODY = JSON.stringify({ query: '{ assets(first: 1) { totalCount } }' });
const T0 = Date.parse('2026-11-22T10:00:00Z');
const OPERATOR: Identity = { subject: 'key:0123 (line 1)', role: 'operator', sites: ['site-a'] };

/** What verifyIdentity reads from the headers signIdentity made. */
const received = (headers: Record<string, string>) => ({
  identity: headers[IDENTITY_HEADER],
  signature: headers[SIGNATURE_HEADER],
});

/** Headers for any identity JSON, signed correctly: for what the signature cannot vouch for. */
function signedJson(json: string, body = BODY) {
  const encoded = Buffer.from(json).toString('base64url');
  const digest = createHash('sha256').update(body).digest('base64url');
  const signature = createHmac('sha256', SECRET).update(`${encoded}.${digest}`).digest('base64url');
  return { identity: encoded, signature };
}

const refusal = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(SignatureError);
    return (error as Error).message;
  }
  throw new Error('expected a SignatureError');
};

describe('gateway signatures', () => {
  it('carry the identity, and nothing else, to the subgraph', () => {
    const headers = signIdentity(SECRET, OPERATOR, BODY, T0);
    expect(Object.keys(headers).sort()).toEqual([IDENTITY_HEADER, SIGNATURE_HEADER].sort());
    expect(verifyIdentity(SECRET, received(headers), BODY, T0)).toEqual(OPERATOR);
  });

  it('hold until the TTL has passed, not a millisecond longer', () => {
    const headers = received(signIdentity(SECRET, OPERATOR, BODY, T0));
    expect(verifyIdentity(SECRET, headers, BODY, T0 + SIGNATURE_TTL_MS)).toEqual(OPERATOR);
    expect(refusal(() => verifyIdentity(SECRET, headers, BODY, T0 + SIGNATURE_TTL_MS + 1))).toMatch(
      /expired/,
    );
  });

  it('are refused when missing', () => {
    const headers = received(signIdentity(SECRET, OPERATOR, BODY, T0));
    expect(refusal(() => verifyIdentity(SECRET, {}, BODY, T0))).toMatch(/missing/);
    expect(refusal(() => verifyIdentity(SECRET, { identity: headers.identity }, BODY, T0))).toMatch(
      /missing/,
    );
    expect(
      refusal(() => verifyIdentity(SECRET, { signature: headers.signature }, BODY, T0)),
    ).toMatch(/missing/);
  });

  it('are refused for another body, another secret or a changed identity', () => {
    const headers = received(signIdentity(SECRET, OPERATOR, BODY, T0));
    expect(refusal(() => verifyIdentity(SECRET, headers, `${BODY} `, T0))).toMatch(/not valid/);
    expect(refusal(() => verifyIdentity(`${SECRET}x`, headers, BODY, T0))).toMatch(/not valid/);
    const admin = Buffer.from(
      JSON.stringify({ ...OPERATOR, role: 'admin', exp: T0 + SIGNATURE_TTL_MS }),
    ).toString('base64url');
    expect(
      refusal(() => verifyIdentity(SECRET, { ...headers, identity: admin }, BODY, T0)),
    ).toMatch(/not valid/);
    const unscoped = Buffer.from(
      JSON.stringify({ ...OPERATOR, sites: null, exp: T0 + SIGNATURE_TTL_MS }),
    ).toString('base64url');
    expect(
      refusal(() => verifyIdentity(SECRET, { ...headers, identity: unscoped }, BODY, T0)),
    ).toMatch(/not valid/);
  });

  it('are refused when cut short or padded', () => {
    const headers = received(signIdentity(SECRET, OPERATOR, BODY, T0));
    const { signature } = headers as { signature: string };
    for (const changed of [signature.slice(0, -1), `${signature}A`, '']) {
      expect(() => verifyIdentity(SECRET, { ...headers, signature: changed }, BODY, T0)).toThrow(
        SignatureError,
      );
    }
  });

  it.each([
    ['not JSON', 'subject=admin'],
    ['without expiry', JSON.stringify(OPERATOR)],
    ['with an unknown role', JSON.stringify({ ...OPERATOR, role: 'root', exp: T0 + 1 })],
    ['with sites that are not ids', JSON.stringify({ ...OPERATOR, sites: [1], exp: T0 + 1 })],
    ['without a subject', JSON.stringify({ ...OPERATOR, subject: '', exp: T0 + 1 })],
  ])('refuse a correctly signed identity %s as malformed', (_, json) => {
    expect(refusal(() => verifyIdentity(SECRET, signedJson(json), BODY, T0))).toMatch(/malformed/);
  });
});

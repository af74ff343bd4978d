import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exportJWK, generateKeyPair, SignJWT, UnsecuredJWT } from 'jose';
import { jwtVerifier, TokenError, type JwtOptions } from './jwt.ts';

const OPTIONS: JwtOptions = {
  issuer: 'https://idp.test',
  audience: 'plantgraph',
  secret: 'jwt-unit-test-secret-0123456789abcdef',
};
const KEY = new TextEncoder().encode(OPTIONS.secret);
const seconds = () => Math.floor(Date.now() / 1000);

const token = (claims: Record<string, unknown> = { plantgraph_role: 'viewer' }) =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer(OPTIONS.issuer)
    .setAudience(OPTIONS.audience)
    .setSubject('alice')
    .setExpirationTime('5m');

async function refusal(verify: (token: string) => Promise<unknown>, jwt: string) {
  const error = await verify(jwt).then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(TokenError);
  return (error as Error).message;
}

const directory = mkdtempSync(join(tmpdir(), 'plantgraph-jwks-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe('jwtVerifier with an HS256 secret', () => {
  const verify = jwtVerifier(OPTIONS);

  it('turns a valid token into an identity, every site without a sites claim', async () => {
    expect(await verify(await token().sign(KEY))).toEqual({
      subject: 'alice',
      role: 'viewer',
      sites: null,
    });
  });

  it('takes the sites claim, and the role claim before `role`', async () => {
    const jwt = await token({
      plantgraph_role: 'integrator',
      role: 'admin',
      plantgraph_sites: ['a'],
    }).sign(KEY);
    expect(await verify(jwt)).toEqual({ subject: 'alice', role: 'integrator', sites: ['a'] });
    expect(await verify(await token({ role: 'engineer' }).sign(KEY))).toMatchObject({
      role: 'engineer',
    });
  });

  it('reads the claims it is told to', async () => {
    const custom = jwtVerifier({ ...OPTIONS, roleClaim: 'groups_role', sitesClaim: 'plants' });
    const jwt = await token({ groups_role: 'operator', plants: ['b'] }).sign(KEY);
    expect(await custom(jwt)).toEqual({ subject: 'alice', role: 'operator', sites: ['b'] });
  });

  it.each([
    [
      'expired',
      () =>
        token()
          .setExpirationTime(seconds() - 1)
          .sign(KEY),
      /"exp"/,
    ],
    [
      'not yet valid',
      () =>
        token()
          .setNotBefore(seconds() + 60)
          .sign(KEY),
      /"nbf"/,
    ],
    ['for another audience', () => token().setAudience('other').sign(KEY), /"aud"/],
    ['from another issuer', () => token().setIssuer('https://other.test').sign(KEY), /"iss"/],
    [
      'signed with another secret',
      () => token().sign(new TextEncoder().encode(`${OPTIONS.secret}x`)),
      /signature/,
    ],
    [
      'unsigned',
      async () =>
        new UnsecuredJWT({ plantgraph_role: 'admin' })
          .setIssuer(OPTIONS.issuer)
          .setAudience(OPTIONS.audience)
          .setSubject('alice')
          .setExpirationTime('5m')
          .encode(),
      /.+/,
    ],
    ['without a role', () => token({}).sign(KEY), /plantgraph_role/],
    ['with an unknown role', () => token({ plantgraph_role: 'root' }).sign(KEY), /plantgraph_role/],
    [
      'with sites that are no list',
      () => token({ plantgraph_role: 'viewer', plantgraph_sites: 'a' }).sign(KEY),
      /plantgraph_sites/,
    ],
    [
      'without a subject',
      () =>
        new SignJWT({ plantgraph_role: 'viewer' })
          .setProtectedHeader({ alg: 'HS256' })
          .setIssuer(OPTIONS.issuer)
          .setAudience(OPTIONS.audience)
          .setExpirationTime('5m')
          .sign(KEY),
      /subject/,
    ],
    ['not a JWT', async () => 'not.a.jwt', /.+/],
  ])('refuses a token %s', async (_, make, reason) => {
    expect(await refusal(verify, await make())).toMatch(reason);
  });

  it('refuses an RS256 token', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const jwt = await new SignJWT({ plantgraph_role: 'admin' })
      .setProtectedHeader({ alg: 'RS256' })
      .setIssuer(OPTIONS.issuer)
      .setAudience(OPTIONS.audience)
      .setSubject('mallory')
      .setExpirationTime('5m')
      .sign(privateKey);
    expect(await refusal(verify, jwt)).toMatch(/alg/);
  });
});

describe('jwtVerifier with a JWKS file', () => {
  it('accepts tokens of the listed keys and refuses HS256 ones', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const file = join(directory, 'jwks.json');
    writeFileSync(file, JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: 'k1' }] }));
    const verify = jwtVerifier({
      issuer: OPTIONS.issuer,
      audience: OPTIONS.audience,
      jwksFile: file,
    });
    const jwt = await new SignJWT({ plantgraph_role: 'viewer' })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setIssuer(OPTIONS.issuer)
      .setAudience(OPTIONS.audience)
      .setSubject('bob')
      .setExpirationTime('5m')
      .sign(privateKey);
    expect(await verify(jwt)).toEqual({ subject: 'bob', role: 'viewer', sites: null });
    expect(await refusal(verify, await token().sign(KEY))).toMatch(/alg/);
    const { privateKey: stranger } = await generateKeyPair('ES256');
    const foreign = await new SignJWT({ plantgraph_role: 'admin' })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setIssuer(OPTIONS.issuer)
      .setAudience(OPTIONS.audience)
      .setSubject('mallory')
      .setExpirationTime('5m')
      .sign(stranger);
    expect(await refusal(verify, foreign)).toMatch(/signature/);
  });

  it('needs a key source', () => {
    expect(() => jwtVerifier({ issuer: OPTIONS.issuer, audience: OPTIONS.audience })).toThrow(
      /secret, a JWKS file or a JWKS URL/,
    );
  });
});

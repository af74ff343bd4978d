import { readFileSync } from 'node:fs';
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  jwtVerify,
  type JWTVerifyGetKey,
  type JWTPayload,
} from 'jose';
import type { Identity } from './identity.ts';
import { isRole } from './roles.ts';

export interface JwtOptions {
  issuer: string;
  audience: string;
  /** HS256 shared secret. */
  secret?: string;
  /** A JWKS file (RS256/ES256 public keys). */
  jwksFile?: string;
  /** A JWKS URL (the identity provider's). */
  jwksUrl?: string;
  /** Claim holding the role; default `plantgraph_role`, falling back to `role`. */
  roleClaim?: string;
  /** Claim holding the site ids; default `plantgraph_sites`. Absent: every site. */
  sitesClaim?: string;
}

export class TokenError extends Error {}

/** A verified token: the caller it names, and when it stops being valid. */
export interface VerifiedToken {
  identity: Identity;
  /** The issuer (`iss`), with `sub` what names the caller across tokens. */
  issuer: string;
  /** `exp`, in milliseconds since the epoch. */
  expiresAt: number;
}

/** A verifier for bearer JWTs; rejects with TokenError saying why a token is refused. */
export function jwtVerifier(options: JwtOptions): (token: string) => Promise<Identity> {
  const verify = jwtTokenVerifier(options);
  return async (token) => (await verify(token)).identity;
}

/** Like `jwtVerifier`, also telling the token's issuer and expiry. */
export function jwtTokenVerifier(options: JwtOptions): (token: string) => Promise<VerifiedToken> {
  const keys: JWTVerifyGetKey | Uint8Array = options.secret
    ? new TextEncoder().encode(options.secret)
    : options.jwksFile
      ? createLocalJWKSet(JSON.parse(readFileSync(options.jwksFile, 'utf8')) as never)
      : options.jwksUrl
        ? createRemoteJWKSet(new URL(options.jwksUrl))
        : (() => {
            throw new Error('JWT verification needs a secret, a JWKS file or a JWKS URL');
          })();
  const algorithms = options.secret ? ['HS256'] : ['RS256', 'ES256'];
  const roleClaim = options.roleClaim ?? 'plantgraph_role';
  const sitesClaim = options.sitesClaim ?? 'plantgraph_sites';
  return async (token) => {
    let payload: JWTPayload;
    try {
      const verified = await jwtVerify(token, keys as never, {
        issuer: options.issuer,
        audience: options.audience,
        algorithms,
        // A token without an expiry would be valid forever.
        requiredClaims: ['exp'],
      });
      payload = verified.payload;
    } catch (error) {
      throw new TokenError(`the token is not valid: ${(error as Error).message}`);
    }
    const role = payload[roleClaim] ?? payload.role;
    if (!isRole(role)) throw new TokenError(`the token has no valid "${roleClaim}" claim`);
    const sites = payload[sitesClaim];
    if (
      sites !== undefined &&
      !(Array.isArray(sites) && sites.every((s) => typeof s === 'string'))
    ) {
      throw new TokenError(`the token's "${sitesClaim}" claim is not a list of site ids`);
    }
    if (!payload.sub) throw new TokenError('the token has no subject');
    return {
      identity: { subject: payload.sub, role, sites: (sites as string[] | undefined) ?? null },
      issuer: payload.iss ?? options.issuer,
      // jwtVerify required `exp`.
      expiresAt: (payload.exp ?? 0) * 1000,
    };
  };
}

import {
  auditRefusedAuthentication,
  isApiKey,
  jwtVerifier,
  TokenError,
  verifyApiKey,
  type Identity,
  type JwtOptions,
} from '@plantgraph/auth';
import type { Logger } from '@plantgraph/config';
import type { Sql } from '@plantgraph/db';
import { AuthenticationError } from '@plantgraph/errors';
import { z } from 'zod';

/** The environment variables that configure JWT verification; all optional. */
export const jwtConfig = {
  PLANTGRAPH_JWT_ISSUER: z.string().optional().describe('JWT issuer (iss) accepted'),
  PLANTGRAPH_JWT_AUDIENCE: z.string().optional().describe('JWT audience (aud) accepted'),
  /** HS256 shared secret. */
  PLANTGRAPH_JWT_SECRET: z
    .string()
    .min(32, 'must be at least 32 characters')
    .optional()
    .describe('HS256 secret of JWTs'),
  PLANTGRAPH_JWKS_FILE: z.string().optional().describe('JWKS file of RS256/ES256 JWT keys'),
  PLANTGRAPH_JWKS_URL: z.url().optional().describe('JWKS URL of RS256/ES256 JWT keys'),
};

/** JWT verification from those variables; undefined when no key source is configured. */
export function jwtOptions(config: {
  PLANTGRAPH_JWT_ISSUER?: string;
  PLANTGRAPH_JWT_AUDIENCE?: string;
  PLANTGRAPH_JWT_SECRET?: string;
  PLANTGRAPH_JWKS_FILE?: string;
  PLANTGRAPH_JWKS_URL?: string;
}): JwtOptions | undefined {
  const keys =
    config.PLANTGRAPH_JWT_SECRET ?? config.PLANTGRAPH_JWKS_FILE ?? config.PLANTGRAPH_JWKS_URL;
  if (!keys) return undefined;
  if (!config.PLANTGRAPH_JWT_ISSUER || !config.PLANTGRAPH_JWT_AUDIENCE) {
    throw new Error('PLANTGRAPH_JWT_ISSUER and PLANTGRAPH_JWT_AUDIENCE are required with JWT keys');
  }
  return {
    issuer: config.PLANTGRAPH_JWT_ISSUER,
    audience: config.PLANTGRAPH_JWT_AUDIENCE,
    secret: config.PLANTGRAPH_JWT_SECRET,
    jwksFile: config.PLANTGRAPH_JWKS_FILE,
    jwksUrl: config.PLANTGRAPH_JWKS_URL,
  };
}

export interface AuthenticationOptions {
  /** Bearer JWTs from an identity provider. */
  jwt?: JwtOptions;
  /** Where API keys live and refused attempts are audited. */
  sql?: Sql;
  logger: Logger;
  /** How long a verified key is trusted without the database; default KEY_CACHE_MS. */
  keyCacheMs?: number;
}

/** How long a verified API key is trusted without asking the database: a revocation's delay. */
export const KEY_CACHE_MS = 30_000;
const MAX_CACHED_KEYS = 10_000;

/**
 * Turns what a caller presents (`Authorization: Bearer <JWT or API key>`, or `X-Api-Key`) into an
 * identity. Anonymous callers and invalid credentials are refused with UNAUTHENTICATED; refusals
 * of presented credentials are written to the audit log.
 */
export function createAuthenticator(options: AuthenticationOptions) {
  const verifyJwt = options.jwt ? jwtVerifier(options.jwt) : undefined;
  // Verified keys, so a busy client costs no database round trip per request.
  const verifiedKeys = new Map<string, { identity: Identity; until: number }>();
  const keyCacheMs = options.keyCacheMs ?? KEY_CACHE_MS;
  const refuse = async (presented: string, reason: string, transport: 'http' | 'websocket') => {
    options.logger.warn({ presented, reason, transport }, 'authentication refused');
    if (options.sql) {
      await auditRefusedAuthentication(options.sql, { presented, reason, transport }).catch(
        (error: unknown) => options.logger.error({ err: error }, 'could not audit a refusal'),
      );
    }
    return new AuthenticationError(`Not authenticated: ${reason}`);
  };

  return async function authenticate(
    credentials: { authorization?: string | null; apiKey?: string | null },
    transport: 'http' | 'websocket',
  ): Promise<Identity> {
    const bearer = /^Bearer\s+(.+)$/i.exec(credentials.authorization ?? '')?.[1]?.trim();
    const presented = credentials.apiKey?.trim() || bearer;
    if (!presented) {
      throw new AuthenticationError(
        'Not authenticated: send "Authorization: Bearer <token or API key>"',
      );
    }
    if (isApiKey(presented)) {
      const cached = verifiedKeys.get(presented);
      if (cached && cached.until > Date.now()) return cached.identity;
      const identity = options.sql ? await verifyApiKey(options.sql, presented) : undefined;
      if (identity) {
        if (verifiedKeys.size >= MAX_CACHED_KEYS) verifiedKeys.clear();
        verifiedKeys.set(presented, { identity, until: Date.now() + keyCacheMs });
        return identity;
      }
      throw await refuse(`key:${presented.slice(4, 20)}`, 'unknown or revoked API key', transport);
    }
    if (!verifyJwt) throw await refuse('jwt', 'JWTs are not accepted here', transport);
    try {
      return await verifyJwt(presented);
    } catch (error) {
      if (!(error instanceof TokenError)) throw error;
      throw await refuse('jwt', error.message, transport);
    }
  };
}

export type Authenticate = ReturnType<typeof createAuthenticator>;

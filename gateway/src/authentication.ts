import {
  apiKeyId,
  auditRefusedAuthentication,
  isApiKey,
  jwtTokenVerifier,
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

/** A caller the gateway has authenticated. */
export interface Caller {
  identity: Identity;
  /**
   * Who the per-caller limits count: `key:<id>` for an API key, `jwt:<issuer> <subject>` for a
   * token, so that every token of one user counts together.
   */
  key: string;
  /** When the credentials stop being valid (a JWT's `exp`), milliseconds since the epoch. */
  expiresAt?: number;
  /** The id of the API key presented, which may be revoked while its sockets are open. */
  apiKeyId?: string;
}

/** Credentials were refused: absent, unknown, revoked, expired or forged. */
export class RefusedCredentials extends AuthenticationError {
  constructor(
    readonly reason: string,
    /** What was presented, for the audit log (never the secret); undefined when nothing was. */
    readonly presented?: string,
  ) {
    super(`Not authenticated: ${reason}`);
  }
}

export interface CredentialsOf {
  authorization?: string | null;
  apiKey?: string | null;
}

/**
 * Turns what a caller presents (`Authorization: Bearer <JWT or API key>`, or `X-Api-Key`) into an
 * identity. Anonymous callers and invalid credentials are refused with UNAUTHENTICATED; refusals
 * of presented credentials are written to the audit log.
 *
 * The function also carries `identify`, which refuses with RefusedCredentials and writes nothing,
 * and `audit`, which records such a refusal: the gateway's limits decide in between whether a
 * refusal is worth recording (./limits/caller-admission.ts).
 */
export function createAuthenticator(options: AuthenticationOptions) {
  const jwt = options.jwt;
  const verifyJwt = jwt ? jwtTokenVerifier(jwt) : undefined;
  // Verified keys, so a busy client costs no database round trip per request.
  const verifiedKeys = new Map<string, { caller: Caller; until: number }>();
  const keyCacheMs = options.keyCacheMs ?? KEY_CACHE_MS;

  async function identify(credentials: CredentialsOf): Promise<Caller> {
    const bearer = /^Bearer\s+(.+)$/i.exec(credentials.authorization ?? '')?.[1]?.trim();
    const presented = credentials.apiKey?.trim() || bearer;
    if (!presented) {
      throw new RefusedCredentials('send "Authorization: Bearer <token or API key>"');
    }
    if (isApiKey(presented)) {
      const cached = verifiedKeys.get(presented);
      if (cached && cached.until > Date.now()) return cached.caller;
      const identity = options.sql ? await verifyApiKey(options.sql, presented) : undefined;
      const id = apiKeyId(presented);
      if (identity && id) {
        const caller = { identity, key: `key:${id}`, apiKeyId: id };
        if (verifiedKeys.size >= MAX_CACHED_KEYS) verifiedKeys.clear();
        verifiedKeys.set(presented, { caller, until: Date.now() + keyCacheMs });
        return caller;
      }
      throw new RefusedCredentials('unknown or revoked API key', `key:${presented.slice(4, 20)}`);
    }
    if (!verifyJwt) throw new RefusedCredentials('JWTs are not accepted here', 'jwt');
    try {
      const token = await verifyJwt(presented);
      return {
        identity: token.identity,
        key: `jwt:${token.issuer} ${token.identity.subject}`,
        expiresAt: token.expiresAt,
      };
    } catch (error) {
      if (!(error instanceof TokenError)) throw error;
      throw new RefusedCredentials(error.message, 'jwt');
    }
  }

  async function audit(refusal: RefusedCredentials, transport: 'http' | 'websocket') {
    if (refusal.presented === undefined) return;
    const attempt = { presented: refusal.presented, reason: refusal.reason, transport };
    options.logger.warn(attempt, 'authentication refused');
    if (!options.sql) return;
    await auditRefusedAuthentication(options.sql, attempt).catch((error: unknown) =>
      options.logger.error({ err: error }, 'could not audit a refusal'),
    );
  }

  async function authenticate(
    credentials: CredentialsOf,
    transport: 'http' | 'websocket',
  ): Promise<Identity> {
    try {
      return (await identify(credentials)).identity;
    } catch (error) {
      if (error instanceof RefusedCredentials) await audit(error, transport);
      throw error;
    }
  }

  /** Drops revoked keys from the cache, so their revocation is not delayed by KEY_CACHE_MS. */
  function forgetKeys(ids: ReadonlySet<string>) {
    for (const [presented, { caller }] of verifiedKeys) {
      if (caller.apiKeyId !== undefined && ids.has(caller.apiKeyId)) verifiedKeys.delete(presented);
    }
  }

  return Object.assign(authenticate, { identify, audit, forgetKeys });
}

export type Authenticate = ReturnType<typeof createAuthenticator>;

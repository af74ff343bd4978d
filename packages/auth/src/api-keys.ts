import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { appendAuditEntry, type Sql } from '@plantgraph/db';
import type { Identity } from './identity.ts';
import { isRole, type Role } from './roles.ts';

/**
 * API keys for services and scripts: `pgk_<id>_<secret>`. Only a SHA-256 of the secret is stored
 * (the secret is 32 random bytes, so a slow hash would add nothing); the key is shown once, when
 * it is created, and can be revoked.
 */
const KEY = /^pgk_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

const digest = (secret: string) => createHash('sha256').update(secret).digest('hex');

export interface NewApiKey {
  role: Role;
  /** Site asset ids; null for every site. */
  sites: string[] | null;
  label: string;
}

/** Stores a new key and returns it in plain text: the only time it exists outside the caller. */
export async function createApiKey(sql: Sql, key: NewApiKey): Promise<{ id: string; key: string }> {
  const id = randomBytes(8).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  await sql.query(
    `insert into api_key (id, secret_sha256, role, sites, label) values ($1, $2, $3, $4::uuid[], $5)`,
    [id, digest(secret), key.role, key.sites, key.label],
  );
  return { id, key: `pgk_${id}_${secret}` };
}

/** Whether `text` looks like an API key (as opposed to a JWT). */
export function isApiKey(text: string): boolean {
  return text.startsWith('pgk_');
}

/** The id of a well-formed key (`pgk_<id>_…`), which is not secret; undefined otherwise. */
export function apiKeyId(text: string): string | undefined {
  return KEY.exec(text)?.[1];
}

/**
 * Which of `ids` name keys that are still valid: neither revoked nor gone. Gateways ask this for
 * the keys of their open sockets, so a revocation made anywhere reaches every gateway.
 */
export async function activeApiKeyIds(sql: Sql, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await sql.query<{ id: string }>(
    'select id from api_key where id = any($1::text[]) and revoked_at is null',
    [ids],
  );
  return new Set(rows.map((row) => row.id));
}

/** The identity of a valid, unrevoked key; undefined otherwise. */
export async function verifyApiKey(sql: Sql, text: string): Promise<Identity | undefined> {
  const match = KEY.exec(text);
  if (!match) return undefined;
  const [, id, secret] = match as unknown as [string, string, string];
  const [row] = await sql.query<{
    secret_sha256: string;
    role: string;
    sites: string[] | null;
    label: string;
  }>('select secret_sha256, role, sites, label from api_key where id = $1 and revoked_at is null', [
    id,
  ]);
  if (!row || !isRole(row.role)) return undefined;
  const expected = Buffer.from(row.secret_sha256);
  const given = Buffer.from(digest(secret));
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
  return {
    subject: `key:${id}${row.label ? ` (${row.label})` : ''}`,
    role: row.role,
    sites: row.sites,
  };
}

/** Revokes a key by id; returns whether one was revoked. */
export async function revokeApiKey(sql: Sql, id: string): Promise<boolean> {
  const rows = await sql.query(
    'update api_key set revoked_at = now() where id = $1 and revoked_at is null returning id',
    [id],
  );
  return rows.length > 0;
}

export interface ApiKeySummary {
  id: string;
  role: string;
  sites: string[] | null;
  label: string;
  createdAt: Date;
  revokedAt: Date | null;
}

/** Every key, newest first, without anything secret. */
export async function listApiKeys(sql: Sql): Promise<ApiKeySummary[]> {
  return sql.query<ApiKeySummary>(
    `select id, role, sites, label, created_at as "createdAt", revoked_at as "revokedAt"
       from api_key order by created_at desc`,
  );
}

/**
 * Records a refused authentication in the audit log (the same append-only table as mutations),
 * with what was presented, never the secret itself.
 */
export async function auditRefusedAuthentication(
  sql: Sql,
  attempt: { presented: string; reason: string; transport: 'http' | 'websocket' },
): Promise<void> {
  await appendAuditEntry(sql, {
    actor: attempt.presented,
    operation: 'authenticate',
    entityType: null,
    entityId: null,
    input: { transport: attempt.transport },
    outcome: 'DENIED',
    errorCode: 'UNAUTHENTICATED',
    result: { message: attempt.reason },
  });
}

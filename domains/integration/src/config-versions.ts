import { createHash } from 'node:crypto';
import type { Sql } from '@plantgraph/db';

/**
 * The versions of the integration configuration: each applied document as written, numbered
 * 1, 2, 3… The newest is the one the connectors run; rolling back means applying an older one's
 * document again, which becomes the newest.
 */

/** One stored version with its document. */
export interface ConfigVersion {
  version: number;
  document: unknown;
  digest: string;
  comment: string;
  appliedBy: string;
  appliedAt: Date;
}

/** A version without its document, for lists. */
export type ConfigVersionSummary = Omit<ConfigVersion, 'document'>;

export interface NewConfigVersion {
  document: unknown;
  comment: string;
  appliedBy: string;
}

/** Serialises versions against each other: numbers are dense and lineage periods ordered. */
const VERSION_LOCK_KEY = 727_369_140;

interface VersionRow {
  version: number;
  document?: unknown;
  digest: string;
  comment: string;
  applied_by: string;
  applied_at: Date;
}

const SUMMARY_COLUMNS = 'version, digest, comment, applied_by, applied_at';

function summaryOf(row: VersionRow): ConfigVersionSummary {
  return {
    version: row.version,
    digest: row.digest,
    comment: row.comment,
    appliedBy: row.applied_by,
    appliedAt: row.applied_at,
  };
}

const versionOf = (row: VersionRow): ConfigVersion => ({
  ...summaryOf(row),
  document: row.document,
});

/** JSON with object keys sorted, so equal documents serialise equally whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  const entries = Object.entries(value)
    .filter(([, item]) => item !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
}

/** The digest that identifies a document's content. */
export function configDigest(document: unknown): string {
  return createHash('sha256').update(canonicalJson(document)).digest('hex');
}

/** The number of the newest version, 0 while none was applied: what connectors poll. */
export async function latestConfigVersionNumber(sql: Sql): Promise<number> {
  const [row] = await sql.query<{ version: number | null }>(
    'select max(version) as version from integration_config_version',
  );
  return row?.version ?? 0;
}

/** The newest version, or undefined while none was applied. */
export async function latestConfigVersion(sql: Sql): Promise<ConfigVersion | undefined> {
  const [row] = await sql.query<VersionRow>(
    `select ${SUMMARY_COLUMNS}, document from integration_config_version
     order by version desc limit 1`,
  );
  return row && versionOf(row);
}

/** One version, or undefined when there is no such version. */
export async function configVersion(sql: Sql, version: number): Promise<ConfigVersion | undefined> {
  const [row] = await sql.query<VersionRow>(
    `select ${SUMMARY_COLUMNS}, document from integration_config_version where version = $1`,
    [version],
  );
  return row && versionOf(row);
}

/** Several versions in one query, in the order asked; null for a number with no version. */
export async function configVersions(
  sql: Sql,
  versions: readonly number[],
): Promise<(ConfigVersion | null)[]> {
  const rows = await sql.query<VersionRow>(
    `select ${SUMMARY_COLUMNS}, document from integration_config_version
     where version = any($1::integer[])`,
    [versions],
  );
  const byNumber = new Map(rows.map((row) => [row.version, versionOf(row)]));
  return versions.map((version) => byNumber.get(version) ?? null);
}

/** Versions newest first, at most `limit` of them, older than `before` when given. */
export async function listConfigVersions(
  sql: Sql,
  options: { limit: number; before?: number },
): Promise<ConfigVersionSummary[]> {
  const rows = await sql.query<VersionRow>(
    `select ${SUMMARY_COLUMNS} from integration_config_version
     where $1::integer is null or version < $1
     order by version desc limit $2`,
    [options.before ?? null, options.limit],
  );
  return rows.map(summaryOf);
}

/**
 * Stores a document as the next version, in the caller's transaction, which it locks against
 * other versions being applied until it ends.
 */
export async function insertConfigVersion(
  tx: Sql,
  version: NewConfigVersion,
): Promise<ConfigVersion> {
  await lockConfigVersions(tx);
  const [row] = await tx.query<VersionRow>(
    `insert into integration_config_version (version, document, digest, comment, applied_by)
     select coalesce(max(version), 0) + 1, $1::json, $2, $3, $4 from integration_config_version
     returning ${SUMMARY_COLUMNS}, document`,
    [
      JSON.stringify(version.document),
      configDigest(version.document),
      version.comment,
      version.appliedBy,
    ],
  );
  if (!row) throw new Error('storing the configuration version returned nothing');
  return versionOf(row);
}

/** Holds the version lock until the transaction ends. */
export async function lockConfigVersions(tx: Sql): Promise<void> {
  await tx.query('select pg_advisory_xact_lock($1)', [VERSION_LOCK_KEY]);
}

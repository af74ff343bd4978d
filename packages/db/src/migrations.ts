import { createHash, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { runtimeFile } from '@plantgraph/config';
import type { Sql } from './sql.ts';

/** The repository's `prisma/migrations`, where Prisma's folder layout keeps one SQL file per step. */
export const defaultMigrationsDir = runtimeFile(import.meta.url, 3, 'prisma/migrations');

export interface MigrationFile {
  name: string;
  checksum: string;
  sql: string;
}

export interface AppliedMigration {
  name: string;
  checksum: string;
  appliedAt: Date;
}

/** Raised when a migration already applied to the database no longer matches its file. */
export class MigrationChecksumError extends Error {
  constructor(name: string, applied: string, onDisk: string) {
    super(
      `Migration ${name} was applied with checksum ${applied}, but its migration.sql now has ` +
        `checksum ${onDisk}. Applied migrations must not change: restore the file and add a new ` +
        'migration for the change.',
    );
    this.name = 'MigrationChecksumError';
  }
}

// Prisma's own bookkeeping table, so `prisma migrate deploy` recognises what this runner applied.
const createMigrationsTable = `
create table if not exists _prisma_migrations (
  id                  varchar(36) primary key not null,
  checksum            varchar(64) not null,
  finished_at         timestamptz,
  migration_name      varchar(255) not null,
  logs                text,
  rolled_back_at      timestamptz,
  started_at          timestamptz not null default now(),
  applied_steps_count integer not null default 0
)`;

// Any constant serves; it only has to be the same in every Plantgraph process.
const MIGRATION_LOCK_KEY = 727_369_001;

export function readMigrations(dir = defaultMigrationsDir): MigrationFile[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(dir, entry.name, 'migration.sql')))
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

export async function appliedMigrations(sql: Sql): Promise<AppliedMigration[]> {
  const [table] = await sql.query<{ exists: boolean }>(
    "select to_regclass('_prisma_migrations') is not null as exists",
  );
  if (!table?.exists) return [];
  const rows = await sql.query<{ migration_name: string; checksum: string; finished_at: Date }>(
    `select migration_name, checksum, finished_at from _prisma_migrations
      where finished_at is not null and rolled_back_at is null order by migration_name`,
  );
  return rows.map((row) => ({
    name: row.migration_name,
    checksum: row.checksum,
    appliedAt: row.finished_at,
  }));
}

/** Names of the migrations on disk that the database has not applied. */
export async function pendingMigrations(sql: Sql, dir = defaultMigrationsDir): Promise<string[]> {
  const applied = new Set((await appliedMigrations(sql)).map((migration) => migration.name));
  return readMigrations(dir)
    .map((file) => file.name)
    .filter((name) => !applied.has(name));
}

/**
 * Earlier checksums of migrations that were edited after release, which the runner accepts from
 * databases that applied the earlier text. An edit may be listed here only when every database
 * that applied the earlier text is as the new text would have left it; say why next to the entry.
 * The recorded checksum stays as it was: it names the text that ran.
 */
export const SUPERSEDED_CHECKSUMS: Readonly<Record<string, readonly string[]>> = {
  // Both made their TSL features (compression, retention and refresh policies, continuous
  // aggregates) conditional on plantgraph.tsl_features for TimescaleDB's Apache edition. The
  // earlier text failed there, so it ran only on servers with the TSL features (where the new
  // text does the same) or without TimescaleDB (where neither touched them).
  '20261121000000_foundation': ['6279375479d9c43b7311cc055f55da1bc57c9fcaff2d2af8657962ff68bda167'],
  '20261122030000_rollups': ['1243868e4420023a5388d1b907d264e0c49104c38fe4ac8804f446923631efff'],
};

export interface MigrateOptions {
  /**
   * Whether the migrations set up the TSL features (compression, retention policies, continuous
   * aggregates), passed to them as the transaction-local setting `plantgraph.tsl_features`.
   * openDatabase passes `StorageCapabilities.tslFeatures`; unset, each migration goes by the
   * server's `timescaledb.license` (which is how `prisma migrate deploy` runs them).
   */
  tslFeatures?: boolean | undefined;
  /** Accepted earlier checksums by migration name; `SUPERSEDED_CHECKSUMS` unless given. */
  superseded?: Readonly<Record<string, readonly string[]>>;
}

/**
 * Applies pending migrations in name order, each in its own transaction, and refuses to run when
 * an applied migration's file changed (other than by an edit `superseded` lists). Concurrent
 * starts serialise on an advisory lock. Returns the names of the migrations this call applied.
 */
export async function migrate(
  sql: Sql,
  dir = defaultMigrationsDir,
  options: MigrateOptions = {},
): Promise<string[]> {
  const files = readMigrations(dir);
  const superseded = options.superseded ?? SUPERSEDED_CHECKSUMS;
  return sql.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    await tx.exec(createMigrationsTable);
    const applied = new Map((await appliedMigrations(tx)).map((m) => [m.name, m.checksum]));
    for (const file of files) {
      const checksum = applied.get(file.name);
      if (
        checksum !== undefined &&
        checksum !== file.checksum &&
        !superseded[file.name]?.includes(checksum)
      ) {
        throw new MigrationChecksumError(file.name, checksum, file.checksum);
      }
    }
    if (options.tslFeatures !== undefined) {
      await tx.query("select set_config('plantgraph.tsl_features', $1, true)", [
        options.tslFeatures ? 'on' : 'off',
      ]);
    }
    const pending = files.filter((file) => !applied.has(file.name));
    for (const file of pending) {
      await tx.exec(file.sql);
      await tx.query(
        `insert into _prisma_migrations (id, checksum, migration_name, finished_at, applied_steps_count)
         values ($1, $2, $3, now(), 1)`,
        [randomUUID(), file.checksum, file.name],
      );
    }
    return pending.map((file) => file.name);
  });
}

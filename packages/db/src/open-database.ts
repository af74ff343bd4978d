import { createLogger } from '@plantgraph/config';
import { probeCapabilities, tslFeaturesOff, type StorageCapabilities } from './capabilities.ts';
import { migrate, pendingMigrations } from './migrations.ts';
import { createPostgresSql } from './postgres-backend.ts';
import type { Sql } from './sql.ts';

export interface DatabaseOptions {
  /** PostgreSQL/TimescaleDB URL; unset selects the embedded backend. */
  databaseUrl?: string | undefined;
  /** Where the embedded backend keeps its files; unset keeps it in memory. */
  dataDir?: string | undefined;
  /**
   * Apply pending migrations before returning (true, the default), leave the schema alone
   * (false), or refuse to start when migrations are pending ('verify': production services,
   * whose schema the migrate role owns).
   */
  migrate?: boolean | 'verify';
}

export interface Database {
  sql: Sql;
  capabilities: StorageCapabilities;
  /** Migrations this start applied (empty when the schema was current). */
  newlyApplied: string[];
}

/** Connects to the configured backend, probes its capabilities and brings its schema up to date. */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  const sql = options.databaseUrl
    ? createPostgresSql(options.databaseUrl)
    : await openEmbeddedSql(options.dataDir);
  try {
    const capabilities = await probeCapabilities(sql);
    logTslFeaturesOff(capabilities);
    if (options.migrate === 'verify') await verifySchemaIsCurrent(sql);
    const newlyApplied =
      options.migrate === true || options.migrate === undefined
        ? await migrate(sql, undefined, { tslFeatures: capabilities.tslFeatures })
        : [];
    return { sql, capabilities, newlyApplied };
  } catch (error) {
    await sql.close();
    throw error;
  }
}

/**
 * One line at every start on TimescaleDB's Apache edition: the migrations leave these features
 * out and the analytics do without them, which operators should know (no retention: rows stay).
 */
function logTslFeaturesOff(capabilities: StorageCapabilities): void {
  const off = tslFeaturesOff(capabilities);
  if (off.length === 0) return;
  createLogger('db').warn(
    {
      timescaleVersion: capabilities.timescaleVersion,
      timescaleLicense: capabilities.timescaleLicense,
      off,
    },
    `TimescaleDB ${capabilities.timescaleLicense} edition: ${off.join(', ')} are off`,
  );
}

/** Loaded on demand: production roles never open the embedded database, nor ship PGlite. */
async function openEmbeddedSql(dataDir: string | undefined): Promise<Sql> {
  const { createEmbeddedSql } = await import('./embedded-backend.ts');
  return createEmbeddedSql(dataDir);
}

/** Raised when a service starts on a database the migrate role has not brought up to date. */
export class SchemaNotCurrentError extends Error {
  constructor(pending: string[]) {
    super(
      `DATABASE_URL: the schema is ${pending.length} migration(s) behind (next: ${pending[0]}). ` +
        'Run `plantgraph migrate` against it first.',
    );
    this.name = 'SchemaNotCurrentError';
  }
}

async function verifySchemaIsCurrent(sql: Sql): Promise<void> {
  const pending = await pendingMigrations(sql);
  if (pending.length > 0) throw new SchemaNotCurrentError(pending);
}

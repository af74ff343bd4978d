import { probeCapabilities, type StorageCapabilities } from './capabilities.ts';
import { createEmbeddedSql } from './embedded-backend.ts';
import { migrate } from './migrations.ts';
import { createPostgresSql } from './postgres-backend.ts';
import type { Sql } from './sql.ts';

export interface DatabaseOptions {
  /** PostgreSQL/TimescaleDB URL; unset selects the embedded backend. */
  databaseUrl?: string | undefined;
  /** Where the embedded backend keeps its files; unset keeps it in memory. */
  dataDir?: string | undefined;
  /** Apply pending migrations before returning (default true). */
  migrate?: boolean;
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
    : await createEmbeddedSql(options.dataDir);
  try {
    const capabilities = await probeCapabilities(sql);
    const newlyApplied = options.migrate === false ? [] : await migrate(sql);
    return { sql, capabilities, newlyApplied };
  } catch (error) {
    await sql.close();
    throw error;
  }
}

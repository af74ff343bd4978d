import type { Sql, StorageBackend } from './sql.ts';

export interface StorageCapabilities {
  backend: StorageBackend;
  postgresVersion: string;
  /** The TimescaleDB extension version, or null when time-series tables are plain tables. */
  timescaleVersion: string | null;
}

/**
 * Enables TimescaleDB where the server offers it, then reports what is active. Managed
 * PostgreSQL without the extension is a supported target: the migrations fall back to plain
 * tables with BRIN indexes.
 */
export async function probeCapabilities(sql: Sql): Promise<StorageCapabilities> {
  const [available] = await sql.query<{ available: boolean }>(
    "select exists (select 1 from pg_available_extensions where name = 'timescaledb') as available",
  );
  if (available?.available) {
    try {
      await sql.exec('create extension if not exists timescaledb');
    } catch {
      // Without the privilege to create it (or a preload entry) we run on the plain-table path.
    }
  }
  const [row] = await sql.query<{ server_version: string; timescale: string | null }>(
    `select current_setting('server_version') as server_version,
            (select extversion from pg_extension where extname = 'timescaledb') as timescale`,
  );
  return {
    backend: sql.backend,
    postgresVersion: row?.server_version ?? 'unknown',
    timescaleVersion: row?.timescale ?? null,
  };
}

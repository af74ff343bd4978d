import type { Sql, StorageBackend } from './sql.ts';

/**
 * `timescaledb.license`: 'timescale' is the edition with the Timescale License (TSL) features;
 * 'apache' is the Apache-2.0 edition that managed services such as Azure Database for PostgreSQL
 * ship, with hypertables but without them.
 */
export type TimescaleLicense = 'apache' | 'timescale';

/**
 * The TSL features Plantgraph uses, in the words of the log line that reports them off: the
 * migrations set up the first three, `Tag.aggregate` and `timeseriesFrame` use the last.
 */
export const TSL_FEATURES = [
  'compression',
  'retention policies',
  'continuous aggregates',
  'gap filling',
] as const;

export interface StorageCapabilities {
  backend: StorageBackend;
  postgresVersion: string;
  /** The TimescaleDB extension version, or null when time-series tables are plain tables. */
  timescaleVersion: string | null;
  /** The TimescaleDB edition, or null without TimescaleDB. */
  timescaleLicense: TimescaleLicense | null;
  /** Whether the server offers the TSL features (`TSL_FEATURES`): TimescaleDB, not its Apache edition. */
  tslFeatures: boolean;
}

/**
 * The TSL features this server lacks although it runs TimescaleDB. Empty without TimescaleDB:
 * there nothing of it is expected, and the plain-table path is documented on its own.
 */
export function tslFeaturesOff(
  capabilities: Pick<StorageCapabilities, 'timescaleVersion' | 'tslFeatures'>,
): readonly string[] {
  return capabilities.timescaleVersion !== null && !capabilities.tslFeatures ? TSL_FEATURES : [];
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
  const [row] = await sql.query<{
    server_version: string;
    timescale: string | null;
    timescale_schema: string | null;
  }>(
    `select current_setting('server_version') as server_version, e.extversion as timescale,
            e.extnamespace::regnamespace::text as timescale_schema
       from (select 1) as one
       left join pg_extension e on e.extname = 'timescaledb'`,
  );
  const timescaleVersion = row?.timescale ?? null;
  const schema = row?.timescale_schema;
  const timescaleLicense = schema ? await probeLicense(sql, schema) : null;
  return {
    backend: sql.backend,
    postgresVersion: row?.server_version ?? 'unknown',
    timescaleVersion,
    timescaleLicense,
    tslFeatures: timescaleLicense === 'timescale',
  };
}

async function probeLicense(sql: Sql, schema: string): Promise<TimescaleLicense> {
  // The setting exists once the extension's library is loaded in the session. Servers preload it
  // (shared_preload_libraries); the embedded PGlite loads it on first use, which this call makes.
  await sql.query(`select ${schema}.time_bucket('1 day'::interval, now())`);
  const [row] = await sql.query<{ license: string | null }>(
    "select current_setting('timescaledb.license', true) as license",
  );
  // TimescaleDB 2.x knows only these two values; anything but 'apache' has the TSL features.
  return row?.license === 'apache' ? 'apache' : 'timescale';
}

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TSL_FEATURES, tslFeaturesOff } from './capabilities.ts';
import { migrate } from './migrations.ts';
import { openDatabase, type Database } from './open-database.ts';

/**
 * TimescaleDB's Apache edition cannot be selected in the embedded PGlite: `timescaledb.license`
 * may only come from postgresql.conf or the server command line, and PGlite reads neither (nor
 * accepts SET, ALTER DATABASE or ALTER SYSTEM for it). So the migrations run here with the plan
 * the runner derives for that edition (`tslFeatures: false`) on the embedded TimescaleDB, which
 * has the TSL features: what this proves is that the plan reaches the SQL and leaves every TSL
 * feature out, not that the Apache edition itself accepts each statement.
 */

const TIME_SERIES = ['counter_increment', 'datapoint', 'machine_state'];
const opened: Database[] = [];
const dataDir = mkdtempSync(join(tmpdir(), 'plantgraph-editions-'));

afterAll(async () => {
  for (const database of opened) await database.sql.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function openEmbedded(dir?: string): Promise<Database> {
  const database = await openDatabase({ dataDir: dir, migrate: false });
  opened.push(database);
  return database;
}

interface TimescaleSetup {
  hypertables: { hypertable_name: string; compression_enabled: boolean }[];
  jobs: string[];
  continuousAggregates: string[];
  brinIndexes: string[];
}

async function timescaleSetup(database: Database): Promise<TimescaleSetup> {
  const { sql } = database;
  return {
    hypertables: await sql.query(
      `select hypertable_name, compression_enabled from timescaledb_information.hypertables
        order by hypertable_name`,
    ),
    jobs: (
      await sql.query<{ job: string }>(
        `select hypertable_name || ' ' || proc_name as job from timescaledb_information.jobs
          where hypertable_name is not null order by 1`,
      )
    ).map((row) => row.job),
    continuousAggregates: (
      await sql.query<{ view_name: string }>(
        'select view_name from timescaledb_information.continuous_aggregates order by 1',
      )
    ).map((row) => row.view_name),
    brinIndexes: (
      await sql.query<{ tablename: string }>(
        "select tablename from pg_indexes where indexdef like '%USING brin%' order by 1",
      )
    ).map((row) => row.tablename),
  };
}

describe('migration plan by TimescaleDB edition', () => {
  it('turns the TSL features off on the Apache edition only', () => {
    expect(tslFeaturesOff({ timescaleVersion: '2.23.0', tslFeatures: true })).toEqual([]);
    expect(tslFeaturesOff({ timescaleVersion: '2.23.0', tslFeatures: false })).toEqual(
      TSL_FEATURES,
    );
    // Plain PostgreSQL has no TimescaleDB feature at all: nothing is reported as switched off.
    expect(tslFeaturesOff({ timescaleVersion: null, tslFeatures: false })).toEqual([]);
  });

  it("reports the server's licence, read after the extension's library is loaded", async () => {
    // A reopened data directory: TimescaleDB is installed, but nothing has loaded its library
    // in the new session yet, so the setting does not exist until the probe loads it.
    await (await openEmbedded(dataDir)).sql.close();
    opened.pop();
    const database = await openEmbedded(dataDir);
    expect(database.capabilities).toMatchObject({
      timescaleLicense: 'timescale',
      tslFeatures: true,
    });
    const [setting] = await database.sql.query<{ license: string | null }>(
      "select current_setting('timescaledb.license', true) as license",
    );
    expect(setting?.license).toBe(database.capabilities.timescaleLicense);
  });

  it('creates hypertables without compression, policies or continuous aggregates on the Apache plan', async () => {
    const database = await openEmbedded();
    expect(database.capabilities.timescaleVersion).not.toBeNull();
    await migrate(database.sql, undefined, { tslFeatures: false });
    expect(await timescaleSetup(database)).toEqual({
      hypertables: TIME_SERIES.map((name) => ({
        hypertable_name: name,
        compression_enabled: false,
      })),
      jobs: [],
      continuousAggregates: [],
      // Hypertables skip chunks by time themselves: the BRIN indexes are the plain-table path.
      brinIndexes: [],
    });
    const [rollup] = await database.sql.query<{ exists: boolean }>(
      "select to_regclass('datapoint_1m') is not null as exists",
    );
    expect(rollup?.exists).toBe(false);
  });

  it('sets up every TSL feature on the plan of the full edition, on the same server', async () => {
    const database = await openEmbedded();
    await migrate(database.sql, undefined, { tslFeatures: true });
    const setup = await timescaleSetup(database);
    expect(setup.hypertables).toEqual(
      TIME_SERIES.map((name) => ({ hypertable_name: name, compression_enabled: true })),
    );
    expect(setup.jobs).toEqual(
      expect.arrayContaining([
        ...TIME_SERIES.flatMap((name) => [
          `${name} policy_compression`,
          `${name} policy_retention`,
        ]),
        'datapoint_1h policy_refresh_continuous_aggregate',
        'datapoint_1m policy_retention',
      ]),
    );
    expect(setup.continuousAggregates).toEqual(['datapoint_1h', 'datapoint_1m']);
  });
});

import { mkdtempSync, mkdirSync, writeFileSync, cpSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '@plantgraph/testing';
import {
  appliedMigrations,
  defaultMigrationsDir,
  migrate,
  MigrationChecksumError,
  readMigrations,
  SUPERSEDED_CHECKSUMS,
} from '@plantgraph/db';

let database: TestDatabase;
let scratch: string;

beforeAll(async () => {
  database = await openTestDatabase();
  scratch = mkdtempSync(join(tmpdir(), 'plantgraph-migrations-'));
});

afterAll(async () => {
  await database?.close();
  rmSync(scratch, { recursive: true, force: true });
});

describe('migration runner', () => {
  it('records every migration with its sha256 checksum, Prisma-style', async () => {
    const files = readMigrations();
    const applied = await appliedMigrations(database.sql);
    expect(applied.map((migration) => migration.name)).toEqual(files.map((file) => file.name));
    expect(applied.map((migration) => migration.checksum)).toEqual(
      files.map((file) => file.checksum),
    );
    const [row] = await database.sql.query<{
      applied_steps_count: number;
      rolled_back_at: Date | null;
    }>('select applied_steps_count, rolled_back_at from _prisma_migrations limit 1');
    expect(row).toEqual({ applied_steps_count: 1, rolled_back_at: null });
  });

  it('applies nothing when the schema is current', async () => {
    expect(await migrate(database.sql)).toEqual([]);
  });

  it('applies a new migration once, in name order', async () => {
    const dir = join(scratch, 'new');
    cpSync(defaultMigrationsDir, dir, { recursive: true });
    mkdirSync(join(dir, '29990101000000_probe'));
    writeFileSync(
      join(dir, '29990101000000_probe', 'migration.sql'),
      'create table probe (id int);',
    );
    expect(await migrate(database.sql, dir)).toEqual(['29990101000000_probe']);
    expect(await migrate(database.sql, dir)).toEqual([]);
    const [probe] = await database.sql.query<{ exists: boolean }>(
      "select to_regclass('probe') is not null as exists",
    );
    expect(probe?.exists).toBe(true);
  });

  it('refuses to run when an applied migration file changed', async () => {
    const dir = join(scratch, 'changed');
    cpSync(defaultMigrationsDir, dir, { recursive: true });
    const [first] = readMigrations(dir);
    writeFileSync(join(dir, first!.name, 'migration.sql'), `${first!.sql}\n-- edited\n`);
    await expect(migrate(database.sql, dir)).rejects.toThrow(MigrationChecksumError);
    await expect(migrate(database.sql, dir)).rejects.toThrow(first!.name);
  });

  it('accepts an applied migration changed by an edit listed as superseding it, and only that', async () => {
    const dir = join(scratch, 'superseded');
    cpSync(defaultMigrationsDir, dir, { recursive: true });
    const [first] = readMigrations(dir);
    writeFileSync(join(dir, first!.name, 'migration.sql'), `${first!.sql}\n-- edited\n`);
    const superseded = { [first!.name]: [first!.checksum] };
    expect(await migrate(database.sql, dir, { superseded })).toEqual([]);
    // The record keeps naming the text that ran.
    const applied = await appliedMigrations(database.sql);
    expect(applied.find((migration) => migration.name === first!.name)?.checksum).toBe(
      first!.checksum,
    );
    const elsewhere = { '29990101000000_other': [first!.checksum] };
    await expect(migrate(database.sql, dir, { superseded: elsewhere })).rejects.toThrow(
      MigrationChecksumError,
    );
  });

  it('starts on databases that applied foundation and rollups before their edition edit', async () => {
    const files = new Map(readMigrations().map((file) => [file.name, file.checksum]));
    const entries = Object.entries(SUPERSEDED_CHECKSUMS);
    expect(entries.map(([name]) => name)).toEqual(
      expect.arrayContaining(['20261121000000_foundation', '20261122030000_rollups']),
    );
    const setChecksum = (name: string, checksum: string) =>
      database.sql.query('update _prisma_migrations set checksum = $1 where migration_name = $2', [
        checksum,
        name,
      ]);
    for (const [name, earlier] of entries) {
      // An entry for a name that is not on disk, or listing the current text, would admit nothing.
      expect(files.has(name), name).toBe(true);
      expect(earlier).not.toContain(files.get(name));
      await setChecksum(name, earlier[0]!);
    }
    try {
      // As such a database recorded them: only the list admits the earlier checksums.
      await expect(migrate(database.sql, undefined, { superseded: {} })).rejects.toThrow(
        MigrationChecksumError,
      );
      expect(await migrate(database.sql)).toEqual([]);
    } finally {
      for (const [name] of entries) await setChecksum(name, files.get(name)!);
    }
  });

  it('rolls a failing migration back completely', async () => {
    const dir = join(scratch, 'failing');
    cpSync(defaultMigrationsDir, dir, { recursive: true });
    mkdirSync(join(dir, '29991231000000_broken'));
    writeFileSync(
      join(dir, '29991231000000_broken', 'migration.sql'),
      'create table half_done (id int); select no_such_function();',
    );
    await expect(migrate(database.sql, dir)).rejects.toThrow(/no_such_function/);
    const [table] = await database.sql.query<{ exists: boolean }>(
      "select to_regclass('half_done') is not null as exists",
    );
    expect(table?.exists).toBe(false);
    const names = (await appliedMigrations(database.sql)).map((migration) => migration.name);
    expect(names).not.toContain('29991231000000_broken');
  });

  it('makes time-series tables hypertables with TimescaleDB and BRIN-indexed tables without', async () => {
    const tables = ['counter_increment', 'datapoint', 'machine_state'];
    if (database.capabilities.timescaleVersion) {
      // The Apache edition (a TEST_DATABASE_URL on a managed service, say) has hypertables only.
      const tsl = database.capabilities.tslFeatures;
      const rows = await database.sql.query<{
        hypertable_name: string;
        compression_enabled: boolean;
      }>(
        `select hypertable_name, compression_enabled from timescaledb_information.hypertables
          order by hypertable_name`,
      );
      expect(rows).toEqual(
        tables.map((name) => ({ hypertable_name: name, compression_enabled: tsl })),
      );
      const jobs = await database.sql.query<{ hypertable_name: string; proc_name: string }>(
        'select hypertable_name, proc_name from timescaledb_information.jobs where hypertable_name is not null order by proc_name',
      );
      const jobsOf = (names: string[]) =>
        new Set(
          jobs
            .filter((job) => names.includes(job.hypertable_name))
            .map((job) => `${job.hypertable_name} ${job.proc_name}`),
        );
      expect(jobsOf(tables)).toEqual(
        new Set(
          tsl
            ? tables.flatMap((name) => [`${name} policy_compression`, `${name} policy_retention`])
            : [],
        ),
      );
      // The rollups (continuous aggregates) are refreshed and kept as long as the raw samples.
      const rollups = ['datapoint_1h', 'datapoint_1m'];
      expect(jobsOf(rollups)).toEqual(
        new Set(
          (tsl ? rollups : []).flatMap((name) => [
            `${name} policy_refresh_continuous_aggregate`,
            `${name} policy_retention`,
          ]),
        ),
      );
    } else {
      const [rollups] = await database.sql.query<{ exists: boolean }>(
        "select to_regclass('datapoint_1m') is not null or to_regclass('datapoint_1h') is not null as exists",
      );
      expect(rollups?.exists).toBe(false);
      const rows = await database.sql.query<{ tablename: string }>(
        `select tablename from pg_indexes where indexdef like '%USING brin%' order by tablename`,
      );
      expect(rows.map((row) => row.tablename)).toEqual(tables);
    }
  });
});

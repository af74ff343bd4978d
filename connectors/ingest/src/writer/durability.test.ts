import { readdir, readFile, stat, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@plantgraph/config';
import { createPostgresSql } from '@plantgraph/db';
import { openTestDatabase, type TestDatabase } from '@plantgraph/testing';
import { metricsRegistry } from '../metrics.ts';
import { IngestWriter, type IngestWriterOptions } from './ingest-writer.ts';
import { datapoints, seedMachines, temporaryDirectory, until } from './testing/fixtures.ts';

const logger = createLogger('test', process.env.LOG_LEVEL ?? 'silent');
const T0 = Date.UTC(2026, 0, 1, 6);
/** Longer than any test here: only `durable()` can make the writer write. */
const NEVER = 3_600_000;

let database: TestDatabase;
let tags: Record<string, string>;
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  database = await openTestDatabase();
  ({ tags } = await seedMachines(database.sql));
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

afterAll(async () => {
  await database?.close();
});

async function writer(spoolDir: string, options: Partial<IngestWriterOptions> = {}) {
  const started = new IngestWriter({ sql: database.sql, spoolDir, logger, ...options });
  await started.start();
  cleanups.push(() => started.close());
  return started;
}

async function stored(tagId: string): Promise<number> {
  const [row] = await database.sql.query<{ n: number }>(
    'select count(*) as n from datapoint where tag_id = $1',
    [tagId],
  );
  return row!.n;
}

async function tornLinesCounted(): Promise<number> {
  const metric = await metricsRegistry
    .getSingleMetric('plantgraph_ingest_spool_torn_lines_total')!
    .get();
  return metric.values[0]?.value ?? 0;
}

describe('IngestWriter durability', () => {
  it('durable() resolves once what was queued before it is committed, without the timer', async () => {
    const spool = await temporaryDirectory('plantgraph-spool-');
    cleanups.push(spool.remove);
    const tagId = tags['Press 1/Force']!;
    const ingest = await writer(spool.path, { flushIntervalMs: NEVER });
    const points = datapoints(tagId, 120, T0);

    await ingest.write(points.slice(0, 100));
    expect(await stored(tagId)).toBe(0);
    const first = ingest.durable();
    await ingest.write(points.slice(100));
    await first;
    expect(await stored(tagId)).toBeGreaterThanOrEqual(100);
    await ingest.durable();
    expect(await stored(tagId)).toBe(120);
    // Nothing pending: resolves at once.
    await ingest.durable();
  });

  it('durable() resolves once the records are fsynced to the spool while the database is away', async () => {
    const spool = await temporaryDirectory('plantgraph-spool-');
    cleanups.push(spool.remove);
    const unreachable = createPostgresSql('postgres://postgres@127.0.0.1:1/unreachable');
    cleanups.push(() => unreachable.close());
    const offline = new IngestWriter({
      sql: unreachable,
      spoolDir: spool.path,
      logger,
      flushIntervalMs: NEVER,
    });
    await offline.start();
    cleanups.push(() => offline.close());

    await offline.write(datapoints(tags['Press 1/Speed']!, 50, T0));
    await offline.durable();
    const [file] = await readdir(spool.path);
    const text = await readFile(join(spool.path, file!), 'utf8');
    expect(text.split('\n').filter(Boolean)).toHaveLength(50);
    expect(offline.spoolDepth).toBe(50);
  });

  it('replays a spool file cut off mid-line up to its last full line and keeps going', async () => {
    const spool = await temporaryDirectory('plantgraph-spool-');
    cleanups.push(spool.remove);
    const tagId = tags['Press 2/Force']!;
    const unreachable = createPostgresSql('postgres://postgres@127.0.0.1:1/unreachable');
    const offline = new IngestWriter({ sql: unreachable, spoolDir: spool.path, logger });
    await offline.start();
    await offline.write(datapoints(tagId, 40, T0));
    await offline.durable();
    await offline.close();
    await unreachable.close();

    // A crash in the middle of an append: the file ends 25 bytes into its last line.
    const [file] = await readdir(spool.path);
    const path = join(spool.path, file!);
    const text = await readFile(path, 'utf8');
    const lastLine = text.lastIndexOf('\n', text.length - 2) + 1;
    await truncate(path, Buffer.byteLength(text.slice(0, lastLine)) + 25);
    expect((await stat(path)).size).toBe(Buffer.byteLength(text.slice(0, lastLine)) + 25);

    const tornBefore = await tornLinesCounted();
    const online = await writer(spool.path);
    expect(online.spoolDepth).toBe(39);
    await until(() => online.spoolDepth === 0 && online.databaseAvailable);
    expect(await stored(tagId)).toBe(39);
    expect(await tornLinesCounted()).toBe(tornBefore + 1);
    expect(
      await database.sql.query(`select reason from dead_letter where connection = '_writer'`),
    ).toEqual([]);
    expect(await readdir(spool.path)).toEqual([]);

    // Still writing: the last record, as the source would send it again, is stored too.
    await online.write(datapoints(tagId, 40, T0).slice(39));
    await online.durable();
    expect(await stored(tagId)).toBe(40);
  });
});

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@plantgraph/config';
import { openTestDatabase, type TestDatabase } from '@plantgraph/testing';
import type { CounterRecord, IngestRecord } from '../records.ts';
import { IngestWriter } from './ingest-writer.ts';
import { Spool } from './spool.ts';
import { seedMachines, temporaryDirectory, TEST_PLACE, until } from './testing/fixtures.ts';

/*
 * Running totals through the writer: the increment is computed against the total stored for the
 * source in the batch's own transaction, so a restart, a spool replayed after one, or a batch
 * written twice neither loses nor repeats parts.
 */

const logger = createLogger('test', process.env.LOG_LEVEL ?? 'silent');
const T0 = Date.UTC(2026, 0, 1, 6);

let database: TestDatabase;
let press: string;
/** Each test's readings lie in an hour of their own, so its increments are told apart. */
const HOUR = { a: 0, b: 1, c: 2 };
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  database = await openTestDatabase();
  press = (await seedMachines(database.sql)).machines['Press 1']!;
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

afterAll(() => database?.close());

const start = (address: keyof typeof HOUR) => T0 + HOUR[address] * 3_600_000;

/** A running total of `address` read `seconds` into its hour, as the mapper passes it on. */
const reading = (address: keyof typeof HOUR, seconds: number, value: number): CounterRecord => ({
  kind: 'counter',
  assetId: press,
  assetPath: TEST_PLACE.assetPath,
  time: new Date(start(address) + seconds * 1000),
  counter: 'GOOD',
  increment: 0,
  total: { connection: 'plc', address, value },
});

/** A writer over `spoolDir`, as one connector process runs it; what it published is kept. */
async function startWriter(spoolDir: string) {
  const published: IngestRecord[] = [];
  const writer = new IngestWriter({
    sql: database.sql,
    spoolDir,
    logger,
    onWritten: (records) => published.push(...records),
  });
  await writer.start();
  cleanups.push(() => writer.close());
  return { writer, published };
}

async function increments(address: keyof typeof HOUR): Promise<number[]> {
  const rows = await database.sql.query<{ increment: number }>(
    `select increment from counter_increment
      where asset_id = $1 and time >= $2 and time < $3 order by time`,
    [press, new Date(start(address)), new Date(start(address) + 3_600_000)],
  );
  return rows.map((row) => row.increment);
}

const publishedIncrements = (records: readonly IngestRecord[]) =>
  records.map((record) => (record.kind === 'counter' ? record.increment : record.kind));

describe('running totals in the ingest writer', () => {
  it('stores and publishes the increments the totals make, a PLC reset included', async () => {
    const spool = await temporaryDirectory('plantgraph-spool-');
    cleanups.push(spool.remove);
    const { writer, published } = await startWriter(spool.path);
    await writer.write([reading('a', 0, 100), reading('a', 1, 104), reading('a', 2, 104)]);
    await writer.write([reading('a', 3, 3)]);
    await writer.flush();
    expect(await increments('a')).toEqual([4, 3]);
    // The baseline and the unchanged total counted nothing: nothing to publish for them.
    expect(publishedIncrements(published)).toEqual([4, 3]);
  });

  it('counts after a restart from the stored total, and a batch written again counts nothing', async () => {
    const spool = await temporaryDirectory('plantgraph-spool-');
    cleanups.push(spool.remove);
    const first = await startWriter(spool.path);
    const batch = [reading('b', 0, 100), reading('b', 10, 110)];
    await first.writer.write(batch);
    await first.writer.close();
    const second = await startWriter(spool.path);
    await second.writer.write(batch);
    await second.writer.write([reading('b', 20, 130)]);
    await second.writer.flush();
    expect(await increments('b')).toEqual([10, 20]);
    expect(publishedIncrements(second.published)).toEqual([20]);
  });

  it('replays totals spooled before a restart ahead of the new ones, counting each part once', async () => {
    const spool = await temporaryDirectory('plantgraph-spool-');
    cleanups.push(spool.remove);
    const first = await startWriter(spool.path);
    await first.writer.write([reading('c', 0, 100)]);
    await first.writer.close();
    // What a process that lost the database spooled before it stopped.
    const left = await Spool.open(spool.path, 1 << 20);
    await left.append([reading('c', 10, 110), reading('c', 20, 120)]);
    await left.close();
    // The restarted process reads 130 first thing; the spool goes to the database before it.
    const second = await startWriter(spool.path);
    await second.writer.write([reading('c', 30, 130)]);
    await until(async () => (await increments('c')).length === 3);
    await second.writer.flush();
    expect(await increments('c')).toEqual([10, 10, 10]);
  });
});

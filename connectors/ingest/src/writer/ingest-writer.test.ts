import { appendFile, readdir } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@plantgraph/config';
import { createPostgresSql } from '@plantgraph/db';
import { openTestDatabase, testBackend, type TestDatabase } from '@plantgraph/testing';
import type { AlarmRecord, CounterRecord, IngestRecord, StateRecord } from '../records.ts';
import { IngestWriter, type IngestWriterOptions } from './ingest-writer.ts';
import type { StoredDeadLetter } from './items.ts';
import {
  datapoints,
  seedMachines,
  temporaryDirectory,
  TEST_PLACE,
  until,
} from './testing/fixtures.ts';

const logger = createLogger('test', process.env.LOG_LEVEL ?? 'silent');
const T0 = Date.UTC(2026, 0, 1, 6);
const at = (seconds: number) => new Date(T0 + seconds * 1000);

let database: TestDatabase;
let machines: Record<string, string>;
let tags: Record<string, string>;
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  database = await openTestDatabase();
  ({ machines, tags } = await seedMachines(database.sql));
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

afterAll(async () => {
  await database?.close();
});

async function startWriter(options: Partial<IngestWriterOptions> = {}) {
  const spool = await temporaryDirectory('plantgraph-spool-');
  const writer = new IngestWriter({ sql: database.sql, spoolDir: spool.path, logger, ...options });
  await writer.start();
  cleanups.push(spool.remove, () => writer.close());
  return writer;
}

async function count(text: string, params: unknown[] = []): Promise<number> {
  const [row] = await database.sql.query<{ n: number }>(
    `select count(*) as n from ${text}`,
    params,
  );
  return row!.n;
}

const state = (assetId: string, seconds: number, value: StateRecord['state'], reason?: string) =>
  ({
    kind: 'state',
    assetId,
    assetPath: TEST_PLACE.assetPath,
    time: at(seconds),
    state: value,
    reason: reason ?? null,
  }) as const;

const alarm = (assetId: string, seconds: number, code: string, active: boolean): AlarmRecord => ({
  kind: 'alarm',
  assetId,
  assetPath: TEST_PLACE.assetPath,
  time: at(seconds),
  code,
  active,
  severity: 'HIGH',
  message: `${code} on press`,
});

const counter = (assetId: string, seconds: number, increment: number): CounterRecord => ({
  kind: 'counter',
  assetId,
  assetPath: TEST_PLACE.assetPath,
  time: at(seconds),
  counter: 'GOOD',
  increment,
});

describe('IngestWriter', () => {
  it('writes datapoints and counters in batches of one write per kind, idempotently', async () => {
    const writer = await startWriter({ batchSize: 500 });
    const force = datapoints(tags['Press 1/Force']!, 700, T0);
    const speed = datapoints(tags['Press 1/Speed']!, 300, T0);
    const counters = [1, 2, 3].map((second) => counter(machines['Press 1']!, second, second));
    await writer.write([...force.slice(0, 10), ...speed.slice(0, 10), ...counters]);
    await writer.flush();

    const statements: string[] = [];
    const unobserve = database.sql.observe((text) => statements.push(text));
    await writer.write([...force.slice(10), ...speed.slice(10)]);
    await writer.flush();
    unobserve();
    // References are resolved by now: a batch of datapoints is exactly one write, a COPY under a
    // savepoint on PostgreSQL, an unnest insert on the embedded backend.
    const writes = statements.filter((text) => !/^(savepoint|release savepoint) /.test(text));
    expect(writes).toHaveLength(2);
    const write = testBackend() === 'postgres' ? 'copy datapoint' : 'insert into datapoint';
    expect(writes.every((text) => text.startsWith(write))).toBe(true);

    const tagIds = [tags['Press 1/Force'], tags['Press 1/Speed']];
    expect(await count('datapoint where tag_id = any($1::uuid[])', [tagIds])).toBe(1000);
    const [last] = await database.sql.query<{ value: number; time: Date }>(
      `select value, time from datapoint where tag_id = $1 order by time desc limit 1`,
      [tags['Press 1/Force']],
    );
    expect(last).toEqual({ value: 699, time: at(699) });
    expect(
      await database.sql.query(
        'select kind, increment from counter_increment where asset_id = $1 order by time',
        [machines['Press 1']],
      ),
    ).toEqual([1, 2, 3].map((increment) => ({ kind: 'GOOD', increment })));

    await writer.write([...force, ...speed, ...counters]);
    await writer.flush();
    expect(await count('datapoint where tag_id = any($1::uuid[])', [tagIds])).toBe(1000);
    expect(await count('counter_increment where asset_id = $1', [machines['Press 1']])).toBe(3);
  });

  it('drops states equal to the previous one, in the batch or stored', async () => {
    const press = machines['Press 2']!;
    await database.sql.query(
      `insert into machine_state (time, asset_id, state, reason) values ($1, $2, 'RUNNING', null)`,
      [at(0), press],
    );
    const written: IngestRecord[] = [];
    const writer = await startWriter({ onWritten: (records) => written.push(...records) });
    // Out of order on purpose: the writer applies one asset's states in time order.
    await writer.write([
      state(press, 3, 'IDLE', 'STARVED'),
      state(press, 1, 'RUNNING'),
      state(press, 2, 'IDLE', 'STARVED'),
      state(press, 4, 'IDLE', 'BLOCKED'),
      state(press, 5, 'RUNNING'),
    ]);
    await writer.flush();
    await writer.write([state(press, 6, 'RUNNING'), state(press, 7, 'DOWN', 'JAM')]);
    await writer.flush();

    const rows = await database.sql.query<{ time: Date; state: string; reason: string | null }>(
      'select time, state, reason from machine_state where asset_id = $1 order by time',
      [press],
    );
    expect(rows).toEqual([
      { time: at(0), state: 'RUNNING', reason: null },
      { time: at(2), state: 'IDLE', reason: 'STARVED' },
      { time: at(4), state: 'IDLE', reason: 'BLOCKED' },
      { time: at(5), state: 'RUNNING', reason: null },
      { time: at(7), state: 'DOWN', reason: 'JAM' },
    ]);
    expect(written.map((record) => record.time)).toEqual([at(2), at(4), at(5), at(7)]);

    const again = await startWriter();
    await again.write([state(press, 7, 'DOWN', 'JAM'), state(press, 5, 'RUNNING')]);
    await again.flush();
    expect(await count('machine_state where asset_id = $1', [press])).toBe(5);
  });

  it('raises, clears and re-raises alarms; a raise while active changes nothing', async () => {
    const press = machines['Press 1']!;
    const writer = await startWriter();
    const events = () =>
      database.sql.query<{ raised_at: Date; cleared_at: Date | null; message: string }>(
        `select raised_at, cleared_at, message from alarm_event
          where asset_id = $1 and code = 'JAM' order by raised_at`,
        [press],
      );

    await writer.write([alarm(press, 10, 'JAM', true), alarm(press, 12, 'JAM', true)]);
    await writer.flush();
    expect(await events()).toEqual([
      { raised_at: at(10), cleared_at: null, message: 'JAM on press' },
    ]);

    await writer.write([alarm(press, 11, 'OVERLOAD', false), alarm(press, 13, 'JAM', true)]);
    await writer.flush();
    expect(await events()).toHaveLength(1);

    const lifeCycle = [
      alarm(press, 20, 'JAM', false),
      alarm(press, 30, 'JAM', true),
      alarm(press, 35, 'JAM', false),
      alarm(press, 40, 'JAM', true),
    ];
    await writer.write(lifeCycle);
    await writer.flush();
    const expected = [
      { raised_at: at(10), cleared_at: at(20), message: 'JAM on press' },
      { raised_at: at(30), cleared_at: at(35), message: 'JAM on press' },
      { raised_at: at(40), cleared_at: null, message: 'JAM on press' },
    ];
    expect(await events()).toEqual(expected);

    await writer.write([alarm(press, 10, 'JAM', true), ...lifeCycle]);
    await writer.flush();
    expect(await events()).toEqual(expected);
  });

  it('waits in write() while the queue is full and the database is slow', async () => {
    const maxQueued = 100;
    const chunk = 25;
    const writer = await startWriter({ batchSize: 50, maxQueued, flushIntervalMs: 10 });
    const points = datapoints(tags['Press 2/Speed']!, 40 * chunk, T0);
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const lock = database.sql.transaction(async (tx) => {
      await tx.query('lock table datapoint in access exclusive mode');
      locked();
      await released;
    });
    await isLocked;

    let written = 0;
    let peak = 0;
    const producer = (async () => {
      for (let index = 0; index < points.length; index += chunk) {
        await writer.write(points.slice(index, index + chunk));
        written += chunk;
        peak = Math.max(peak, writer.queued);
      }
    })();
    try {
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(written).toBeLessThan(points.length);
      expect(writer.queued).toBeLessThanOrEqual(maxQueued + chunk);
    } finally {
      release();
      await lock;
    }
    await producer;
    await writer.flush();
    expect(peak).toBeLessThanOrEqual(maxQueued + chunk);
    expect(await count('datapoint where tag_id = $1', [tags['Press 2/Speed']])).toBe(points.length);
  });

  it('stores the good rows of a batch and dead-letters the ones the database refuses', async () => {
    const letters: StoredDeadLetter[] = [];
    const writer = await startWriter();
    writer.observeDeadLetters((stored) => letters.push(...stored));
    const missingTag = randomUUID();
    const good = datapoints(tags['Press 2/Force']!, 10, T0);
    const bad = datapoints(missingTag, 1, T0);
    const press = machines['Press 2']!;
    await writer.write([
      ...good.slice(0, 5),
      ...bad,
      ...good.slice(5),
      counter(press, 100, 4),
      counter(press, 101, -2),
      counter(press, 102, 5),
    ]);
    await writer.flush();

    expect(await count('datapoint where tag_id = $1', [tags['Press 2/Force']])).toBe(10);
    expect(
      await database.sql.query('select increment from counter_increment where asset_id = $1', [
        press,
      ]),
    ).toEqual([{ increment: 4 }, { increment: 5 }]);
    const stored = await database.sql.query<{ address: string; reason: string; payload: Buffer }>(
      `select address, reason, payload from dead_letter where connection = '_writer' order by address`,
    );
    expect(stored.map(({ address, reason }) => ({ address, reason }))).toEqual([
      { address: `counter/${press}`, reason: expect.stringMatching(/check constraint/) },
      { address: `datapoint/${missingTag}`, reason: `tag ${missingTag} does not exist` },
    ]);
    expect(JSON.parse(Buffer.from(stored[1]!.payload).toString('utf8'))).toMatchObject({
      tagId: missingTag,
      time: new Date(T0).toISOString(),
    });
    expect(letters).toHaveLength(2);

    await writer.write([...bad, counter(press, 101, -2)]);
    await writer.flush();
    expect(await count(`dead_letter where connection = '_writer'`)).toBe(2);
  });

  it('stores dead letters with the payload truncated to 64 KiB', async () => {
    const writer = await startWriter();
    const payload = Buffer.alloc(70_000, 7);
    await writer.deadLetter({
      connection: 'lyon-mqtt',
      address: 'acme/lyon/x',
      payload,
      reason: 'no mapping',
      time: at(1),
    });
    await writer.deadLetter({
      connection: 'lyon-mqtt',
      address: 'acme/lyon/y',
      payload: '{"value": 1}',
      reason: 'no mapping',
      time: at(2),
    });
    await writer.flush();
    const rows = await database.sql.query<{ size: number; payload_size: number; payload: Buffer }>(
      `select length(payload) as size, payload_size, payload from dead_letter
        where connection = 'lyon-mqtt' order by received_at`,
    );
    expect(rows.map(({ size, payload_size }) => [size, payload_size])).toEqual([
      [65_536, 70_000],
      [12, 12],
    ]);
    expect(Buffer.from(rows[1]!.payload).toString()).toBe('{"value": 1}');
  });

  it('spools while the database cannot be reached and replays the spool on the next start', async () => {
    const spool = await temporaryDirectory('plantgraph-spool-');
    cleanups.push(spool.remove);
    const unreachable = createPostgresSql('postgres://postgres@127.0.0.1:1/unreachable');
    const offline = new IngestWriter({
      sql: unreachable,
      spoolDir: spool.path,
      logger,
      batchSize: 100,
      spoolFileBytes: 2048,
    });
    await offline.start();
    const press = machines['Press 2']!;
    const points = datapoints(tags['Press 2/Program']!, 300, T0);
    await offline.write([...points.slice(0, 150), alarm(press, 50, 'E-STOP', true)]);
    await offline.flush();
    await offline.write([alarm(press, 60, 'E-STOP', false), ...points.slice(150)]);
    await offline.deadLetter({
      connection: 'dresden-opcua',
      address: 'ns=2;s=Unknown',
      payload: Buffer.from([0, 1, 2, 255]),
      reason: 'no mapping',
      time: at(70),
    });
    await offline.close();
    await unreachable.close();
    expect(offline.spoolDepth).toBe(303);
    const files = await readdir(spool.path);
    expect(files.length).toBeGreaterThan(2);
    // A full line that is not a record, then one cut short (left out, see durability.test.ts).
    await appendFile(
      `${spool.path}/${files.at(-1)}`,
      '{"kind":"datapoint","tagId"\n{"kind":"datapoint","tagId"',
    );

    const writer = await startWriter({ spoolDir: spool.path, batchSize: 100 });
    await until(() => writer.spoolDepth === 0);
    expect(await readdir(spool.path)).toEqual([]);
    expect(await count('datapoint where tag_id = $1', [tags['Press 2/Program']])).toBe(300);
    expect(
      await database.sql.query(
        `select raised_at, cleared_at from alarm_event where asset_id = $1 and code = 'E-STOP'`,
        [press],
      ),
    ).toEqual([{ raised_at: at(50), cleared_at: at(60) }]);
    expect(
      await database.sql.query(
        `select reason from dead_letter where connection = '_writer' and address = 'spool'`,
      ),
    ).toEqual([{ reason: expect.stringMatching(/^unreadable spool line/) }]);
    const [letter] = await database.sql.query<{ payload: Uint8Array; received_at: Date }>(
      `select payload, received_at from dead_letter where connection = 'dresden-opcua'`,
    );
    expect([...letter!.payload]).toEqual([0, 1, 2, 255]);
    expect(letter!.received_at).toEqual(at(70));
  });
});

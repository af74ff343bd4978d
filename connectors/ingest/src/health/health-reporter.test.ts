import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@plantgraph/config';
import { createPostgresSql } from '@plantgraph/db';
import { openTestDatabase, type TestDatabase } from '@plantgraph/testing';
import { connectionStatuses } from '@plantgraph/timeseries-domain';
import { metricsRegistry } from '../metrics.ts';
import { IngestWriter } from '../writer/ingest-writer.ts';
import { temporaryDirectory, until } from '../writer/testing/fixtures.ts';
import { HealthReporter, type WriterStatus } from './health-reporter.ts';

const logger = createLogger('test', process.env.LOG_LEVEL ?? 'silent');
const T0 = Date.UTC(2026, 0, 1, 6);

let database: TestDatabase;

beforeAll(async () => {
  database = await openTestDatabase();
});

afterAll(async () => {
  await database?.close();
});

interface StatusRow {
  id: string;
  kind: string;
  endpoint: string;
  state: string;
  since: Date;
  last_error: string | null;
  messages_per_second: number;
  items: number;
  last_message_at: Date | null;
  spool_depth: number;
  dead_letters: number;
  lost_messages: number;
  falling_behind: boolean;
  reported_at: Date;
}

const statusRows = (ids: string[]) =>
  database.sql.query<StatusRow>('select * from connection_status where id = any($1) order by id', [
    ids,
  ]);

const stub = (status: Partial<WriterStatus>): WriterStatus => ({
  spoolDepth: 0,
  databaseAvailable: true,
  saturated: false,
  observeDeadLetters: () => () => undefined,
  ...status,
});

describe('HealthReporter', () => {
  it('upserts one row per connection with its state, rate, items and dead letters', async () => {
    const spool = await temporaryDirectory('plantgraph-spool-');
    const writer = new IngestWriter({ sql: database.sql, spoolDir: spool.path, logger });
    await writer.start();
    let now = T0;
    const reporter = new HealthReporter({ sql: database.sql, logger, writer, now: () => now });
    try {
      const plc = reporter.connection('dresden-opcua', {
        kind: 'opcua',
        endpoint: 'opc.tcp://127.0.0.1:4840/plantgraph',
      });
      plc.setState('CONNECTED');
      plc.setItems(120);
      for (let tick = 1; tick <= 150; tick += 1) {
        now = T0 + tick * 100;
        plc.received(10);
      }
      const broker = reporter.connection('lyon-mqtt', { kind: 'mqtt', endpoint: 'mqtt://bus' });
      broker.setState('CONNECTED');
      broker.received(5);
      for (const address of ['acme/lyon/a', 'acme/lyon/b']) {
        await writer.deadLetter({
          connection: 'lyon-mqtt',
          address,
          payload: 'x',
          reason: 'no mapping',
          time: new Date(now),
        });
      }
      await writer.flush();

      expect(await reporter.report()).toBe(true);
      const [opcua, mqtt] = await statusRows(['dresden-opcua', 'lyon-mqtt']);
      expect(opcua).toMatchObject({
        kind: 'opcua',
        endpoint: 'opc.tcp://127.0.0.1:4840/plantgraph',
        state: 'CONNECTED',
        since: new Date(T0),
        last_error: null,
        items: 120,
        last_message_at: new Date(T0 + 15_000),
        spool_depth: 0,
        dead_letters: 0,
        reported_at: new Date(T0 + 15_000),
      });
      expect(opcua!.messages_per_second).toBeGreaterThan(98);
      expect(opcua!.messages_per_second).toBeLessThan(102);
      // Younger than a second: the rate counts the whole second, not a fraction of it.
      expect(mqtt).toMatchObject({ state: 'CONNECTED', messages_per_second: 5, dead_letters: 2 });

      now = T0 + 30_000;
      plc.setState('RECONNECTING', 'socket closed');
      plc.setState('RECONNECTING');
      await reporter.report();
      const [after] = await statusRows(['dresden-opcua']);
      expect(after).toMatchObject({
        state: 'RECONNECTING',
        since: new Date(T0 + 30_000),
        last_error: 'socket closed',
        messages_per_second: 0,
        reported_at: new Date(T0 + 30_000),
      });
      expect(await statusRows(['dresden-opcua', 'lyon-mqtt'])).toHaveLength(2);

      const up = await metricsRegistry.getSingleMetricAsString('plantgraph_connection_up');
      expect(up).toContain('plantgraph_connection_up{connection="dresden-opcua",kind="opcua"} 0');
      expect(up).toContain('plantgraph_connection_up{connection="lyon-mqtt",kind="mqtt"} 1');
      expect(
        await metricsRegistry.getSingleMetricAsString('plantgraph_connection_messages_total'),
      ).toContain('plantgraph_connection_messages_total{connection="dresden-opcua"} 1500');
      expect(
        await metricsRegistry.getSingleMetricAsString('plantgraph_dead_letters_total'),
      ).toContain('plantgraph_dead_letters_total{connection="lyon-mqtt"} 2');
    } finally {
      await reporter.close();
      await writer.close();
      await spool.remove();
    }
  });

  it('reports on an interval with the writer spool depth', async () => {
    const reporter = new HealthReporter({
      sql: database.sql,
      logger,
      writer: stub({ spoolDepth: 7 }),
    });
    reporter.connection('paint-uns', { kind: 'mqtt', endpoint: 'mqtt://bus' });
    reporter.reportEvery(20);
    try {
      await until(async () => (await statusRows(['paint-uns'])).length === 1);
      const [first] = await statusRows(['paint-uns']);
      expect(first).toMatchObject({ state: 'CONNECTING', spool_depth: 7 });
      await until(
        async () =>
          (await statusRows(['paint-uns']))[0]!.reported_at.getTime() >
          first!.reported_at.getTime(),
      );
    } finally {
      await reporter.close();
    }
  });

  it('reports every connection of a process whose writer is full as falling behind', async () => {
    const spool = await temporaryDirectory('plantgraph-spool-');
    const writer = new IngestWriter({
      sql: database.sql,
      spoolDir: spool.path,
      logger,
      maxQueued: 10,
      batchSize: 1000,
      flushIntervalMs: 3_600_000,
    });
    await writer.start();
    const reporter = new HealthReporter({ sql: database.sql, logger, writer });
    try {
      const press = reporter.connection('press-full', { kind: 'opcua', endpoint: 'opc.tcp://a' });
      press.setState('CONNECTED');
      reporter.connection('bus-full', { kind: 'mqtt', endpoint: 'mqtt://bus' });
      const letters = Array.from({ length: 10 }, (_, index) => ({
        connection: 'press-full',
        address: `ns=2;s=Unknown${index}`,
        payload: 'x',
        reason: 'no mapping',
        time: new Date(T0),
      }));
      // The tenth letter fills the writer: its caller waits for room.
      const held = Promise.all(letters.map((letter) => writer.deadLetter(letter)));
      expect(writer.saturated).toBe(true);
      expect(await reporter.report()).toBe(true);
      const full = await statusRows(['bus-full', 'press-full']);
      expect(full.map((row) => row.falling_behind)).toEqual([true, true]);

      await writer.flush();
      await held;
      expect(await reporter.report()).toBe(true);
      const drained = await statusRows(['bus-full', 'press-full']);
      expect(drained.map((row) => row.falling_behind)).toEqual([false, false]);
    } finally {
      await reporter.close();
      await writer.close();
      await spool.remove();
    }
  });

  it("keeps a connection's last backfill across a restarted process until it reports another", async () => {
    const report = {
      from: new Date(T0),
      to: new Date(T0 + 60_000),
      startedAt: new Date(T0 + 60_000),
      durationMs: 250,
      nodes: 3,
      valuesRead: 40,
      valuesDelivered: 38,
      nodesUnsupported: 1,
      unsupported: ['ns=2;s=Press01.Recipe'],
      error: null,
    };
    const first = new HealthReporter({ sql: database.sql, logger, writer: stub({}) });
    const tracker = first.connection('backfill-plc', { kind: 'opcua', endpoint: 'opc.tcp://plc' });
    tracker.backfilled(report);
    expect(await first.report()).toBe(true);
    const restarted = new HealthReporter({ sql: database.sql, logger, writer: stub({}) });
    restarted.connection('backfill-plc', { kind: 'opcua', endpoint: 'opc.tcp://plc' });
    expect(await restarted.report()).toBe(true);

    const [row] = (await connectionStatuses(database.sql)).filter((r) => r.id === 'backfill-plc');
    expect(row?.last_backfill).toEqual(report);
    const runs = await metricsRegistry.getSingleMetricAsString('plantgraph_backfill_runs_total');
    expect(runs).toContain('connection="backfill-plc",outcome="completed"} 1');
    const read = await metricsRegistry.getSingleMetricAsString(
      'plantgraph_backfill_values_read_total',
    );
    expect(read).toContain('connection="backfill-plc"} 40');
  });

  it('skips reports silently while the database is unavailable', async () => {
    const spooling = new HealthReporter({
      sql: database.sql,
      logger,
      writer: stub({ databaseAvailable: false }),
    });
    spooling.connection('while-spooling', { kind: 'opcua', endpoint: 'opc.tcp://plc' });
    expect(await spooling.report()).toBe(false);
    expect(await statusRows(['while-spooling'])).toEqual([]);

    const unreachable = createPostgresSql('postgres://postgres@127.0.0.1:1/unreachable');
    const cutOff = new HealthReporter({ sql: unreachable, logger });
    cutOff.connection('cut-off', { kind: 'opcua', endpoint: 'opc.tcp://plc' });
    try {
      expect(await cutOff.report()).toBe(false);
    } finally {
      await cutOff.close();
      await unreachable.close();
    }
  });
});

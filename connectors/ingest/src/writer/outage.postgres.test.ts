import { readdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@plantgraph/config';
import { createPostgresSql } from '@plantgraph/db';
import { openTestDatabase, type TestDatabase } from '@plantgraph/testing';
import { IngestWriter } from './ingest-writer.ts';
import { datapoints, seedMachines, temporaryDirectory, until } from './testing/fixtures.ts';
import { TcpProxy } from './testing/tcp-proxy.ts';

const logger = createLogger('test', process.env.LOG_LEVEL ?? 'silent');

describe('IngestWriter when the database goes away', () => {
  let database: TestDatabase;
  let proxy: TcpProxy;
  let proxied: ReturnType<typeof createPostgresSql>;
  let tags: Record<string, string>;

  beforeAll(async () => {
    database = await openTestDatabase();
    ({ tags } = await seedMachines(database.sql));
    const url = new URL(database.url!);
    proxy = await TcpProxy.start(Number(url.port || 5432));
    url.host = `127.0.0.1:${proxy.port}`;
    proxied = createPostgresSql(url.toString());
  });

  afterAll(async () => {
    await proxied?.close();
    await proxy?.close();
    await database?.close();
  });

  const stored = async (tagId: string) => {
    const [row] = await database.sql.query<{ rows: number; distinct_times: number }>(
      `select count(*) as rows, count(distinct time) as distinct_times from datapoint
        where tag_id = $1`,
      [tagId],
    );
    return row;
  };

  it('spools while cut off, then replays in order without losing or doubling a row', async () => {
    const spool = await temporaryDirectory('plantgraph-spool-');
    const writer = new IngestWriter({
      sql: proxied,
      spoolDir: spool.path,
      logger,
      batchSize: 500,
      retryMaxMs: 400,
    });
    await writer.start();
    try {
      const tagId = tags['Press 1/Force']!;
      const points = datapoints(tagId, 5000);
      await writer.write(points.slice(0, 2000));
      await writer.flush();
      expect(await stored(tagId)).toEqual({ rows: 2000, distinct_times: 2000 });

      await proxy.cut();
      await writer.write(points.slice(2000));
      await writer.flush();
      expect(writer.databaseAvailable).toBe(false);
      expect(writer.spoolDepth).toBe(3000);
      expect((await readdir(spool.path)).length).toBeGreaterThan(0);
      expect(await stored(tagId)).toEqual({ rows: 2000, distinct_times: 2000 });

      await proxy.restore();
      await until(() => writer.spoolDepth === 0 && writer.databaseAvailable);
      expect(await readdir(spool.path)).toEqual([]);
      expect(await stored(tagId)).toEqual({ rows: 5000, distinct_times: 5000 });
    } finally {
      await writer.close();
      await spool.remove();
    }
  });

  it('spools a batch cut off in the middle of writing, and writes it once', async () => {
    const spool = await temporaryDirectory('plantgraph-spool-');
    const writer = new IngestWriter({
      sql: proxied,
      spoolDir: spool.path,
      logger,
      batchSize: 20_000,
      retryMaxMs: 400,
    });
    await writer.start();
    try {
      const tagId = tags['Press 1/Speed']!;
      const points = datapoints(tagId, 40_000);
      let inserting = false;
      const unobserve = proxied.observe((text) => {
        inserting ||= text.startsWith('copy datapoint');
      });
      await writer.write(points);
      await until(() => inserting, 5000);
      unobserve();
      await proxy.cut();
      await writer.flush();
      expect(writer.spoolDepth).toBeGreaterThan(0);

      await proxy.restore();
      await until(() => writer.spoolDepth === 0 && writer.databaseAvailable);
      expect(await stored(tagId)).toEqual({ rows: 40_000, distinct_times: 40_000 });
    } finally {
      await writer.close();
      await spool.remove();
    }
  });

  it('replays what a previous run left in the spool before anything new', async () => {
    const spool = await temporaryDirectory('plantgraph-spool-');
    const tagId = tags['Press 2/Force']!;
    const points = datapoints(tagId, 1500);
    await proxy.cut();
    const first = new IngestWriter({ sql: proxied, spoolDir: spool.path, logger, batchSize: 500 });
    await first.start();
    await first.write(points.slice(0, 1000));
    await first.close();
    expect(first.spoolDepth).toBe(1000);
    await proxy.restore();

    const second = new IngestWriter({ sql: proxied, spoolDir: spool.path, logger, batchSize: 500 });
    await second.start();
    try {
      await second.write(points.slice(1000));
      await until(() => second.spoolDepth === 0 && second.databaseAvailable);
      await second.flush();
      expect(await stored(tagId)).toEqual({ rows: 1500, distinct_times: 1500 });
      expect(await readdir(spool.path)).toEqual([]);
    } finally {
      await second.close();
      await spool.remove();
    }
  });
});

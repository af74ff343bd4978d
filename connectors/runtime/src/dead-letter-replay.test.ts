import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createSignalMapper,
  IngestWriter,
  parsePlantConfig,
  resolvePlantConfig,
} from '@plantgraph/ingest';
import { openTestDatabase, type TestDatabase } from '@plantgraph/testing';
import { DeadLetterReplayer } from './dead-letter-replay.ts';

let database: TestDatabase;
let writer: IngestWriter;
let replayer: DeadLetterReplayer;
const spoolDir = mkdtempSync(join(tmpdir(), 'plantgraph-replay-'));

const config = parsePlantConfig(
  {
    connections: [
      { kind: 'mqtt', id: 'uns', clientId: 'replay-test', topics: ['plant/#'], format: 'uns-json' },
      { kind: 'opcua', id: 'plc', endpoint: 'opc.tcp://127.0.0.1:1/none' },
    ],
    mappings: {
      tags: [
        {
          connection: 'uns',
          source: { topic: 'plant/press/temp' },
          asset: 'Acme/Press',
          tag: 'Temp',
        },
        {
          connection: 'plc',
          source: { nodeId: 'ns=2;s=Press.Speed' },
          asset: 'Acme/Press',
          tag: 'Speed',
        },
      ],
    },
  },
  'test',
);

async function letter(connection: string, address: string, payload: string, requested = true) {
  const [row] = await database.sql.query<{ id: string }>(
    `insert into dead_letter (connection, address, payload, payload_size, reason, received_at,
                              replay_requested_at)
     values ($1, $2, convert_to($3, 'UTF8'), length($3), 'no mapping', now(), $4) returning id`,
    [connection, address, payload, requested ? new Date() : null],
  );
  return row!.id;
}

const valueAt = async (tag: string, time: string) =>
  (
    await database.sql.query<{ value: number }>(
      `select d.value from datapoint d join tag t on t.id = d.tag_id where t.name = $1 and d.time = $2`,
      [tag, time],
    )
  )[0]?.value;

beforeAll(async () => {
  database = await openTestDatabase();
  await database.sql.exec(`
    insert into asset (kind, name, path) values ('ENTERPRISE', 'Acme', 'Acme');
    insert into asset (parent_id, kind, name, path)
      select id, 'EQUIPMENT', 'Press', 'Acme/Press' from asset where path = 'Acme';`);
  const mapper = createSignalMapper(await resolvePlantConfig(database.sql, config));
  writer = new IngestWriter({ sql: database.sql, spoolDir, logger: database.services.logger });
  await writer.start();
  replayer = new DeadLetterReplayer({
    sql: database.sql,
    config,
    mapper,
    sink: writer,
    logger: database.services.logger,
  });
});

afterAll(async () => {
  await writer?.close();
  await database?.close();
  rmSync(spoolDir, { recursive: true, force: true });
});

describe('dead-letter replay', () => {
  it('stores what maps now, records why the rest fails, and leaves unrequested letters alone', async () => {
    const uns = await letter(
      'uns',
      'plant/press/temp',
      '{"value": 21.5, "timestamp": 1790000000000}',
    );
    const opcua = await letter(
      'plc',
      'ns=2;s=Press.Speed',
      JSON.stringify({
        arrayType: 'Scalar',
        value: 1450,
        status: 'Good',
        sourceTimestamp: '2026-09-21T12:00:00.000Z',
      }),
    );
    const broken = await letter('uns', 'plant/press/temp', '{"value": oops');
    const untouched = await letter('uns', 'plant/press/temp', '{"value": 1}', false);

    expect(await replayer.replayPending()).toBe(3);
    await writer.flush();

    expect(await valueAt('Temp', new Date(1790000000000).toISOString())).toBe(21.5);
    expect(await valueAt('Speed', '2026-09-21T12:00:00.000Z')).toBe(1450);
    const rows = await database.sql.query<{
      id: string;
      replayed_at: Date | null;
      replay_error: string | null;
    }>('select id, replayed_at, replay_error from dead_letter');
    const byId = new Map(rows.map((row) => [row.id, row]));
    expect(byId.get(uns)?.replayed_at).toBeInstanceOf(Date);
    expect(byId.get(opcua)?.replayed_at).toBeInstanceOf(Date);
    expect(byId.get(broken)).toMatchObject({
      replayed_at: null,
      replay_error: expect.stringMatching(/invalid JSON/),
    });
    expect(byId.get(untouched)).toMatchObject({ replayed_at: null, replay_error: null });

    expect(await replayer.replayPending()).toBe(0);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_BUS_PREFIX, eventTopic, type PlantEvent } from '@plantgraph/bus';
import {
  createSignalMapper,
  discoverTag,
  parsePlantConfig,
  resolvePlantConfig,
  type IngestRecord,
  type PlantSignalMapper,
  type SourceSample,
} from '@plantgraph/ingest';
import { openTestDatabase, type TestDatabase } from '@plantgraph/testing';
import { EventPublisher } from './event-publisher.ts';

const PRESS = 'Acme/Dresden/Line 1/Press 01';
const TIME = new Date('2026-03-02T10:00:00Z');

const config = parsePlantConfig(
  {
    connections: [
      { kind: 'opcua', id: 'plc', endpoint: 'opc.tcp://plc:4840' },
      {
        kind: 'mqtt',
        id: 'uns',
        clientId: 'publisher-test',
        topics: ['acme/#'],
        format: 'uns-json',
        discovery: { prefix: 'acme/' },
      },
    ],
    mappings: {
      tags: [
        { connection: 'plc', source: { nodeId: 'ns=2;s=Force' }, asset: PRESS, tag: 'Force' },
        {
          connection: 'plc',
          source: { nodeId: 'ns=2;s=Program' },
          asset: PRESS,
          tag: 'Program Name',
          dataType: 'STRING',
        },
      ],
      states: [
        {
          connection: 'plc',
          source: { nodeId: 'ns=2;s=State' },
          asset: PRESS,
          codes: { '1': 'RUNNING', '2': { state: 'DOWN', reason: 'JAM' } },
        },
      ],
      counters: [
        {
          connection: 'plc',
          source: { nodeId: 'ns=2;s=Good' },
          asset: PRESS,
          counter: 'GOOD',
          mode: 'increment',
        },
      ],
      alarms: [
        {
          connection: 'plc',
          source: { nodeId: 'ns=2;s=Jam' },
          asset: PRESS,
          code: 'JAM',
          severity: 'HIGH',
          message: 'Part jammed',
        },
      ],
    },
  },
  'test',
);

let database: TestDatabase;
let mapper: PlantSignalMapper;

beforeAll(async () => {
  database = await openTestDatabase();
  let parent: string | null = null;
  const levels = PRESS.split('/');
  for (const [index, kind] of ['ENTERPRISE', 'SITE', 'LINE', 'EQUIPMENT'].entries()) {
    const path = levels.slice(0, index + 1).join('/');
    const rows: { id: string }[] = await database.sql.query<{ id: string }>(
      'insert into asset (parent_id, kind, name, path) values ($1, $2, $3, $4) returning id',
      [parent, kind, levels[index], path],
    );
    parent = rows[0]!.id;
  }
  mapper = createSignalMapper(await resolvePlantConfig(database.sql, config));
  // A tag UNS discovery creates at run time, not in the configuration.
  await discoverTag(database.sql, mapper, 'uns', 'acme/dresden/line-1/press-01/humidity');
});

afterAll(async () => {
  await database?.close();
});

function mapped(connection: string, address: string, value: unknown): IngestRecord[] {
  const sample: SourceSample = { connection, address, value, time: TIME, quality: 'GOOD' };
  const result = mapper.map(sample);
  if (!result.ok) throw new Error(result.reason);
  return result.records;
}

interface TagRow {
  name: string;
  asset_id: string;
  path: string;
}

/**
 * The event as the publisher built it when it looked names up in the database, field order
 * included: the bus payload is the event's JSON.
 */
async function eventFromDatabase(record: IngestRecord): Promise<PlantEvent> {
  const time = record.time.toISOString();
  if (record.kind === 'datapoint') {
    const [row] = await database.sql.query<TagRow>(
      'select t.name, t.asset_id, a.path from tag t join asset a on a.id = t.asset_id where t.id = $1',
      [record.tagId],
    );
    const place = { tag: row!.name, assetId: row!.asset_id, assetPath: row!.path };
    const { tagId, value, text, quality } = record;
    return { type: 'tagValue', ...place, tagId, time, value, text, quality };
  }
  const [row] = await database.sql.query<{ path: string }>('select path from asset where id = $1', [
    record.assetId,
  ]);
  const asset = { assetId: record.assetId, assetPath: row!.path, time };
  switch (record.kind) {
    case 'state':
      return { type: 'state', ...asset, state: record.state, reason: record.reason };
    case 'counter':
      return { type: 'counter', ...asset, counter: record.counter, increment: record.increment };
    case 'alarm': {
      const { code, active, severity, message } = record;
      return { type: 'alarm', ...asset, code, active, severity, message };
    }
  }
}

const onTheWire = (event: PlantEvent) => ({
  topic: eventTopic(DEFAULT_BUS_PREFIX, event),
  payload: JSON.stringify(event),
});

describe('EventPublisher', () => {
  it('publishes the names the mapping resolved, as the database has them, without asking it', async () => {
    const records = [
      ...mapped('plc', 'ns=2;s=Force', 12.5),
      ...mapped('plc', 'ns=2;s=Program', 'P-4711'),
      ...mapped('plc', 'ns=2;s=State', 2),
      ...mapped('plc', 'ns=2;s=Good', 3),
      ...mapped('plc', 'ns=2;s=Jam', true),
      ...mapped('uns', 'acme/dresden/line-1/press-01/humidity', { value: 48 }),
    ];
    expect(records.map((record) => record.kind)).toEqual([
      'datapoint',
      'datapoint',
      'state',
      'counter',
      'alarm',
      'datapoint',
    ]);

    const published: PlantEvent[] = [];
    const publisher = new EventPublisher(
      { publish: (event) => published.push(event) },
      database.services.logger,
    );
    const statements: string[] = [];
    const stopObserving = database.sql.observe((statement) => statements.push(statement));
    publisher.publish(records);
    // Anything the publisher started would have sent its statement by now.
    await new Promise((resolve) => setTimeout(resolve, 50));
    stopObserving();

    expect(statements).toEqual([]);
    const expected = await Promise.all(records.map(eventFromDatabase));
    expect(published.map(onTheWire)).toEqual(expected.map(onTheWire));
    expect(published.map(onTheWire)[0]?.topic).toBe(
      `${DEFAULT_BUS_PREFIX}/dresden/line-1/press-01/tags/force`,
    );
    expect(published.at(-1)).toMatchObject({ type: 'tagValue', tag: 'humidity', value: 48 });
  });

  it('publishes nothing for a record spooled without its place by an earlier version', () => {
    const published: PlantEvent[] = [];
    const publisher = new EventPublisher(
      { publish: (event) => published.push(event) },
      database.services.logger,
    );
    const [force] = mapped('plc', 'ns=2;s=Force', 13);
    if (force?.kind !== 'datapoint') throw new Error('expected a datapoint');
    publisher.publish([{ ...force, tag: '', assetId: '', assetPath: '' }, force]);
    expect(published).toHaveLength(1);
  });
});

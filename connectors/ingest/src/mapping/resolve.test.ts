import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '@plantgraph/config';
import { openTestDatabase, type TestDatabase } from '@plantgraph/testing';
import { parsePlantConfig, type PlantConfigInput } from '../plant-config.ts';
import { discoverTag } from './discovery.ts';
import { resolvePlantConfig } from './resolve.ts';
import { createSignalMapper } from './signal-mapper.ts';

let database: TestDatabase;
const ids: Record<string, string> = {};

async function insertAsset(path: string, kind: string): Promise<void> {
  const parts = path.split('/');
  const parent = parts.length > 1 ? ids[parts.slice(0, -1).join('/')] : null;
  const [row] = await database.sql.query<{ id: string }>(
    'insert into asset (parent_id, kind, name, path) values ($1, $2, $3, $4) returning id',
    [parent, kind, parts.at(-1), path],
  );
  ids[path] = row!.id;
}

const PRESS = 'Acme/Dresden/Line 1/Press 01';
const ROBOT = 'Acme/Lyon/Paint Shop/Robot 01';

beforeAll(async () => {
  database = await openTestDatabase();
  await insertAsset('Acme', 'ENTERPRISE');
  await insertAsset('Acme/Dresden', 'SITE');
  await insertAsset('Acme/Dresden/Line 1', 'LINE');
  await insertAsset(PRESS, 'EQUIPMENT');
  await insertAsset('Acme/Lyon', 'SITE');
  await insertAsset('Acme/Lyon/Paint Shop', 'AREA');
  await insertAsset(ROBOT, 'EQUIPMENT');
  await database.sql.query(
    `insert into tag (asset_id, name, data_type, unit, description, source) values
       ($1, 'Motor Current', 'INTEGER', 'A', 'old text', 'old source'),
       ($2, 'Motor Current', 'FLOAT', 'A', 'Robot drive current', null)`,
    [ids[PRESS], ids[ROBOT]],
  );
});

afterAll(async () => {
  await database?.close();
});

const CONNECTIONS: PlantConfigInput['connections'] = [
  { kind: 'opcua', id: 'plc', endpoint: 'opc.tcp://plc:4840' },
  {
    kind: 'mqtt',
    id: 'uns',
    clientId: 'u',
    topics: ['acme/#'],
    format: 'uns-json',
    discovery: { prefix: 'acme/' },
  },
];

const config = (mappings: PlantConfigInput['mappings']) =>
  parsePlantConfig({ connections: CONNECTIONS, mappings }, 'test');

async function tags(assetPath: string) {
  return database.sql.query(
    `select t.id, t.name, t.data_type::text as data_type, t.unit, t.description, t.source
       from tag t join asset a on a.id = t.asset_id where a.path = $1 order by t.name`,
    [assetPath],
  );
}

describe('resolvePlantConfig', () => {
  it('finds the assets and upserts the tags in one statement', async () => {
    const [existing] = await tags(PRESS);
    const statements: string[] = [];
    const stop = database.sql.observe((statement) => statements.push(statement));
    const resolved = await resolvePlantConfig(
      database.sql,
      config({
        tags: [
          {
            connection: 'plc',
            source: { nodeId: 'ns=2;s=Press01.MotorCurrent' },
            asset: PRESS,
            tag: 'Motor Current',
            description: 'Main drive current',
          },
          {
            connection: 'uns',
            source: { topic: 'acme/dresden/press/temp', jsonPath: 'reading.value' },
            asset: PRESS,
            tag: 'Oil Temperature',
            unit: '°C',
          },
        ],
        states: [
          {
            connection: 'plc',
            source: { nodeId: 'ns=2;s=State' },
            asset: PRESS,
            codes: { '1': 'RUNNING' },
          },
        ],
        counters: [
          { connection: 'plc', source: { nodeId: 'ns=2;s=Good' }, asset: PRESS, counter: 'GOOD' },
        ],
        alarms: [
          {
            connection: 'uns',
            source: { topic: 'acme/lyon/robot/alarm' },
            asset: ROBOT,
            code: 'JAM',
            severity: 'HIGH',
            message: 'Jam',
          },
        ],
      }),
    );
    stop();
    expect(statements).toHaveLength(2);

    const rows = await tags(PRESS);
    expect(rows).toEqual([
      {
        id: existing!.id,
        name: 'Motor Current',
        data_type: 'FLOAT',
        // The file names no unit: the tag keeps its own.
        unit: 'A',
        description: 'Main drive current',
        source: 'ns=2;s=Press01.MotorCurrent',
      },
      {
        id: expect.any(String),
        name: 'Oil Temperature',
        data_type: 'FLOAT',
        unit: '°C',
        description: null,
        source: 'acme/dresden/press/temp (reading.value)',
      },
    ]);
    expect(resolved.tags.map(({ assetId, tagId }) => ({ assetId, tagId }))).toEqual(
      rows.map((row) => ({ assetId: ids[PRESS], tagId: row.id })),
    );
    expect(resolved.states[0]?.assetId).toBe(ids[PRESS]);
    expect(resolved.counters[0]?.assetId).toBe(ids[PRESS]);
    expect(resolved.alarms[0]?.assetId).toBe(ids[ROBOT]);
    expect(resolved.connections.map((connection) => connection.id)).toEqual(['plc', 'uns']);
  });

  it('names every mapping whose asset does not exist, and writes nothing', async () => {
    const before = await database.sql.query('select count(*) as count from tag');
    const resolve = resolvePlantConfig(
      database.sql,
      config({
        tags: [
          { connection: 'plc', source: { nodeId: 'a' }, asset: PRESS, tag: 'New Tag' },
          { connection: 'plc', source: { nodeId: 'b' }, asset: 'Acme/Nowhere', tag: 'X' },
        ],
        counters: [
          {
            connection: 'plc',
            source: { nodeId: 'c' },
            asset: 'Acme/Dresden/Line 9',
            counter: 'GOOD',
          },
        ],
      }),
    );
    await expect(resolve).rejects.toBeInstanceOf(ConfigError);
    await expect(resolve).rejects.toMatchObject({
      problems: [
        'mappings.tags[1].asset: no asset has the path "Acme/Nowhere"',
        'mappings.counters[0].asset: no asset has the path "Acme/Dresden/Line 9"',
      ],
    });
    expect(await database.sql.query('select count(*) as count from tag')).toEqual(before);
  });

  it('names a template instance whose asset does not exist once, by its place', async () => {
    const resolve = resolvePlantConfig(
      database.sql,
      parsePlantConfig(
        {
          connections: CONNECTIONS,
          templates: [
            {
              id: 'press',
              tags: [{ tag: 'Force', address: '{prefix}.Force' }],
              counters: [{ counter: 'GOOD', address: '{prefix}.Good' }],
            },
          ],
          instances: [
            { template: 'press', asset: PRESS, connection: 'plc', prefix: 'ns=2;s=P1' },
            { template: 'press', asset: 'Acme/Nowhere', connection: 'plc', prefix: 'ns=2;s=P9' },
          ],
        },
        'test',
      ),
    );
    await expect(resolve).rejects.toMatchObject({
      problems: ['instances[1].asset: no asset has the path "Acme/Nowhere"'],
    });
  });
});

describe('discoverTag', () => {
  it('creates the tag under the asset the topic names and maps the topic from then on', async () => {
    const resolved = await resolvePlantConfig(database.sql, config({}));
    const mapper = createSignalMapper(resolved);
    const topic = 'acme/lyon/paint-shop/robot-01/humidity';
    expect(mapper.covers('uns', topic)).toBe(false);

    const mapping = await discoverTag(database.sql, mapper, 'uns', topic);
    expect(mapping).toMatchObject({
      connection: 'uns',
      source: { topic },
      asset: ROBOT,
      tag: 'humidity',
      dataType: 'FLOAT',
      assetId: ids[ROBOT],
    });
    const created = (await tags(ROBOT)).find((row) => row.name === 'humidity');
    expect(created).toMatchObject({ id: mapping?.tagId, data_type: 'FLOAT', source: topic });

    // A second discovery of the same topic (two messages in flight) maps it still once.
    await discoverTag(database.sql, mapper, 'uns', topic);
    const result = mapper.map({
      connection: 'uns',
      address: topic,
      value: { value: 55.5, timestamp: 1 },
      time: new Date('2026-03-02T10:00:00Z'),
      quality: 'GOOD',
    });
    expect(result).toEqual({
      ok: true,
      records: [
        {
          kind: 'datapoint',
          tagId: mapping?.tagId,
          tag: 'humidity',
          assetId: ids[ROBOT],
          assetPath: ROBOT,
          time: new Date('2026-03-02T10:00:00Z'),
          value: 55.5,
          text: null,
          quality: 'GOOD',
        },
      ],
    });
  });

  it('reuses a tag whose name slugs to the topic level', async () => {
    const mapper = createSignalMapper(await resolvePlantConfig(database.sql, config({})));
    const [robotCurrent] = (await tags(ROBOT)).filter((row) => row.name === 'Motor Current');
    const below = 'acme/lyon/paint-shop/robot-01/motor-current';
    expect(await discoverTag(database.sql, mapper, 'uns', below)).toMatchObject({
      tag: 'Motor Current',
      tagId: robotCurrent!.id,
    });
    // The full path, enterprise included, names the asset as well.
    const full = 'acme/acme/lyon/paint-shop/robot-01/motor-current';
    expect(await discoverTag(database.sql, mapper, 'uns', full)).toMatchObject({
      tagId: robotCurrent!.id,
    });
  });

  it('returns null when no asset matches or the topic is not for discovery', async () => {
    const mapper = createSignalMapper(await resolvePlantConfig(database.sql, config({})));
    const before = await database.sql.query('select count(*) as count from tag');
    expect(
      await discoverTag(database.sql, mapper, 'uns', 'acme/lyon/nowhere/robot-01/x'),
    ).toBeNull();
    expect(
      await discoverTag(database.sql, mapper, 'uns', 'other/lyon/paint-shop/robot-01/x'),
    ).toBeNull();
    expect(await discoverTag(database.sql, mapper, 'uns', 'acme/robot-01')).toBeNull();
    expect(
      await discoverTag(database.sql, mapper, 'plc', 'acme/lyon/paint-shop/robot-01/x'),
    ).toBeNull();
    expect(await database.sql.query('select count(*) as count from tag')).toEqual(before);
  });
});

describe('resolvePlantConfig: Sparkplug discovery', () => {
  const binding = (asset: string, path: string) => ({
    connection: 'uns',
    asset,
    group: 'Acme',
    edgeNode: 'Dresden',
    device: 'Press01',
    path,
  });

  it('carries each binding with the id of its asset', async () => {
    const resolved = await resolvePlantConfig(database.sql, {
      ...config({}),
      sparkplugDiscovery: [binding(PRESS, 'instances[0]')],
    });
    expect(resolved.sparkplugDiscovery).toEqual([
      { ...binding(PRESS, 'instances[0]'), assetId: ids[PRESS] },
    ]);
    expect((await resolvePlantConfig(database.sql, config({}))).sparkplugDiscovery).toEqual([]);
  });

  it('names every binding whose asset does not exist, with the mappings', async () => {
    const resolve = resolvePlantConfig(database.sql, {
      ...config({
        counters: [
          { connection: 'plc', source: { nodeId: 'c' }, asset: 'Acme/Nowhere', counter: 'GOOD' },
        ],
      }),
      sparkplugDiscovery: [
        binding(PRESS, 'instances[0]'),
        binding('Acme/Dresden/Line 9/Press 09', 'instances[3]'),
      ],
    });
    await expect(resolve).rejects.toBeInstanceOf(ConfigError);
    await expect(resolve).rejects.toMatchObject({
      problems: [
        'mappings.counters[0].asset: no asset has the path "Acme/Nowhere"',
        'instances[3].asset: no asset has the path "Acme/Dresden/Line 9/Press 09"',
      ],
    });
  });
});

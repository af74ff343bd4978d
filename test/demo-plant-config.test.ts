import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sql } from '@plantgraph/db';
import { seedDemoPlant } from '@plantgraph/demo';
import { buildPlant, demoPlantConfig, SITES } from '@plantgraph/demo-catalog';
import {
  createSignalMapper,
  parsePlantConfig,
  resolvePlantConfig,
  type PlantConfig,
} from '@plantgraph/ingest';
import { openTestDatabase, type TestDatabase } from '@plantgraph/testing';

const PRESS = 'Acme Manufacturing/Dresden/Body Shop/Line 1/Press 01';

let full: TestDatabase;
let small: TestDatabase;
const config = parsePlantConfig(demoPlantConfig({ opcuaEndpoint: 'opc.tcp://sim:4840' }), 'demo');

/** The whole demo plant's assets and tags as the demo seed writes them, without the history. */
async function insertWholePlant(sql: Sql): Promise<void> {
  const plant = buildPlant({ sites: SITES });
  await sql.bulkInsert(
    'asset',
    [
      { name: 'id', type: 'uuid' },
      { name: 'parent_id', type: 'uuid' },
      { name: 'kind', type: 'asset_kind' },
      { name: 'name', type: 'text' },
      { name: 'path', type: 'text' },
    ],
    plant.assets.map((asset) => [asset.id, asset.parentId, asset.kind, asset.name, asset.path]),
  );
  await sql.bulkInsert(
    'tag',
    [
      { name: 'id', type: 'uuid' },
      { name: 'asset_id', type: 'uuid' },
      { name: 'name', type: 'text' },
      { name: 'data_type', type: 'tag_data_type' },
      { name: 'unit', type: 'text' },
      { name: 'description', type: 'text' },
      { name: 'source', type: 'text' },
    ],
    plant.equipment.flatMap((equipment) =>
      equipment.tags.map((tag) => [
        tag.id,
        tag.assetId,
        tag.spec.name,
        tag.spec.dataType,
        tag.spec.unit,
        tag.spec.description,
        tag.source,
      ]),
    ),
  );
}

async function tagRows(sql: Sql) {
  return sql.query<{ id: string; path: string; name: string; data_type: string }>(
    `select t.id, a.path, t.name, t.data_type::text as data_type
       from tag t join asset a on a.id = t.asset_id order by a.path, t.name`,
  );
}

beforeAll(async () => {
  [full, small] = await Promise.all([openTestDatabase(), openTestDatabase()]);
  await Promise.all([
    insertWholePlant(full.sql),
    seedDemoPlant(small.sql, { size: 'small', now: new Date('2026-03-02T10:00:00Z') }),
  ]);
});

afterAll(async () => {
  await Promise.all([full?.close(), small?.close()]);
});

describe('the demo plant configuration', () => {
  it('resolves against the whole demo plant and reuses every seeded tag', async () => {
    const before = await tagRows(full.sql);
    const resolved = await resolvePlantConfig(full.sql, config);
    const after = await tagRows(full.sql);
    expect(after).toEqual(before);
    expect(new Set(resolved.tags.map((tag) => tag.tagId))).toEqual(
      new Set(before.map((row) => row.id)),
    );
    const [lyonSource] = await full.sql.query<{ source: string }>(
      `select t.source from tag t join asset a on a.id = t.asset_id
        where a.path = $1 and t.name = 'Motor Current'`,
      ['Acme Manufacturing/Lyon/Machining/Line 1/CNC Mill 01'],
    );
    expect(lyonSource?.source).toBe('Lyon/Machining/Line1_CNCMill01/Motor Current');

    const [press] = await full.sql.query<{ id: string }>('select id from asset where path = $1', [
      PRESS,
    ]);
    const result = createSignalMapper(resolved).map({
      connection: 'dresden-opcua',
      address: 'ns=2;s=Dresden.BodyShop.Line1.Press01.AlarmWord',
      value: 0b1001,
      time: new Date('2026-03-02T10:00:00Z'),
      quality: 'GOOD',
    });
    // The first alarm word after a start decides every mapped alarm of the word: bits 0 and 3
    // are raised, the others are reported inactive so an event left open meanwhile is cleared.
    const alarms = (result.ok ? result.records : []).filter((record) => record.kind === 'alarm');
    expect(alarms.filter((alarm) => alarm.active).map((alarm) => alarm.code)).toEqual([
      'JAM',
      'E-STOP',
    ]);
    expect(alarms.every((alarm) => alarm.assetId === press?.id)).toBe(true);
    expect(
      alarms.filter((alarm) => !alarm.active).map((alarm) => alarm.clearReason ?? null),
    ).toEqual(Array.from({ length: alarms.length - 2 }, () => 'not active on reconnect'));
    expect(alarms.length).toBeGreaterThan(2);
  });

  it('keeps the small seed’s tags, ids and data types for the machines it has', async () => {
    const seeded = await tagRows(small.sql);
    const paths = new Set(seeded.map((row) => row.path));
    const present = <T extends { asset: string }>(mappings: T[]) =>
      mappings.filter((mapping) => paths.has(mapping.asset));
    const part: PlantConfig = {
      connections: config.connections,
      downloads: [],
      mappings: {
        tags: present(config.mappings.tags),
        states: present(config.mappings.states),
        counters: present(config.mappings.counters),
        alarms: present(config.mappings.alarms),
      },
    };
    expect(new Set(part.mappings.tags.map((tag) => tag.asset))).toEqual(new Set([PRESS]));

    await resolvePlantConfig(small.sql, part);
    const after = await tagRows(small.sql);
    expect(after.filter((row) => seeded.some((old) => old.id === row.id))).toEqual(seeded);
    expect(after).toHaveLength(seeded.length + part.mappings.tags.length - 3);
    expect(
      after
        .filter((row) => row.path === PRESS)
        .map((row) => row.name)
        .sort(),
    ).toEqual(part.mappings.tags.map((tag) => tag.tag).sort());
  });
});

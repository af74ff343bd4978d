import { randomBytes } from 'node:crypto';
import { createClient, type Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { EventBus, type PlantEvent } from '@plantgraph/bus';
import { activeEventStreams, startSubgraphServer, type RunningServer } from '@plantgraph/graph';
import {
  live,
  openTestDatabase,
  subscribe,
  until,
  testBroker,
  type TestBroker,
  type TestDatabase,
  signedConnectionParams,
  TEST_GATEWAY_SECRET,
} from '@plantgraph/testing';
import { timeseriesSubgraph } from './subgraph.ts';

let database: TestDatabase;
let broker: TestBroker;
let serverBus: EventBus;
let publisher: EventBus;
let server: RunningServer;
let client: Client;
let connections = 0;
const assets: Record<string, { id: string; path: string }> = {};
const tags: Record<string, { id: string; asset: string; name: string }> = {};
const prefix = `t${randomBytes(4).toString('hex')}/plantgraph/v1`;
const UNKNOWN = '00000000-0000-4000-8000-000000000000';
const TIME = '2026-11-22T10:00:00.000Z';

async function insertAsset(name: string, kind: string, parent?: string): Promise<void> {
  const [row] = await database.sql.query<{ id: string; path: string }>(
    `insert into asset (parent_id, kind, name, path)
     values ($1, $2, $3, coalesce((select path || '/' from asset where id = $1), '') || $3::text)
     returning id, path`,
    [parent ? assets[parent]!.id : null, kind, name],
  );
  assets[name] = row!;
}

async function insertTag(asset: string, name: string): Promise<void> {
  const [row] = await database.sql.query<{ id: string }>(
    "insert into tag (asset_id, name, data_type) values ($1, $2, 'FLOAT') returning id",
    [assets[asset]!.id, name],
  );
  tags[name] = { id: row!.id, asset, name };
}

function stateEvent(asset: string, state: string, reason: string | null = null): PlantEvent {
  const { id, path } = assets[asset]!;
  return { type: 'state', assetId: id, assetPath: path, time: TIME, state, reason };
}

function tagEvent(tag: string, value: number): PlantEvent {
  const { id, asset, name } = tags[tag]!;
  const { id: assetId, path } = assets[asset]!;
  return {
    type: 'tagValue',
    assetId,
    assetPath: path,
    time: TIME,
    tagId: id,
    tag: name,
    value,
    text: null,
    quality: 'GOOD',
  };
}

const STATE_CHANGES = `subscription ($assetIds: [ID!], $under: ID) {
  machineStateChanged(assetIds: $assetIds, under: $under) { state since reason asset { id } }
}`;
const TAG_VALUES = `subscription ($tagIds: [ID!]!, $minIntervalMs: Int) {
  tagValues(tagIds: $tagIds, minIntervalMs: $minIntervalMs) {
    tag { id } time value text quality
  }
}`;

beforeAll(async () => {
  database = await openTestDatabase();
  await insertAsset('Acme', 'ENTERPRISE');
  await insertAsset('Dresden', 'SITE', 'Acme');
  await insertAsset('Body Shop', 'AREA', 'Dresden');
  await insertAsset('Line 1', 'LINE', 'Body Shop');
  await insertAsset('Line 10', 'LINE', 'Body Shop');
  await insertAsset('Press 01', 'EQUIPMENT', 'Line 1');
  await insertAsset('Press 02', 'EQUIPMENT', 'Line 1');
  await insertAsset('Press 10', 'EQUIPMENT', 'Line 10');
  await insertTag('Press 01', 'Motor Current');
  await insertTag('Press 01', 'Pressure');
  await insertTag('Press 02', 'Motor Current 2');
  broker = await testBroker();
  serverBus = await EventBus.connect({ url: broker.url, clientId: `${prefix}-srv`, prefix });
  publisher = await EventBus.connect({ url: broker.url, clientId: `${prefix}-pub`, prefix });
  server = await startSubgraphServer({
    name: 'timeseries',
    schema: await timeseriesSubgraph.buildSchema(),
    services: { ...database.services, events: serverBus },
    port: 0,
    gatewaySecret: TEST_GATEWAY_SECRET,
  });
  client = createClient({
    url: server.url.replace('http', 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: signedConnectionParams(),
    lazy: false,
    retryAttempts: 0,
    on: { connected: () => connections++ },
  });
});

afterAll(async () => {
  await client?.dispose();
  await server?.close();
  await serverBus?.close();
  await publisher?.close();
  await broker?.close();
  await database?.close();
});

describe('machineStateChanged', () => {
  it('delivers the changes of an asset and everything below it, nothing else', async () => {
    const before = activeEventStreams();
    const changes = await live(client, STATE_CHANGES, { under: assets['Line 1']!.id });
    publisher.publish(stateEvent('Press 10', 'DOWN'));
    publisher.publish(stateEvent('Body Shop', 'RUNNING'));
    publisher.publish(stateEvent('Press 01', 'DOWN', 'JAM'));
    publisher.publish(stateEvent('Line 1', 'IDLE'));
    publisher.publish(stateEvent('Press 02', 'RUNNING'));
    await until(() => changes.results.length === 3, 'three changes');
    expect(changes.results.map((result) => result.data)).toEqual([
      {
        machineStateChanged: {
          state: 'DOWN',
          since: TIME,
          reason: 'JAM',
          asset: { id: assets['Press 01']!.id },
        },
      },
      {
        machineStateChanged: {
          state: 'IDLE',
          since: TIME,
          reason: null,
          asset: { id: assets['Line 1']!.id },
        },
      },
      {
        machineStateChanged: {
          state: 'RUNNING',
          since: TIME,
          reason: null,
          asset: { id: assets['Press 02']!.id },
        },
      },
    ]);

    await changes.close();
    expect(activeEventStreams()).toBe(before);
  });

  it('filters by asset ids, combined with under', async () => {
    const changes = await live(client, STATE_CHANGES, {
      assetIds: [assets['Press 02']!.id, assets['Press 10']!.id],
      under: assets['Line 1']!.id,
    });
    publisher.publish(stateEvent('Press 10', 'DOWN'));
    publisher.publish(stateEvent('Press 01', 'DOWN'));
    publisher.publish(stateEvent('Press 02', 'SETUP'));
    publisher.publish(stateEvent('Press 02', 'RUNNING'));
    await until(() => changes.results.length === 2, 'two changes');
    const seen = changes.results.map((result) => result.data?.machineStateChanged);
    expect(seen).toMatchObject([{ state: 'SETUP' }, { state: 'RUNNING' }]);
    await changes.close();
  });

  it('answers bad arguments with an error naming them and keeps the socket open', async () => {
    const cases: [Record<string, unknown>, string, string][] = [
      [{ assetIds: ['press'] }, 'BAD_USER_INPUT', 'assetIds'],
      [{ assetIds: [] }, 'BAD_USER_INPUT', 'assetIds'],
      [{ assetIds: [UNKNOWN] }, 'NOT_FOUND', 'assetIds'],
      [{ under: UNKNOWN }, 'NOT_FOUND', 'under'],
    ];
    for (const [variables, code, argument] of cases) {
      const attempt = subscribe(client, STATE_CHANGES, variables);
      await attempt.ended;
      const [error] = attempt.results[0]?.errors ?? [];
      expect(error?.extensions?.code).toBe(code);
      expect(error?.message).toContain(`"${argument}"`);
    }
    const changes = await live(client, STATE_CHANGES, { assetIds: [assets['Press 01']!.id] });
    publisher.publish(stateEvent('Press 01', 'MAINTENANCE'));
    await until(() => changes.results.length === 1, 'a change after the errors');
    await changes.close();
    expect(connections).toBe(1);
  });
});

describe('tagValues', () => {
  it('delivers values of the listed tags only', async () => {
    const values = await live(client, TAG_VALUES, { tagIds: [tags['Motor Current']!.id] });
    publisher.publish(tagEvent('Pressure', 7));
    publisher.publish(tagEvent('Motor Current', 1.5));
    // Values of one tag are conflated even at minIntervalMs 0 when they arrive together.
    await until(() => values.results.length === 1, 'the first value');
    publisher.publish(tagEvent('Motor Current 2', 9));
    publisher.publish(tagEvent('Motor Current', 2.5));
    await until(() => values.results.length === 2, 'two values');
    expect(values.results.map((result) => result.data?.tagValues)).toEqual([
      {
        tag: { id: tags['Motor Current']!.id },
        time: TIME,
        value: 1.5,
        text: null,
        quality: 'GOOD',
      },
      {
        tag: { id: tags['Motor Current']!.id },
        time: TIME,
        value: 2.5,
        text: null,
        quality: 'GOOD',
      },
    ]);
    await values.close();
  });

  it('conflates per tag: the newest value after minIntervalMs, no backlog', async () => {
    const values = await live(client, TAG_VALUES, {
      tagIds: [tags['Motor Current']!.id, tags.Pressure!.id],
      minIntervalMs: 400,
    });
    publisher.publish(tagEvent('Motor Current', 1));
    publisher.publish(tagEvent('Pressure', 10));
    await until(() => values.results.length === 2, 'the first value of each tag');
    for (let value = 2; value <= 50; value++) publisher.publish(tagEvent('Motor Current', value));
    publisher.publish(tagEvent('Pressure', 20));
    publisher.publish(tagEvent('Pressure', 30));
    await until(() => values.results.length === 4, 'the conflated values');
    await new Promise((resolve) => setTimeout(resolve, 100));
    const seen = values.results.map((result) => {
      const value = result.data?.tagValues as { tag: { id: string }; value: number };
      return [value.tag.id, value.value];
    });
    expect(seen.slice(0, 2)).toEqual([
      [tags['Motor Current']!.id, 1],
      [tags.Pressure!.id, 10],
    ]);
    expect(seen.slice(2)).toEqual(
      expect.arrayContaining([
        [tags['Motor Current']!.id, 50],
        [tags.Pressure!.id, 30],
      ]),
    );
    expect(seen).toHaveLength(4);
    await values.close();
  });

  it('answers bad arguments with an error naming them', async () => {
    const cases: [Record<string, unknown>, string, string][] = [
      [{ tagIds: [] }, 'BAD_USER_INPUT', 'tagIds'],
      [{ tagIds: [UNKNOWN] }, 'NOT_FOUND', 'tagIds'],
      [{ tagIds: [tags.Pressure!.id], minIntervalMs: -1 }, 'BAD_USER_INPUT', 'minIntervalMs'],
    ];
    for (const [variables, code, argument] of cases) {
      const attempt = subscribe(client, TAG_VALUES, variables);
      await attempt.ended;
      const [error] = attempt.results[0]?.errors ?? [];
      expect(error?.extensions?.code).toBe(code);
      expect(error?.message).toContain(`"${argument}"`);
    }
  });
});

describe('without an event bus', () => {
  it('answers SERVICE_UNAVAILABLE', async () => {
    const busless = await startSubgraphServer({
      name: 'timeseries',
      schema: await timeseriesSubgraph.buildSchema(),
      services: database.services,
      port: 0,
      gatewaySecret: TEST_GATEWAY_SECRET,
    });
    const other = createClient({
      url: busless.url.replace('http', 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: signedConnectionParams(),
      retryAttempts: 0,
    });
    try {
      const attempt = subscribe(other, STATE_CHANGES);
      await attempt.ended;
      const [error] = attempt.results[0]?.errors ?? [];
      expect(error?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
      expect(error?.message).toMatch(/event bus is not configured/);
    } finally {
      await other.dispose();
      await busless.close();
    }
  });
});

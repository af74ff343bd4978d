import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '@plantgraph/auth';
import { EventBus } from '@plantgraph/bus';
import { startConnectors, type ConnectorRuntime } from '@plantgraph/connector-runtime';
import { startPlant, type RunningPlant } from '@plantgraph/demo';
import { parsePlantConfig } from '@plantgraph/ingest';
import {
  FIXTURE_START,
  SPINDLE_INITIAL,
  SPINDLE_NODE_ID,
  fixtureNodes,
  freePort,
  startFixtureServer,
  type FixtureServer,
} from '@plantgraph/opcua-connector/fixture-server';
import {
  openTestDatabase,
  testBroker,
  type TestBroker,
  type TestDatabase,
} from '@plantgraph/testing';
import { eventually } from './fixtures/live-plant.ts';

/**
 * OPC UA arrays and structures end to end: a node-opcua server on loopback with a Double array
 * (Profile = [1, 2, 3]) and a custom structure described by its DataTypeDefinition (Spindle), the
 * connector runtime with mappings that pick an element or a field or keep the whole value as
 * JSON, the database, and the gateway the values are read back through.
 */

const PRESS = 'Acme/Press';

let database: TestDatabase;
let fixture: FixtureServer;
let broker: TestBroker;
let events: EventBus;
let runtime: ConnectorRuntime;
let graph: RunningPlant;
let authorization: string;
const dataDir = mkdtempSync(join(tmpdir(), 'plantgraph-structures-'));

const tag = (name: string, source: Record<string, unknown>, dataType = 'FLOAT') => ({
  connection: 'plc',
  source,
  asset: PRESS,
  tag: name,
  dataType,
});

async function query<T>(text: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch(graph.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization },
    body: JSON.stringify({ query: text, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: unknown[] };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data as T;
}

interface TagLatest {
  name: string;
  dataType: string;
  source: string | null;
  latest: { value: number | null; text: string | null; json: unknown } | null;
}

const TAGS = `
  query Tags($path: String!) {
    assetByPath(path: $path) {
      tags { name dataType source latest { value text json } }
    }
  }`;

async function tagsByName(): Promise<Map<string, TagLatest>> {
  const data = await query<{ assetByPath: { tags: TagLatest[] } }>(TAGS, { path: PRESS });
  return new Map(data.assetByPath.tags.map((item) => [item.name, item]));
}

const deadLetters = () =>
  database.sql.query<{ address: string; reason: string }>(
    "select address, reason from dead_letter where connection = 'plc' order by reason",
  );

beforeAll(async () => {
  database = await openTestDatabase();
  await database.sql.exec(`
    insert into asset (kind, name, path) values ('ENTERPRISE', 'Acme', 'Acme');
    insert into asset (parent_id, kind, name, path)
      select id, 'EQUIPMENT', 'Press', '${PRESS}' from asset where path = 'Acme';`);
  fixture = await startFixtureServer({ port: await freePort() });
  const config = parsePlantConfig(
    {
      connections: [
        {
          kind: 'opcua',
          id: 'plc',
          endpoint: fixture.endpoint,
          samplingIntervalMs: 0,
          publishingIntervalMs: 50,
        },
      ],
      mappings: {
        tags: [
          tag('ProfilePoint', { nodeId: fixtureNodes.profile, index: 1 }),
          tag('Profile', { nodeId: fixtureNodes.profile }, 'JSON'),
          tag('AxisX', { nodeId: SPINDLE_NODE_ID, field: 'Axis.X' }),
          tag('ThirdAxis', { nodeId: SPINDLE_NODE_ID, field: 'Axes[2].Position' }),
          tag('Tool', { nodeId: SPINDLE_NODE_ID, field: 'Tool' }, 'STRING'),
          tag('Spindle', { nodeId: SPINDLE_NODE_ID }, 'JSON'),
        ],
      },
    },
    'test',
  );
  runtime = await startConnectors({
    sql: database.sql,
    config,
    dataDir,
    logger: database.services.logger,
  });
  broker = await testBroker('embedded');
  events = await EventBus.connect({
    url: broker.url,
    clientId: `graph-${randomBytes(4).toString('hex')}`,
    prefix: 'structures/plantgraph/v1',
  });
  graph = await startPlant({
    services: { ...database.services, events },
    port: 0,
    host: '127.0.0.1',
    subgraphPortsFrom: 0,
    sandbox: false,
  });
  const { key } = await createApiKey(database.sql, { role: 'admin', sites: null, label: 'test' });
  authorization = `Bearer ${key}`;
});

afterAll(async () => {
  await graph?.close();
  await events?.close();
  await broker?.close();
  await runtime?.close();
  await fixture?.stop();
  await database?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('OPC UA arrays and structures', () => {
  it('stores an array element and structure fields as scalars, and whole values as JSON', async () => {
    await eventually(
      async () => {
        const tags = await tagsByName();
        return [...tags.values()].filter((item) => item.latest !== null).length === 6;
      },
      20_000,
      'a value for every tag',
    );
    const tags = await tagsByName();
    expect(tags.get('ProfilePoint')).toMatchObject({
      dataType: 'FLOAT',
      source: `${fixtureNodes.profile} (index 1)`,
      latest: { value: 2, text: null, json: null },
    });
    expect(tags.get('AxisX')?.latest?.value).toBe(SPINDLE_INITIAL.Axis.X);
    expect(tags.get('ThirdAxis')?.latest?.value).toBe(SPINDLE_INITIAL.Axes[2]!.Position);
    expect(tags.get('Tool')?.latest?.text).toBe(SPINDLE_INITIAL.Tool);
    expect(tags.get('Profile')).toMatchObject({
      dataType: 'JSON',
      latest: { value: null, text: '[1,2,3]', json: [1, 2, 3] },
    });
    expect(tags.get('Spindle')?.latest?.json).toEqual(SPINDLE_INITIAL);
  });

  it('follows changes of the structure', async () => {
    const changed = {
      ...SPINDLE_INITIAL,
      Axis: { X: 7.25, Y: 0, Position: 0 },
    };
    fixture.structures.setSpindle(changed, new Date(FIXTURE_START.getTime() + 60_000));
    await eventually(
      async () => (await tagsByName()).get('AxisX')?.latest?.value === 7.25,
      10_000,
      'the changed axis',
    );
    expect((await tagsByName()).get('Spindle')?.latest?.json).toEqual(changed);
  });
});

describe('OPC UA elements that are not there', () => {
  it('dead-letters an index out of range and an unknown field, naming them', async () => {
    await runtime.close();
    const config = parsePlantConfig(
      {
        connections: [{ kind: 'opcua', id: 'plc', endpoint: fixture.endpoint }],
        mappings: {
          tags: [
            tag('Beyond', { nodeId: fixtureNodes.profile, index: 7 }),
            tag('AxisZ', { nodeId: SPINDLE_NODE_ID, field: 'Axis.Z' }),
          ],
        },
      },
      'test',
    );
    runtime = await startConnectors({
      sql: database.sql,
      config,
      dataDir,
      logger: database.services.logger,
    });
    await eventually(async () => (await deadLetters()).length >= 2, 20_000, 'two dead letters');
    const letters = await deadLetters();
    expect(letters).toContainEqual({
      address: fixtureNodes.profile,
      reason: 'index 7: the value has 3 elements, no index 7',
    });
    expect(letters).toContainEqual({
      address: SPINDLE_NODE_ID,
      reason: 'field "Axis.Z": "Axis" has no field "Z" (fields: X, Y, Position)',
    });
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataType, StatusCodes, type UAVariable } from 'node-opcua';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@plantgraph/config';
import { loopbackServer } from '@plantgraph/opcua-connector/fixture-server';
import { startConnectors, type ConnectorRuntime } from '@plantgraph/connector-runtime';
import { metricsRegistry, parsePlantConfig, type PlantConfig } from '@plantgraph/ingest';
import { openTestDatabase, SubgraphClient, until, type TestDatabase } from '@plantgraph/testing';
import { timeseriesSubgraph } from '@plantgraph/timeseries-subgraph';

/*
 * History backfill across a connector restart: a real node-opcua server on loopback that keeps
 * the history of one variable and not of another, the connector runtime stopped and started as a
 * process would be, the real database, and the timeseries subgraph answering `Tag.history` and
 * `connections { lastBackfill }`.
 */

const logger = createLogger('history-backfill-test', process.env.LOG_LEVEL ?? 'silent');
const suffix = Math.random().toString(36).slice(2, 8);
const PRESS = `Backfill Plant ${suffix}/Press 01`;
const TEMPERATURE = 'ns=2;s=Press01.Temperature';
const PRESSURE = 'ns=2;s=Press01.Pressure';

interface Plc {
  endpoint: string;
  set(name: 'Temperature' | 'Pressure', value: number, time: Date): void;
  stop(): Promise<void>;
}

interface BackfillView {
  from: string;
  to: string;
  startedAt: string;
  nodes: number;
  valuesRead: number;
  valuesDelivered: number;
  nodesUnsupported: number;
  unsupported: string[];
  error: string | null;
}

let database: TestDatabase;
let client: SubgraphClient;
let plc: Plc;
let config: PlantConfig;
let dataDir: string;
let runtime: ConnectorRuntime | undefined;
let temperatureTagId: string;

/** Source times one second apart, recent enough for retention, always increasing. */
let clock = Date.now() - 10 * 60_000;
const nextTime = () => new Date((clock += 1000));

/** A PLC whose Temperature is historized (the last 100 values) and whose Pressure is not. */
async function startPlc(pki: string): Promise<Plc> {
  const { server, endpoint } = await loopbackServer({ resourcePath: 'plc', pkiFolder: pki });
  const addressSpace = server.engine.addressSpace!;
  const namespace = addressSpace.registerNamespace('urn:plantgraph:history-backfill');
  const variables = new Map<string, UAVariable>();
  for (const name of ['Temperature', 'Pressure']) {
    const variable = namespace.addVariable({
      organizedBy: addressSpace.rootFolder.objects,
      browseName: name,
      nodeId: `s=Press01.${name}`,
      dataType: DataType.Double,
      minimumSamplingInterval: 0,
    });
    variables.set(name, variable);
  }
  addressSpace.installHistoricalDataNode(variables.get('Temperature')!, { maxOnlineValues: 100 });
  await server.start();
  return {
    endpoint,
    set(name, value, time) {
      const variable = variables.get(name)!;
      variable.setValueFromSource({ dataType: DataType.Double, value }, StatusCodes.Good, time);
    },
    stop: () => server.shutdown(0),
  };
}

async function start(): Promise<void> {
  runtime = await startConnectors({
    sql: database.sql,
    config,
    dataDir,
    logger,
    healthIntervalMs: 100,
    orderPollMs: 60_000,
  });
}

async function stop(): Promise<void> {
  await runtime?.close();
  runtime = undefined;
}

/** Every stored temperature sample through `Tag.history`, oldest first. */
async function temperatureHistory(): Promise<{ time: string; value: number }[]> {
  const result = await client.execute<{
    tag: { history: { edges: { node: { time: string; value: number } }[] } };
  }>(
    'query ($id: ID!) { tag(id: $id) { history(first: 1000) { edges { node { time value } } } } }',
    {
      id: temperatureTagId,
    },
  );
  expect(result.errors).toBeUndefined();
  // As a client receives it: times as ISO strings.
  const data = JSON.parse(JSON.stringify(result.data)) as NonNullable<typeof result.data>;
  return data.tag.history.edges.map(({ node }) => node);
}

async function lastBackfill(): Promise<BackfillView | null> {
  const result = await client.execute<{
    connections: { id: string; lastBackfill: BackfillView | null }[];
  }>(
    `{ connections { id lastBackfill { from to startedAt nodes valuesRead valuesDelivered
         nodesUnsupported unsupported error } } }`,
  );
  expect(result.errors).toBeUndefined();
  const data = JSON.parse(JSON.stringify(result.data)) as NonNullable<typeof result.data>;
  return data.connections.find((c) => c.id === 'press-plc')?.lastBackfill ?? null;
}

const stored = async (count: number) => (await temperatureHistory()).length === count;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'plantgraph-backfill-'));
  database = await openTestDatabase();
  client = await SubgraphClient.start(await timeseriesSubgraph.buildSchema(), database.services);
  plc = await startPlc(join(dataDir, 'server-pki'));
  const [site] = await database.sql.query<{ id: string }>(
    `insert into asset (kind, name, path) values ('ENTERPRISE', $1, $1) returning id`,
    [`Backfill Plant ${suffix}`],
  );
  await database.sql.query(
    `insert into asset (parent_id, kind, name, path) values ($1, 'EQUIPMENT', 'Press 01', $2)`,
    [site!.id, PRESS],
  );
  config = parsePlantConfig(
    {
      connections: [
        {
          kind: 'opcua',
          id: 'press-plc',
          endpoint: plc.endpoint,
          samplingIntervalMs: 0,
          publishingIntervalMs: 50,
          backfill: { maxWindow: '1h', nodesPerRead: 10, valuesPerNode: 2 },
        },
      ],
      mappings: {
        tags: [
          { connection: 'press-plc', source: { nodeId: TEMPERATURE }, asset: PRESS, tag: 'Temp' },
          { connection: 'press-plc', source: { nodeId: PRESSURE }, asset: PRESS, tag: 'Pressure' },
        ],
      },
    },
    'test',
  );
  plc.set('Temperature', 20, nextTime());
  plc.set('Pressure', 1, nextTime());
}, 60_000);

afterAll(async () => {
  await stop();
  await client?.stop();
  await plc?.stop();
  await database?.close();
  rmSync(dataDir, { recursive: true, force: true });
}, 30_000);

describe('OPC UA history backfill', () => {
  it('stores every value written while the connector was stopped, each once', async () => {
    await start();
    const [tag] = await database.sql.query<{ id: string }>(
      `select t.id from tag t join asset a on a.id = t.asset_id where a.path = $1 and t.name = 'Temp'`,
      [PRESS],
    );
    temperatureTagId = tag!.id;
    await until(() => stored(1), 'the first temperature', 15_000, 50);
    const live = [21.5, 22.25];
    for (const value of live) {
      plc.set('Temperature', value, nextTime());
      await until(
        async () => (await temperatureHistory()).at(-1)?.value === value,
        `${value}`,
        15_000,
        50,
      );
    }
    const before = await temperatureHistory();
    expect(before.map((sample) => sample.value)).toEqual([20, ...live]);
    await stop();

    // Several distinct values while nobody watches; Pressure keeps no history, so its own are lost.
    const missed = [23, 24.5, 19.75, 30, 28.125];
    const missedTimes = missed.map((value) => {
      const time = nextTime();
      plc.set('Temperature', value, time);
      plc.set('Pressure', value / 10, nextTime());
      return time.toISOString();
    });
    const restartedAt = new Date();
    await start();
    await until(
      async () => {
        const report = await lastBackfill();
        return report !== null && new Date(report.startedAt) >= restartedAt;
      },
      'the backfill after the restart reported',
      15_000,
      50,
    );
    await until(() => stored(before.length + missed.length), 'the missed values', 15_000, 50);

    const after = await temperatureHistory();
    expect(after).toEqual([
      ...before,
      ...missed.map((value, index) => ({ time: missedTimes[index], value })),
    ]);
    expect(new Set(after.map((sample) => sample.time)).size).toBe(after.length);

    const report = await lastBackfill();
    // From the last stored temperature (inclusive) to when the connection was back.
    expect(report).toMatchObject({
      from: before.at(-1)!.time,
      nodes: 1,
      valuesRead: missed.length + 1,
      valuesDelivered: missed.length + 1,
      nodesUnsupported: 1,
      unsupported: [PRESSURE],
      error: null,
    });
    expect(new Date(report!.to).getTime()).toBeGreaterThanOrEqual(restartedAt.getTime());

    const metrics = await metricsRegistry.getSingleMetricAsString('plantgraph_backfill_runs_total');
    expect(metrics).toContain('connection="press-plc",outcome="completed"} 2');
  });
});

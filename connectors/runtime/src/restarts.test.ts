import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync, type MqttClient } from 'mqtt';
import { DataType, StatusCodes, type UAVariable } from 'node-opcua';
import { encodePayload, type UMetric } from 'sparkplug-payload/lib/sparkplugbpayload.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@plantgraph/config';
import { loopbackServer } from '@plantgraph/opcua-connector/fixture-server';
import { parsePlantConfig, type PlantConfig } from '@plantgraph/ingest';
import {
  openTestDatabase,
  testBroker,
  type TestBroker,
  type TestDatabase,
  until as poll,
} from '@plantgraph/testing';
import { startConnectors, type ConnectorRuntime } from './connector-runtime.ts';

/*
 * Parts counted and alarms cleared while a connector process is down: a real OPC UA server on
 * loopback, a real broker with a Sparkplug B edge node, the real database, and connector runtimes
 * stopped and started as a process would be.
 */

const logger = createLogger('restarts-test', process.env.LOG_LEVEL ?? 'silent');
const suffix = Math.random().toString(36).slice(2, 8);
const PRESS = `Restart Plant ${suffix}/Press 01`;
const MILL = `Restart Plant ${suffix}/Mill 01`;
const GROUP = `Restarts${suffix}`;
const EDGE_NODE = 'Mill01';
const RECONNECT_REASON = 'not active on reconnect';

let database: TestDatabase;
let broker: TestBroker;
let plc: Plc;
let edge: EdgeNode;
let config: PlantConfig;
let dataDir: string;
let runtime: ConnectorRuntime | undefined;
const assets: Record<string, string> = {};

/** A press PLC: a running parts total and an alarm word (bit 0 JAM, bit 1 OIL_LOW). */
interface Plc {
  endpoint: string;
  set(name: 'GoodCount' | 'AlarmWord', value: number): void;
  stop(): Promise<void>;
}

async function startPlc(pki: string): Promise<Plc> {
  const { server, endpoint } = await loopbackServer({ resourcePath: 'plc', pkiFolder: pki });
  const addressSpace = server.engine.addressSpace;
  if (!addressSpace) throw new Error('address space not loaded');
  const namespace = addressSpace.registerNamespace('urn:plantgraph:restarts');
  const variables = new Map<string, UAVariable>();
  for (const name of ['GoodCount', 'AlarmWord']) {
    const variable = namespace.addVariable({
      organizedBy: addressSpace.rootFolder.objects,
      browseName: name,
      nodeId: `s=Press01.${name}`,
      dataType: DataType.UInt32,
      minimumSamplingInterval: 0,
    });
    variables.set(name, variable);
  }
  await server.start();
  const plcLike: Plc = {
    endpoint,
    set(name, value) {
      const variable = variables.get(name)!;
      variable.setValueFromSource(
        { dataType: DataType.UInt32, value },
        StatusCodes.Good,
        new Date(),
      );
    },
    stop: () => server.shutdown(0),
  };
  plcLike.set('GoodCount', 0);
  plcLike.set('AlarmWord', 0);
  return plcLike;
}

/**
 * A Sparkplug B edge node with a parts total and an overheat flag. It answers a host's rebirth
 * request with an NBIRTH of its current values, as Sparkplug asks of every edge node.
 */
class EdgeNode {
  private seq = 0;
  readonly values = { GoodCount: 0, Overheat: false };

  private constructor(private readonly client: MqttClient) {}

  static async start(url: string): Promise<EdgeNode> {
    const client = await connectAsync(url, {
      clientId: `restarts-edge-${suffix}`,
      reconnectPeriod: 0,
    });
    const node = new EdgeNode(client);
    await client.subscribeAsync(`spBv1.0/${GROUP}/NCMD/${EDGE_NODE}`, { qos: 0 });
    client.on('message', () => void node.birth());
    return node;
  }

  birth(): Promise<void> {
    this.seq = 0;
    return this.send('NBIRTH', [{ name: 'bdSeq', type: 'Int64', value: 1 }, ...this.metrics()]);
  }

  data(values: Partial<EdgeNode['values']>): Promise<void> {
    Object.assign(this.values, values);
    this.seq = (this.seq + 1) % 256;
    return this.send('NDATA', this.metrics());
  }

  death(): Promise<void> {
    const payload = encodePayload({ metrics: [{ name: 'bdSeq', type: 'Int64', value: 1 }] });
    return this.publish('NDEATH', payload);
  }

  close(): Promise<void> {
    return this.client.endAsync();
  }

  private metrics(): UMetric[] {
    return [
      { name: 'GoodCount', type: 'UInt32', value: this.values.GoodCount },
      { name: 'Overheat', type: 'Boolean', value: this.values.Overheat },
    ];
  }

  private send(type: string, metrics: UMetric[]): Promise<void> {
    return this.publish(type, encodePayload({ timestamp: Date.now(), seq: this.seq, metrics }));
  }

  private async publish(type: string, payload: Uint8Array): Promise<void> {
    await this.client.publishAsync(`spBv1.0/${GROUP}/${type}/${EDGE_NODE}`, Buffer.from(payload), {
      qos: 1,
    });
  }
}

async function insertAsset(path: string, parentId: string | null, kind: string) {
  const [row] = await database.sql.query<{ id: string }>(
    `insert into asset (parent_id, kind, name, path) values ($1, $2, $3, $4) returning id`,
    [parentId, kind, path.split('/').at(-1), path],
  );
  return row!.id;
}

/** Starts a connector runtime, as a process would, and waits until the broker serves it. */
async function start(): Promise<ConnectorRuntime> {
  const started = await startConnectors({
    sql: database.sql,
    config,
    busUrl: broker.url,
    dataDir,
    logger,
    healthIntervalMs: 60_000,
    orderPollMs: 60_000,
  });
  runtime = started;
  const subscribed = () =>
    started.health.statuses().find((status) => status.id === 'mill-edge')?.state === 'CONNECTED';
  await until(async () => subscribed(), 'the Sparkplug connection subscribed');
  return started;
}

async function stop(): Promise<void> {
  await runtime?.close();
  runtime = undefined;
}

/** Polls the database every 50 ms until `check` holds; fails naming `what` after 15 s. */
const until = (check: () => Promise<boolean>, what: string) => poll(check, what, 15_000, 50);

async function partsCounted(assetId: string): Promise<number> {
  const [row] = await database.sql.query<{ parts: number | null }>(
    `select sum(increment)::float8 as parts from counter_increment where asset_id = $1`,
    [assetId],
  );
  return row?.parts ?? 0;
}

async function storedTotal(assetId: string): Promise<number | undefined> {
  const [row] = await database.sql.query<{ total: number }>(
    'select total from counter_total where asset_id = $1',
    [assetId],
  );
  return row?.total;
}

interface AlarmEventRow {
  code: string;
  raised_at: Date;
  cleared_at: Date | null;
  clear_reason: string | null;
}

function alarmEvents(assetId: string): Promise<AlarmEventRow[]> {
  return database.sql.query<AlarmEventRow>(
    `select code, raised_at, cleared_at, clear_reason from alarm_event
      where asset_id = $1 order by code, raised_at`,
    [assetId],
  );
}

const openCodes = async (assetId: string) =>
  (await alarmEvents(assetId)).filter((e) => e.cleared_at === null).map((e) => e.code);

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'plantgraph-restarts-'));
  database = await openTestDatabase();
  broker = await testBroker();
  plc = await startPlc(join(dataDir, 'server-pki'));
  edge = await EdgeNode.start(broker.url);
  const site = await insertAsset(`Restart Plant ${suffix}`, null, 'ENTERPRISE');
  assets.press = await insertAsset(PRESS, site, 'EQUIPMENT');
  assets.mill = await insertAsset(MILL, site, 'EQUIPMENT');
  const sparkplug = (metric: string) => ({
    sparkplug: { group: GROUP, edgeNode: EDGE_NODE, metric },
  });
  config = parsePlantConfig(
    {
      connections: [
        { kind: 'opcua', id: 'press-plc', endpoint: plc.endpoint, publishingIntervalMs: 50 },
        {
          kind: 'mqtt',
          id: 'mill-edge',
          clientId: `restarts-host-${suffix}`,
          topics: [`spBv1.0/${GROUP}/#`],
          format: 'sparkplug',
        },
      ],
      mappings: {
        counters: [
          {
            connection: 'press-plc',
            source: { nodeId: 'ns=2;s=Press01.GoodCount' },
            asset: PRESS,
            counter: 'GOOD',
          },
          {
            connection: 'mill-edge',
            source: sparkplug('GoodCount'),
            asset: MILL,
            counter: 'GOOD',
          },
        ],
        alarms: [
          ...[
            ['JAM', 0],
            ['OIL_LOW', 1],
          ].map(([code, bit]) => ({
            connection: 'press-plc',
            source: { nodeId: 'ns=2;s=Press01.AlarmWord' },
            asset: PRESS,
            code: code as string,
            bit: bit as number,
            severity: 'HIGH' as const,
            message: `${code as string} on the press`,
          })),
          {
            connection: 'mill-edge',
            source: sparkplug('Overheat'),
            asset: MILL,
            code: 'OVERHEAT',
            severity: 'CRITICAL',
            message: 'Spindle overheated',
          },
        ],
      },
    },
    'test',
  );
}, 60_000);

afterAll(async () => {
  await stop();
  await edge?.close();
  await plc?.stop();
  await broker?.close();
  await database?.close();
  rmSync(dataDir, { recursive: true, force: true });
}, 30_000);

describe('OPC UA: a connector process restarted', () => {
  it('counts the parts made while it was down, and clears the alarms that went away', async () => {
    plc.set('GoodCount', 100);
    plc.set('AlarmWord', 0b11);
    await start();
    await until(async () => (await storedTotal(assets.press!)) === 100, 'the baseline');
    await until(async () => (await openCodes(assets.press!)).length === 2, 'both alarms raised');
    expect(await partsCounted(assets.press!)).toBe(0);
    await stop();

    plc.set('GoodCount', 130);
    plc.set('AlarmWord', 0b10);
    const restartedAt = new Date();
    await start();
    await until(async () => (await partsCounted(assets.press!)) === 30, '30 parts counted');
    await until(async () => (await openCodes(assets.press!)).length === 1, 'JAM cleared');
    const events = await alarmEvents(assets.press!);
    expect(events.map(({ code, clear_reason }) => ({ code, clear_reason }))).toEqual([
      { code: 'JAM', clear_reason: RECONNECT_REASON },
      { code: 'OIL_LOW', clear_reason: null },
    ]);
    const [jam, oilLow] = events;
    // Cleared when the restarted connector saw it inactive, not at any time before that.
    expect(jam!.cleared_at!.getTime()).toBeGreaterThanOrEqual(restartedAt.getTime());
    expect(jam!.cleared_at!.getTime()).toBeLessThanOrEqual(Date.now());
    expect(oilLow!.cleared_at).toBeNull();
    // The live value goes on counting from the stored total.
    plc.set('GoodCount', 134);
    await until(async () => (await partsCounted(assets.press!)) === 34, '4 more parts');
    await stop();
  }, 60_000);

  it('takes a total below the stored one after a restart as a PLC reset', async () => {
    plc.set('GoodCount', 5);
    await start();
    await until(async () => (await storedTotal(assets.press!)) === 5, 'the reset total stored');
    await until(async () => (await partsCounted(assets.press!)) === 39, 'the 5 parts since');
    const [reset] = await database.sql.query<{ increment: number }>(
      `select increment from counter_increment where asset_id = $1 order by time desc limit 1`,
      [assets.press],
    );
    expect(reset?.increment).toBe(5);
    // The alarm still active was neither raised again nor cleared by the restarts.
    expect((await alarmEvents(assets.press!)).filter((e) => e.code === 'OIL_LOW')).toHaveLength(1);
    expect(await openCodes(assets.press!)).toEqual(['OIL_LOW']);
    await stop();
  }, 60_000);
});

describe('Sparkplug B: births after a restart or a death', () => {
  it('counts from the stored total and clears what a birth shows inactive', async () => {
    await start();
    edge.values.GoodCount = 100;
    edge.values.Overheat = true;
    await edge.birth();
    await until(async () => (await storedTotal(assets.mill!)) === 100, 'the baseline');
    await until(async () => (await openCodes(assets.mill!)).length === 1, 'OVERHEAT raised');
    await stop();

    // Sent while the host is away: its persistent session receives it after the restart, from
    // an edge node it has not seen born, and asks for a rebirth.
    await edge.data({ GoodCount: 130, Overheat: false });
    const restartedAt = Date.now();
    await start();
    await until(async () => (await partsCounted(assets.mill!)) === 30, '30 parts counted');
    await until(async () => (await openCodes(assets.mill!)).length === 0, 'OVERHEAT cleared');
    const [event] = await alarmEvents(assets.mill!);
    expect(event!.clear_reason).toBe(RECONNECT_REASON);
    expect(event!.cleared_at!.getTime()).toBeGreaterThanOrEqual(restartedAt);
  }, 60_000);

  it('clears on the NBIRTH after an NDEATH an alarm that went away meanwhile', async () => {
    // The same connector process as above, still running.
    await edge.data({ Overheat: true });
    await until(async () => (await openCodes(assets.mill!)).length === 1, 'OVERHEAT raised');
    await edge.death();
    edge.values.Overheat = false;
    const bornAt = Date.now();
    await edge.birth();
    await until(async () => (await openCodes(assets.mill!)).length === 0, 'OVERHEAT cleared');
    const events = await alarmEvents(assets.mill!);
    expect(events).toHaveLength(2);
    expect(events[1]!.clear_reason).toBe(RECONNECT_REASON);
    expect(events[1]!.cleared_at!.getTime()).toBeGreaterThanOrEqual(bornAt);
    // A birth showing the alarm still active keeps the one open event.
    await edge.data({ Overheat: true });
    await until(async () => (await openCodes(assets.mill!)).length === 1, 'OVERHEAT raised');
    await edge.death();
    // The birth's alarm and total are written together: once the total is in, so is the alarm.
    edge.values.GoodCount = 131;
    await edge.birth();
    await until(async () => (await storedTotal(assets.mill!)) === 131, 'the birth written');
    expect(await openCodes(assets.mill!)).toEqual(['OVERHEAT']);
    expect(await alarmEvents(assets.mill!)).toHaveLength(3);
    expect(await partsCounted(assets.mill!)).toBe(31);
    await stop();
  }, 60_000);
});

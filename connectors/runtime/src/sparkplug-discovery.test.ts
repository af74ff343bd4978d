import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync, type MqttClient } from 'mqtt';
import { encodePayload, type UMetric } from 'sparkplug-payload/lib/sparkplugbpayload.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@plantgraph/config';
import { parsePlantConfig, type PlantConfig } from '@plantgraph/ingest';
import {
  hasTestBroker,
  openTestDatabase,
  TEST_BROKER_KINDS,
  testBroker,
  type TestBroker,
  type TestDatabase,
  until as poll,
} from '@plantgraph/testing';
import { startConnectors, type ConnectorRuntime } from './connector-runtime.ts';

/*
 * Sparkplug discovery into the real database, on a real broker (embedded, and Mosquitto when
 * TEST_MQTT_URL names it): the birth metrics of a bound device (and of a bound edge node) become
 * tags of its asset, typed by their datatypes, and their values are stored; a connector started
 * again on the same database finds those tags.
 */

const logger = createLogger('sparkplug-discovery-test', process.env.LOG_LEVEL ?? 'silent');
const T0 = Date.parse('2026-03-02T08:00:00Z');
const EDGE_NODE = 'Lyon01';
const MILL = 'Mill01';
const LATHE = 'Lathe01';

let database: TestDatabase;

beforeAll(async () => {
  database = await openTestDatabase();
});

afterAll(async () => {
  await database.close();
});

/**
 * A Sparkplug B edge node with devices on a connection of its own. Its messages share one `seq`,
 * which each NBIRTH starts again (spec 4.2.1); births carry names, aliases and datatypes, data
 * the aliases only.
 */
class EdgeNode {
  #seq = 0;

  constructor(
    private readonly client: MqttClient,
    private readonly group: string,
  ) {}

  async nbirth(time: number, metrics: UMetric[]): Promise<void> {
    this.#seq = 0;
    const control = [{ name: 'bdSeq', type: 'Int64' as const, value: 0 }];
    await this.send('NBIRTH', time, [...control, ...metrics]);
  }

  dbirth(device: string, time: number, metrics: UMetric[]): Promise<void> {
    return this.send('DBIRTH', time, metrics, device);
  }

  ddata(device: string, time: number, metrics: UMetric[]): Promise<void> {
    return this.send('DDATA', time, metrics, device);
  }

  /** The node's death certificate: its bdSeq, no seq (spec 6.4.6). */
  async ndeath(): Promise<void> {
    const payload = encodePayload({
      timestamp: Date.now(),
      metrics: [{ name: 'bdSeq', type: 'Int64', value: 0 }],
    });
    const topic = ['spBv1.0', this.group, 'NDEATH', EDGE_NODE].join('/');
    await this.client.publishAsync(topic, Buffer.from(payload), { qos: 1 });
  }

  private async send(type: string, time: number, metrics: UMetric[], device?: string) {
    const payload = encodePayload({ timestamp: time, seq: this.#seq, metrics });
    this.#seq = (this.#seq + 1) % 256;
    const topic = ['spBv1.0', this.group, type, EDGE_NODE, ...(device ? [device] : [])].join('/');
    await this.client.publishAsync(topic, Buffer.from(payload), { qos: 1 });
  }
}

/** The mill's birth: one metric of each discovered kind, one mapped, two no tag type holds. */
const millBirth = (values: { temperature: number; parts: number }): UMetric[] => [
  { name: 'Temperature', alias: 1, type: 'Double', value: values.temperature },
  { name: 'PartCount', alias: 2, type: 'UInt32', value: values.parts },
  { name: 'Running', alias: 3, type: 'Boolean', value: true },
  { name: 'Program', alias: 4, type: 'String', value: 'PRG_42' },
  { name: 'Speed', alias: 5, type: 'Float', value: 1200 },
  { name: 'Snapshot', alias: 6, type: 'Bytes', value: new Uint8Array([1, 2]) },
  { name: 'Started', alias: 7, type: 'DateTime', value: T0 },
];

interface TagRow {
  id: string;
  name: string;
  data_type: string;
  source: string | null;
}

interface StoredValue {
  tag: string;
  time: Date;
  value: number | null;
  text: string | null;
}

/** Polls the database every 50 ms until `check` holds; fails naming `what` after 15 s. */
const until = (check: () => Promise<boolean>, what: string) => poll(check, what, 15_000, 50);

for (const kind of TEST_BROKER_KINDS) {
  describe.runIf(hasTestBroker(kind))(`Sparkplug discovery on the ${kind} broker`, () => {
    const suffix = randomUUID().slice(0, 8);
    const group = `Discovery_${kind}_${suffix}`;
    const plant = `Sparkplug Plant ${kind} ${suffix}`;
    const millAsset = `${plant}/Mill 01`;
    const latheAsset = `${plant}/Lathe 01`;
    const gatewayAsset = `${plant}/Edge Gateway`;
    const connection = `lyon-sparkplug-${suffix}`;
    const clientId = `plantgraph-discovery-${suffix}`;
    const address = (...levels: string[]) => [group, EDGE_NODE, ...levels].join('/');
    let broker: TestBroker;
    let publisher: MqttClient;
    let edge: EdgeNode;
    let config: PlantConfig;
    let runtime: ConnectorRuntime | undefined;
    let dataDir: string;

    const tagsOf = (asset: string) =>
      database.sql.query<TagRow>(
        `select t.id, t.name, t.data_type::text as data_type, t.source
           from tag t join asset a on a.id = t.asset_id where a.path = $1 order by t.name`,
        [asset],
      );

    const storedOf = (asset: string) =>
      database.sql.query<StoredValue>(
        `select t.name as tag, d.time, d.value, d.text
           from datapoint d join tag t on t.id = d.tag_id join asset a on a.id = t.asset_id
          where a.path = $1 order by t.name, d.time`,
        [asset],
      );

    const countOf = async (asset: string, tag: string) =>
      (await storedOf(asset)).filter((row) => row.tag === tag).length;

    async function start(): Promise<ConnectorRuntime> {
      const started = await startConnectors({
        sql: database.sql,
        config,
        dataDir,
        logger,
        healthIntervalMs: 60_000,
        orderPollMs: 60_000,
      });
      runtime = started;
      await until(
        async () => started.health.statuses().every((status) => status.state === 'CONNECTED'),
        'the Sparkplug connection subscribed',
      );
      return started;
    }

    async function stop(): Promise<void> {
      await runtime?.close();
      runtime = undefined;
    }

    /** The births of the node and both devices, all at `time`. */
    async function births(time: number, mill: { temperature: number; parts: number }) {
      await edge.nbirth(time, [
        { name: 'Uptime', alias: 1, type: 'Int64', value: 3600 },
        { name: 'Properties/Firmware', alias: 2, type: 'String', value: '4.2.1' },
      ]);
      await edge.dbirth(MILL, time, millBirth(mill));
      await edge.dbirth(LATHE, time, [
        { name: 'Temperature', alias: 1, type: 'Double', value: 30 },
      ]);
    }

    beforeAll(async () => {
      broker = await testBroker(kind);
      dataDir = mkdtempSync(join(tmpdir(), 'plantgraph-sparkplug-discovery-'));
      const [root] = await database.sql.query<{ id: string }>(
        `insert into asset (kind, name, path) values ('ENTERPRISE', $1, $1) returning id`,
        [plant],
      );
      for (const path of [millAsset, latheAsset, gatewayAsset]) {
        await database.sql.query(
          `insert into asset (parent_id, kind, name, path) values ($1, 'EQUIPMENT', $2, $3)`,
          [root!.id, path.split('/').at(-1), path],
        );
      }
      config = parsePlantConfig(
        {
          connections: [
            {
              kind: 'mqtt',
              id: connection,
              url: broker.url,
              clientId,
              topics: [`spBv1.0/${group}/#`],
              format: 'sparkplug',
            },
          ],
          mappings: {
            tags: [
              {
                connection,
                source: {
                  sparkplug: { group, edgeNode: EDGE_NODE, device: MILL, metric: 'Speed' },
                },
                asset: millAsset,
                tag: 'Spindle Speed',
                unit: 'rpm',
              },
            ],
          },
          instances: [
            {
              asset: millAsset,
              connection,
              device: { group, edgeNode: EDGE_NODE, device: MILL },
              discover: true,
            },
            {
              asset: gatewayAsset,
              connection,
              device: { group, edgeNode: EDGE_NODE },
              discover: true,
            },
          ],
        },
        'sparkplug-discovery.test.ts',
      );
      publisher = await connectAsync(broker.url, {
        clientId: `plantgraph-discovery-edge-${suffix}`,
        reconnectPeriod: 0,
      });
      edge = new EdgeNode(publisher, group);
      await start();
    });

    afterAll(async () => {
      await stop();
      await publisher?.endAsync();
      if (broker) {
        // Ends the connector's persistent session on a shared broker.
        const client = await connectAsync(broker.url, {
          clientId,
          clean: true,
          reconnectPeriod: 0,
        });
        await client.endAsync();
        await broker.close();
      }
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('makes the birth metrics of a bound device tags of its asset and stores their values', async () => {
      await births(T0, { temperature: 21.5, parts: 12 });
      await until(async () => (await storedOf(millAsset)).length === 5, 'the mill birth stored');
      await until(async () => (await storedOf(gatewayAsset)).length === 2, 'the node birth stored');

      const tags = (await tagsOf(millAsset)).map(({ id: _id, ...tag }) => tag);
      // Speed is mapped to Spindle Speed already; Bytes and DateTime make no tags.
      expect(tags).toEqual([
        { name: 'PartCount', data_type: 'INTEGER', source: address(MILL, 'PartCount') },
        { name: 'Program', data_type: 'STRING', source: address(MILL, 'Program') },
        { name: 'Running', data_type: 'BOOLEAN', source: address(MILL, 'Running') },
        { name: 'Spindle Speed', data_type: 'FLOAT', source: address(MILL, 'Speed') },
        { name: 'Temperature', data_type: 'FLOAT', source: address(MILL, 'Temperature') },
      ]);
      const at = new Date(T0);
      expect(await storedOf(millAsset)).toEqual([
        { tag: 'PartCount', time: at, value: 12, text: null },
        { tag: 'Program', time: at, value: null, text: 'PRG_42' },
        { tag: 'Running', time: at, value: 1, text: null },
        { tag: 'Spindle Speed', time: at, value: 1200, text: null },
        { tag: 'Temperature', time: at, value: 21.5, text: null },
      ]);
      // The edge node's binding takes its own metrics, not those of its devices.
      expect((await tagsOf(gatewayAsset)).map(({ id: _id, ...tag }) => tag)).toEqual([
        {
          name: 'Properties/Firmware',
          data_type: 'STRING',
          source: address('Properties/Firmware'),
        },
        { name: 'Uptime', data_type: 'INTEGER', source: address('Uptime') },
      ]);
      expect(await storedOf(gatewayAsset)).toEqual([
        { tag: 'Properties/Firmware', time: at, value: null, text: '4.2.1' },
        { tag: 'Uptime', time: at, value: 3600, text: null },
      ]);
    });

    it('stores the DDATA of discovered metrics and still ignores an unbound device', async () => {
      await edge.ddata(LATHE, T0 + 1000, [{ alias: 1, type: 'Double', value: 31 }]);
      await edge.ddata(MILL, T0 + 1000, [
        { alias: 1, type: 'Double', value: 22.5 },
        { alias: 2, type: 'UInt32', value: 13 },
        { alias: 3, type: 'Boolean', value: false },
      ]);
      await until(async () => (await countOf(millAsset, 'Temperature')) === 2, 'the mill DDATA');

      const later = (await storedOf(millAsset)).filter((row) => row.time.getTime() === T0 + 1000);
      expect(later).toEqual([
        { tag: 'PartCount', time: new Date(T0 + 1000), value: 13, text: null },
        { tag: 'Running', time: new Date(T0 + 1000), value: 0, text: null },
        { tag: 'Temperature', time: new Date(T0 + 1000), value: 22.5, text: null },
      ]);
      // Messages are handled in order: the lathe's birth and data came before the mill's data.
      const [lathe] = await database.sql.query<{ count: number }>(
        `select count(*)::int as count from tag where source like $1`,
        [`${address(LATHE)}/%`],
      );
      expect(lathe?.count).toBe(0);
      expect(await tagsOf(latheAsset)).toEqual([]);
    });

    it('finds the tags again after a restart', async () => {
      const before = await tagsOf(millAsset);
      const gatewayBefore = await tagsOf(gatewayAsset);
      await stop();
      await start();

      await births(T0 + 60_000, { temperature: 23.5, parts: 20 });
      await edge.ddata(MILL, T0 + 61_000, [{ alias: 2, type: 'UInt32', value: 21 }]);
      await until(async () => (await countOf(millAsset, 'PartCount')) === 4, 'the new values');

      expect(await tagsOf(millAsset)).toEqual(before);
      expect(await tagsOf(gatewayAsset)).toEqual(gatewayBefore);
      const parts = (await storedOf(millAsset)).filter((row) => row.tag === 'PartCount');
      expect(parts.map((row) => [row.time.getTime() - T0, row.value])).toEqual([
        [0, 12],
        [1000, 13],
        [60_000, 20],
        [61_000, 21],
      ]);
      expect(await countOf(gatewayAsset, 'Uptime')).toBe(2);
    });

    it('marks every bound asset OFFLINE when the edge node dies, discovery-only ones included', async () => {
      const stateOf = async (asset: string) => {
        const [row] = await database.sql.query<{ state: string }>(
          `select s.state::text as state from machine_state s join asset a on a.id = s.asset_id
            where a.path = $1 order by s.time desc limit 1`,
          [asset],
        );
        return row?.state;
      };
      await edge.ndeath();
      await until(async () => (await stateOf(gatewayAsset)) === 'OFFLINE', 'the gateway OFFLINE');
      expect(await stateOf(millAsset)).toBe('OFFLINE');
      // The lathe is bound to nothing: no state is recorded for it.
      expect(await stateOf(latheAsset)).toBeUndefined();
    });
  });
}

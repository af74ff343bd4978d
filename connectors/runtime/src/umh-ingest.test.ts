import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@plantgraph/config';
import { parsePlantConfig, resolvePlantConfig } from '@plantgraph/ingest';
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
 * United Manufacturing Hub's Unified Namespace into the real database: `format: umh` connections
 * on a real broker (embedded, and Mosquitto when TEST_MQTT_URL names it), discovery creating the
 * assets and tags, values stored at their timestamp_ms.
 */

const logger = createLogger('umh-test', process.env.LOG_LEVEL ?? 'silent');
const T0 = Date.parse('2026-03-02T08:00:00Z');

let database: TestDatabase;

beforeAll(async () => {
  database = await openTestDatabase();
});

afterAll(async () => {
  await database.close();
});

interface StoredValue {
  path: string;
  tag: string;
  data_type: string;
  source: string;
  time: Date;
  value: number | null;
  text: string | null;
}

/** The datapoints stored for tags below `root`, by asset path, tag and time. */
function storedBelow(root: string): Promise<StoredValue[]> {
  return database.sql.query<StoredValue>(
    `select a.path, t.name as tag, t.data_type::text as data_type, t.source, d.time, d.value, d.text
       from datapoint d join tag t on t.id = d.tag_id join asset a on a.id = t.asset_id
      where a.path = $1 or a.path like $2
      order by a.path, t.name, d.time`,
    [root, `${root}/%`],
  );
}

async function assetsBelow(root: string): Promise<{ path: string; kind: string }[]> {
  return database.sql.query(
    `select path, kind::text as kind from asset where path = $1 or path like $2 order by path`,
    [root, `${root}/%`],
  );
}

function deadLetters(connection: string): Promise<{ address: string; reason: string }[]> {
  return database.sql.query(
    'select address, reason from dead_letter where connection = $1 order by received_at, reason',
    [connection],
  );
}

/** Polls the database every 50 ms until `check` holds; fails naming `what` after 15 s. */
const until = (check: () => Promise<boolean>, what: string) => poll(check, what, 15_000, 50);

for (const kind of TEST_BROKER_KINDS) {
  describe.runIf(hasTestBroker(kind))(`UMH Unified Namespace on the ${kind} broker`, () => {
    const suffix = randomUUID().slice(0, 8);
    // Topic levels of UMH are letters, digits, '-' and '_'; unique per run on a shared broker.
    const enterprise = `umh-${kind}-${suffix}`;
    const rooted = `rooted-${kind}-${suffix}`;
    const plant = `Acme Manufacturing ${kind} ${suffix}`;
    const clientIds = [`plantgraph-umh-${suffix}`, `plantgraph-umh-rooted-${suffix}`];
    const cell = (name: string, origin = '') =>
      `umh/v1/${enterprise}/cologne/assembly/line-1/${name}${origin && `/${origin}`}/_historian`;
    let broker: TestBroker;
    let publisher: MqttClient;
    let runtime: ConnectorRuntime;
    let dataDir: string;

    beforeAll(async () => {
      broker = await testBroker(kind);
      dataDir = mkdtempSync(join(tmpdir(), 'plantgraph-umh-'));
      const [root] = await database.sql.query<{ id: string }>(
        `insert into asset (kind, name, path) values ('ENTERPRISE', $1, $1) returning id`,
        [plant],
      );
      await database.sql.query(
        `insert into asset (parent_id, kind, name, path) values ($1, 'SITE', 'Cologne', $2)`,
        [root!.id, `${plant}/Cologne`],
      );
      const config = parsePlantConfig(
        {
          connections: [
            {
              kind: 'mqtt',
              id: `umh-${suffix}`,
              url: broker.url,
              clientId: clientIds[0],
              topics: [`umh/v1/${enterprise}/#`],
              format: 'umh',
            },
            {
              kind: 'mqtt',
              id: `umh-rooted-${suffix}`,
              url: broker.url,
              clientId: clientIds[1],
              topics: [`umh/v1/${rooted}/#`],
              format: 'umh',
              umh: { assetRoot: plant, createAssets: false },
            },
          ],
        },
        'umh-ingest.test.ts',
      );
      runtime = await startConnectors({
        sql: database.sql,
        config,
        dataDir,
        logger,
        healthIntervalMs: 60_000,
        orderPollMs: 60_000,
      });
      await until(
        async () => runtime.health.statuses().every((status) => status.state === 'CONNECTED'),
        'both connections subscribed',
      );
      publisher = await connectAsync(broker.url, {
        clientId: `plantgraph-umh-pub-${suffix}`,
        reconnectPeriod: 0,
      });
    });

    afterAll(async () => {
      await publisher?.endAsync();
      await runtime?.close();
      for (const clientId of clientIds) {
        const client = await connectAsync(broker.url, {
          clientId,
          clean: true,
          reconnectPeriod: 0,
        });
        await client.endAsync();
      }
      await broker?.close();
      rmSync(dataDir, { recursive: true, force: true });
    });

    const publish = (topic: string, payload: unknown) =>
      publisher.publishAsync(
        topic,
        typeof payload === 'string' ? payload : JSON.stringify(payload),
        { qos: 1 },
      );

    const rowsOf = async (path: string, tag: string) =>
      (await storedBelow(enterprise)).filter((row) => row.path === path && row.tag === tag);

    it('creates the assets and tags of two workcells and stores values at timestamp_ms', async () => {
      await publish(`${cell('cell-a')}/temperature`, { timestamp_ms: T0, temperature: 21.5 });
      await publish(`${cell('cell-b', 'e5f484a1791d')}/temperature`, {
        timestamp_ms: T0 + 1000,
        temperature: 23,
      });
      await until(async () => (await storedBelow(enterprise)).length === 2, 'two datapoints');

      const line = `${enterprise}/cologne/assembly/line-1`;
      expect(await assetsBelow(enterprise)).toEqual([
        { path: enterprise, kind: 'ENTERPRISE' },
        { path: `${enterprise}/cologne`, kind: 'SITE' },
        { path: `${enterprise}/cologne/assembly`, kind: 'AREA' },
        { path: line, kind: 'LINE' },
        { path: `${line}/cell-a`, kind: 'CELL' },
        { path: `${line}/cell-b`, kind: 'CELL' },
      ]);
      expect(await storedBelow(enterprise)).toEqual([
        {
          path: `${line}/cell-a`,
          tag: 'temperature',
          data_type: 'FLOAT',
          source: `${cell('cell-a')}/temperature`,
          time: new Date(T0),
          value: 21.5,
          text: null,
        },
        {
          path: `${line}/cell-b`,
          tag: 'temperature',
          data_type: 'FLOAT',
          source: `${cell('cell-b', 'e5f484a1791d')}/temperature`,
          time: new Date(T0 + 1000),
          value: 23,
          text: null,
        },
      ]);
    });

    it('stores a message delivered twice once', async () => {
      const message = { timestamp_ms: T0 + 60_000, 'motor-current': 4.2 };
      await publish(`${cell('cell-a')}/motor-current`, message);
      await publish(`${cell('cell-a')}/motor-current`, message);
      // Messages are handled in order: once the next one is stored, both copies were.
      await publish(`${cell('cell-a')}/motor-current`, { ...message, timestamp_ms: T0 + 61_000 });
      const path = `${enterprise}/cologne/assembly/line-1/cell-a`;
      await until(async () => (await rowsOf(path, 'motor-current')).length >= 2, 'the next value');

      const rows = await rowsOf(path, 'motor-current');
      expect(rows.map((row) => [row.time, row.value])).toEqual([
        [new Date(T0 + 60_000), 4.2],
        [new Date(T0 + 61_000), 4.2],
      ]);
    });

    it('stores every tag of a payload sent to _historian, with types from the values', async () => {
      await publish(cell('cell-b'), {
        timestamp_ms: T0 + 120_000,
        pressure: 5.2,
        program: 'PRG_5120',
        running: true,
        spindle: { speed: 1200 },
      });
      const path = `${enterprise}/cologne/assembly/line-1/cell-b`;
      await until(
        async () => (await storedBelow(enterprise)).filter((r) => r.path === path).length === 5,
        'four more datapoints on cell-b',
      );

      const stored = (await storedBelow(enterprise)).filter(
        (row) => row.path === path && row.tag !== 'temperature',
      );
      expect(
        stored.map(({ tag, data_type, source, time, value, text }) => ({
          tag,
          data_type,
          source,
          time,
          value,
          text,
        })),
      ).toEqual([
        {
          tag: 'pressure',
          data_type: 'FLOAT',
          source: `${cell('cell-b')}/pressure`,
          time: new Date(T0 + 120_000),
          value: 5.2,
          text: null,
        },
        {
          tag: 'program',
          data_type: 'STRING',
          source: `${cell('cell-b')}/program`,
          time: new Date(T0 + 120_000),
          value: null,
          text: 'PRG_5120',
        },
        {
          tag: 'running',
          data_type: 'BOOLEAN',
          source: `${cell('cell-b')}/running`,
          time: new Date(T0 + 120_000),
          value: 1,
          text: null,
        },
        {
          tag: 'spindle_speed',
          data_type: 'FLOAT',
          source: `${cell('cell-b')}/spindle/speed`,
          time: new Date(T0 + 120_000),
          value: 1200,
          text: null,
        },
      ]);
    });

    it('dead-letters a value its tag cannot take and stores the others', async () => {
      await publish(cell('cell-b'), { timestamp_ms: T0 + 150_000, pressure: 'high', flow: 2.5 });
      const path = `${enterprise}/cologne/assembly/line-1/cell-b`;
      await until(async () => (await rowsOf(path, 'flow')).length === 1, 'the flow value');
      await until(
        async () => (await deadLetters(`umh-${suffix}`)).length === 1,
        'the pressure dead letter',
      );

      expect(await deadLetters(`umh-${suffix}`)).toEqual([
        {
          address: `${cell('cell-b')}/pressure`,
          reason: 'expected a number for FLOAT tag "pressure", got "high"',
        },
      ]);
      expect((await rowsOf(path, 'pressure')).map((row) => row.time)).toEqual([
        new Date(T0 + 120_000),
      ]);
    });

    it('turns malformed payloads into dead letters naming the problem and keeps going', async () => {
      const topic = `${cell('cell-a')}/vibration`;
      await publish(topic, 'vibration=3');
      await publish(topic, { vibration: 3 });
      await publish(topic, { timestamp_ms: 'now', vibration: 3 });
      await publish(topic, { timestamp_ms: T0 });
      await publish(topic, { timestamp_ms: T0 + 180_000, vibration: 3 });
      const path = `${enterprise}/cologne/assembly/line-1/cell-a`;
      await until(async () => (await rowsOf(path, 'vibration')).length === 1, 'the good message');
      const ofTopic = async () =>
        (await deadLetters(`umh-${suffix}`)).filter((letter) => letter.address === topic);
      await until(async () => (await ofTopic()).length === 4, 'four dead letters');

      const letters = await ofTopic();
      expect(letters.map((letter) => letter.address)).toEqual([topic, topic, topic, topic]);
      expect(letters.map((letter) => letter.reason).sort()).toEqual([
        expect.stringMatching(/^invalid JSON: /),
        'missing timestamp_ms',
        'no tag values besides timestamp_ms',
        'timestamp_ms must be epoch milliseconds (an integer), got "now"',
      ]);
      expect(await rowsOf(path, 'vibration')).toEqual([
        expect.objectContaining({ time: new Date(T0 + 180_000), value: 3 }),
      ]);
      const status = runtime.health.statuses().find((item) => item.id === `umh-${suffix}`);
      expect(status?.state).toBe('CONNECTED');
    });

    it('maps the enterprise level onto assetRoot and finds assets by slug', async () => {
      // createAssets is off: a site that does not exist is not made up.
      await publish(`umh/v1/${rooted}/lyon/_historian/humidity`, { timestamp_ms: T0, humidity: 5 });
      await publish(`umh/v1/${rooted}/cologne/_historian/humidity`, {
        timestamp_ms: T0,
        humidity: 41,
      });
      await until(async () => (await storedBelow(plant)).length === 1, 'the Cologne value');

      expect(await storedBelow(plant)).toEqual([
        expect.objectContaining({ path: `${plant}/Cologne`, tag: 'humidity', value: 41 }),
      ]);
      expect(await assetsBelow(plant)).toEqual([
        { path: plant, kind: 'ENTERPRISE' },
        { path: `${plant}/Cologne`, kind: 'SITE' },
      ]);
      expect(await assetsBelow(rooted)).toEqual([]);
    });
  });
}

describe('UMH asset root', () => {
  it('stops the start when assetRoot names no asset', async () => {
    const config = parsePlantConfig(
      {
        connections: [
          {
            kind: 'mqtt',
            id: 'umh',
            clientId: 'plantgraph-umh',
            topics: ['umh/v1/#'],
            format: 'umh',
            umh: { assetRoot: 'Nowhere Manufacturing' },
          },
        ],
      },
      'plant.yaml',
    );
    await expect(resolvePlantConfig(database.sql, config)).rejects.toThrow(
      'connections[0].umh.assetRoot: no asset has the path "Nowhere Manufacturing"',
    );
  });
});

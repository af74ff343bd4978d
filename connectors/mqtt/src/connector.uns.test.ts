import { createServer, type AddressInfo } from 'node:net';
import { startEmbeddedBroker } from '@plantgraph/bus';
import type { MqttConnectionConfig } from '@plantgraph/ingest';
import type { MqttClient } from 'mqtt';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  MissingCredentialError,
  startMqttConnector,
  type MqttConnector,
  type MqttConnectorOptions,
} from './connector.ts';
import {
  brokers,
  CollectingSink,
  FixtureMapper,
  forgetSession,
  mqttConnection,
  RecordingHealth,
  silentLogger,
  testClient,
  uniqueName,
  waitUntil,
} from './test-fixtures.ts';

for (const { name, available, start } of brokers) {
  describe.runIf(available)(`MQTT connector, UNS JSON, on ${name}`, () => {
    let broker: { url: string; close(): Promise<void> };
    let publisher: MqttClient;
    let root: string;
    let running: MqttConnector[] = [];
    let sessions: string[] = [];

    beforeAll(async () => {
      broker = await start();
      publisher = await testClient(broker.url);
    });

    afterEach(async () => {
      await Promise.all(running.map((connector) => connector.close()));
      await Promise.all(sessions.map((clientId) => forgetSession(broker.url, clientId)));
      running = [];
      sessions = [];
    });

    afterAll(async () => {
      await publisher.endAsync();
      await broker.close();
    });

    beforeEach(() => {
      root = uniqueName('plantgraph-test/uns');
    });

    const pressMapper = () =>
      new FixtureMapper([
        { address: `${root}/press-01/+`, tagId: 'press' },
        { address: `${root}/oven/climate`, tagId: 'oven', field: 'temperature' },
      ]);

    const setup = async (
      connection: Partial<MqttConnectionConfig> = {},
      {
        mapper = pressMapper(),
        ...extra
      }: Partial<MqttConnectorOptions> & { mapper?: FixtureMapper } = {},
    ) => {
      const sink = new CollectingSink();
      const health = new RecordingHealth();
      const config = mqttConnection({ url: broker.url, topics: [`${root}/#`], ...connection });
      const connector = startMqttConnector({
        connection: config,
        mapper,
        sink,
        health,
        logger: silentLogger,
        ...extra,
      });
      running.push(connector);
      sessions.push(config.clientId);
      await waitUntil(() => health.state === 'CONNECTED', 'the connector to subscribe');
      return { connector, config, mapper, sink, health };
    };

    const publish = (topic: string, payload: string) =>
      publisher.publishAsync(topic, payload, { qos: 1 });

    it('takes the value and timestamp of a UNS message', async () => {
      const { sink, health } = await setup();
      expect(health.items).toBe(1);
      await publish(
        `${root}/press-01/motor-current`,
        '{"value": 12.5, "timestamp": 1767225600000}',
      );
      await publish(
        `${root}/press-01/mode`,
        '{"value": "auto", "timestamp": "2026-01-01T00:00:01Z", "quality": "UNCERTAIN"}',
      );
      await waitUntil(() => sink.records.length === 2, 'two records');
      expect(sink.datapoints('press')).toEqual([
        expect.objectContaining({ value: 12.5, time: new Date('2026-01-01T00:00:00Z') }),
        expect.objectContaining({
          text: 'auto',
          time: new Date('2026-01-01T00:00:01Z'),
          quality: 'UNCERTAIN',
        }),
      ]);
      expect(health.receivedCount).toBe(2);
    });

    it('accepts bare values at the receive time and whole objects for a jsonPath', async () => {
      const { sink } = await setup();
      const before = Date.now();
      await publish(`${root}/press-01/running`, 'true');
      await publish(`${root}/oven/climate`, '{"temperature": 181.5, "humidity": 12}');
      await waitUntil(() => sink.records.length === 2, 'two records');
      const [running] = sink.datapoints('press');
      expect(running).toMatchObject({ value: 1, quality: 'GOOD' });
      expect(running!.time.getTime()).toBeGreaterThanOrEqual(before);
      expect(sink.datapoints('oven')).toEqual([expect.objectContaining({ value: 181.5 })]);
    });

    it('dead-letters malformed JSON and keeps going', async () => {
      const { sink } = await setup();
      await publish(`${root}/press-01/motor-current`, '{"value": 1');
      await publish(`${root}/press-01/motor-current`, '{"value": 2}');
      await waitUntil(() => sink.records.length === 1, 'the good message');
      expect(sink.deadLetters).toEqual([
        expect.objectContaining({
          connection: 'test-mqtt',
          address: `${root}/press-01/motor-current`,
          reason: expect.stringMatching(/^invalid JSON/),
        }),
      ]);
      expect(sink.deadLetters[0]!.payload.toString()).toBe('{"value": 1');
      expect(sink.datapoints('press')).toEqual([expect.objectContaining({ value: 2 })]);
    });

    it('dead-letters unmapped topics on a strict connection and ignores them otherwise', async () => {
      const strict = await setup({ strict: true });
      await publish(`${root}/unknown/tag`, '{"value": 1}');
      await waitUntil(() => strict.sink.deadLetters.length === 1, 'the dead letter');
      expect(strict.sink.deadLetters[0]).toMatchObject({
        address: `${root}/unknown/tag`,
        reason: 'unmapped topic',
      });

      const lenient = await setup();
      await publish(`${root}/unknown/tag`, '{"value": 1}');
      await publish(`${root}/press-01/motor-current`, '{"value": 3}');
      await waitUntil(() => lenient.sink.records.length === 1, 'the mapped message');
      expect(lenient.sink.deadLetters).toEqual([]);
      expect(lenient.connector.ignoredMessages).toBe(1);
    });

    it('asks discovery about unmapped topics under the prefix', async () => {
      const discovered: string[] = [];
      const mapper = pressMapper();
      const { sink, connector } = await setup(
        { discovery: { prefix: `${root}/new/` } },
        {
          mapper,
          discover: (topic) => {
            discovered.push(topic);
            if (topic.endsWith('/refused')) return false;
            mapper.add({ address: topic, tagId: 'discovered' });
            return true;
          },
        },
      );
      await publish(`${root}/new/line-1/press-02/refused`, '{"value": 1}');
      await publish(`${root}/other/tag`, '{"value": 1}');
      await publish(`${root}/new/line-1/press-02/pressure`, '{"value": 7}');
      await waitUntil(() => sink.records.length === 1, 'the discovered record');
      expect(discovered).toEqual([
        `${root}/new/line-1/press-02/refused`,
        `${root}/new/line-1/press-02/pressure`,
      ]);
      expect(sink.datapoints('discovered')).toEqual([expect.objectContaining({ value: 7 })]);
      expect(connector.ignoredMessages).toBe(2);
    });

    it('receives messages published while it was stopped (persistent session)', async () => {
      const first = await setup();
      await first.connector.close();
      expect(first.health.state).toBe('DISCONNECTED');
      for (const value of [1, 2, 3]) {
        await publish(`${root}/press-01/count`, JSON.stringify({ value }));
      }
      const sink = new CollectingSink();
      const health = new RecordingHealth();
      running.push(
        startMqttConnector({
          connection: first.config,
          mapper: first.mapper,
          sink,
          health,
          logger: silentLogger,
        }),
      );
      await waitUntil(() => sink.records.length === 3, 'the queued messages');
      expect(sink.datapoints('press').map((record) => record.value)).toEqual([1, 2, 3]);
    });

    it('has a message the sink failed on delivered again', async () => {
      const { sink, health } = await setup({}, { reconnect: { initialMs: 50, maxMs: 200 } });
      const write = sink.write.bind(sink);
      let failures = 1;
      sink.write = async (records) => {
        if (failures-- > 0) throw new Error('database unavailable');
        return write(records);
      };
      await publish(`${root}/press-01/count`, '{"value": 1}');
      await publish(`${root}/press-01/count`, '{"value": 2}');
      await waitUntil(() => sink.records.length === 2, 'both records');
      expect(sink.datapoints('press').map((record) => record.value)).toEqual([1, 2]);
      expect(health.states).toContainEqual({
        state: 'RECONNECTING',
        error: 'ingest failed: database unavailable',
      });
      expect(health.state).toBe('CONNECTED');
    });

    it('handles one message at a time and waits for the sink', async () => {
      const { sink } = await setup();
      let release!: () => void;
      sink.gate = new Promise((resolve) => (release = resolve));
      await publish(`${root}/press-01/count`, '{"value": 1}');
      await publish(`${root}/press-01/count`, '{"value": 2}');
      await waitUntil(() => sink.writes === 1, 'the first write');
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(sink.writes).toBe(1);
      release();
      await waitUntil(() => sink.records.length === 2, 'both records');
      expect(sink.datapoints('press').map((record) => record.value)).toEqual([1, 2]);
    });
  });
}

describe('MQTT connector without a broker', () => {
  it('refuses to start when a credential variable is not set', () => {
    const start = () =>
      startMqttConnector({
        connection: mqttConnection({
          url: 'mqtt://127.0.0.1:1',
          passwordEnv: 'LINE_MQTT_PASSWORD',
        }),
        mapper: new FixtureMapper(),
        sink: new CollectingSink(),
        health: new RecordingHealth(),
        logger: silentLogger,
        env: {},
      });
    expect(start).toThrow(MissingCredentialError);
    expect(start).toThrow('passwordEnv names LINE_MQTT_PASSWORD, which is not set');
  });

  it('reports the failure, keeps retrying and connects once the broker is up', async () => {
    const port = await freePort();
    const url = `mqtt://127.0.0.1:${port}`;
    const health = new RecordingHealth();
    const connector = startMqttConnector({
      connection: mqttConnection({ url, topics: ['plantgraph-test/none/#'] }),
      mapper: new FixtureMapper(),
      sink: new CollectingSink(),
      health,
      logger: silentLogger,
      reconnect: { initialMs: 50, maxMs: 200 },
    });
    let broker: { close(): Promise<void> } | undefined;
    try {
      await waitUntil(
        () => health.states.filter((entry) => entry.state === 'RECONNECTING').length >= 3,
        'three reconnect attempts',
      );
      expect(health.states[0]).toEqual({ state: 'CONNECTING' });
      expect(health.states).toContainEqual({
        state: 'CONNECTING',
        error: expect.stringContaining('ECONNREFUSED'),
      });
      expect(health.state).toBe('RECONNECTING');
      expect(health.states.at(-1)!.error).toContain('ECONNREFUSED');

      broker = await startEmbeddedBroker({ port });
      await waitUntil(() => health.state === 'CONNECTED', 'the connection');
      expect(health.items).toBe(1);
    } finally {
      await connector.close();
      await broker?.close();
    }
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

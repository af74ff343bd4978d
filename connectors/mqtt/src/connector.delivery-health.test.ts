import { createLogger } from '@plantgraph/config';
import { HealthReporter, metricsRegistry } from '@plantgraph/ingest';
import { openTestDatabase, type TestDatabase } from '@plantgraph/testing';
import type { MqttClient } from 'mqtt';
import { encodePayload, type UMetric } from 'sparkplug-payload/lib/sparkplugbpayload.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMqttConnector } from './connector.ts';
import {
  brokers,
  CollectingSink,
  FixtureMapper,
  forgetSession,
  mqttConnection,
  testClient,
  uniqueName,
  waitUntil,
} from './test-fixtures.ts';

const logger = createLogger('test', process.env.LOG_LEVEL ?? 'silent');

/**
 * What a connection's health says about delivery, on a real broker and database: messages lost
 * at the source (Sparkplug B sequence gaps) and whether the connection falls behind.
 */
describe.each(brokers)('MQTT delivery health on the $name broker', (kind) => {
  let database: TestDatabase;
  let broker: Awaited<ReturnType<typeof kind.start>>;
  let publisher: MqttClient;

  beforeAll(async () => {
    if (!kind.available) return;
    database = await openTestDatabase();
    broker = await kind.start();
    publisher = await testClient(broker.url);
  });

  afterAll(async () => {
    await publisher?.endAsync();
    await broker?.close();
    await database?.close();
  });

  it.runIf(kind.available)(
    'counts the messages sequence gaps skipped, not a rebirth, and reports them',
    async () => {
      const group = uniqueName('PlantgraphLoss');
      const id = uniqueName('sparkplug');
      const sink = new CollectingSink();
      const reporter = new HealthReporter({ sql: database.sql, logger });
      const connection = mqttConnection({
        id,
        url: broker.url,
        format: 'sparkplug',
        topics: [`spBv1.0/${group}/#`],
      });
      const health = reporter.connection(id, { kind: 'mqtt', endpoint: broker.url });
      const connector = startMqttConnector({
        connection,
        mapper: new FixtureMapper([{ address: `${group}/E/Uptime`, tagId: 'uptime' }]),
        sink,
        health,
        logger,
      });
      const send = (type: string, seq: number, metrics: UMetric[] = []) =>
        publisher.publishAsync(
          `spBv1.0/${group}/${type}/E`,
          Buffer.from(encodePayload({ timestamp: Date.now(), seq, metrics })),
          { qos: 1 },
        );
      const birth = (uptime: number) =>
        send('NBIRTH', 0, [{ name: 'Uptime', alias: 1, type: 'Int64', value: uptime }]);
      try {
        await waitUntil(() => health.snapshot().state === 'CONNECTED', 'the subscription');
        await birth(100);
        for (const seq of [1, 2, 6, 7]) await send('NDATA', seq); // 3, 4 and 5 lost
        await birth(200); // a rebirth restarts the sequence: nothing lost
        for (const seq of [1, 4]) await send('NDATA', seq); // 2 and 3 lost
        await birth(300);
        const uptimes = () => sink.datapoints('uptime').map((record) => record.value);
        await waitUntil(() => uptimes().includes(300), 'the last birth');
        expect(uptimes()).toEqual([100, 200, 300]);

        expect(health.snapshot().lostMessages).toBe(5);
        expect(
          await metricsRegistry.getSingleMetricAsString('plantgraph_ingest_lost_messages_total'),
        ).toContain(`plantgraph_ingest_lost_messages_total{connection="${id}"} 5`);
        expect(await reporter.report()).toBe(true);
        const rows = await database.sql.query<{ lost_messages: number; falling_behind: boolean }>(
          'select lost_messages, falling_behind from connection_status where id = $1',
          [id],
        );
        expect(rows).toEqual([{ lost_messages: 5, falling_behind: false }]);
      } finally {
        await connector.close();
        await reporter.close();
        await forgetSession(broker.url, connection.clientId);
      }
    },
  );

  it.runIf(kind.available)(
    'falls behind while received messages wait to be stored, and catches up',
    async () => {
      const topic = `${uniqueName('behind')}/press/force`;
      const id = uniqueName('uns');
      const sink = new CollectingSink();
      let release: () => void = () => undefined;
      sink.storing = new Promise((resolve) => (release = resolve));
      const reporter = new HealthReporter({ sql: database.sql, logger });
      const health = reporter.connection(id, { kind: 'mqtt', endpoint: broker.url });
      const connection = mqttConnection({ id, url: broker.url, topics: [topic] });
      const connector = startMqttConnector({
        connection,
        mapper: new FixtureMapper([{ address: topic, tagId: 'force' }]),
        sink,
        health,
        logger,
        behindAfterMs: 100,
      });
      try {
        await waitUntil(() => health.snapshot().state === 'CONNECTED', 'the subscription');
        for (const value of [1, 2, 3]) await publisher.publishAsync(topic, `${value}`, { qos: 1 });
        await waitUntil(() => sink.datapoints('force').length === 3, 'the messages');
        await waitUntil(() => health.snapshot().fallingBehind, 'falling behind');
        expect(await reporter.report()).toBe(true);
        const [row] = await database.sql.query<{ falling_behind: boolean }>(
          'select falling_behind from connection_status where id = $1',
          [id],
        );
        expect(row?.falling_behind).toBe(true);

        release();
        await waitUntil(() => !health.snapshot().fallingBehind, 'catching up');
      } finally {
        release();
        await connector.close();
        await reporter.close();
        await forgetSession(broker.url, connection.clientId);
      }
    },
  );
});

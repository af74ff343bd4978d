import type { MqttClient } from 'mqtt';
import {
  decodePayload,
  encodePayload,
  type UMetric,
} from 'sparkplug-payload/lib/sparkplugbpayload.js';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startMqttConnector, type MqttConnector } from './connector.ts';
import type { SparkplugDeviceAddress } from './sparkplug.ts';
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

const edgeNodeId = 'Machining';
const mill = 'Line1_CNCMill01';
const lathe = 'Line1_Lathe01';

/** Publishes what a Sparkplug B edge node would, numbering its messages. */
class TestEdgeNode {
  private seq = 0;

  constructor(
    private readonly client: MqttClient,
    private readonly group: string,
    private readonly bdSeq = 3,
  ) {}

  nbirth(metrics: UMetric[]): Promise<void> {
    this.seq = 0;
    const control: UMetric[] = [
      { name: 'bdSeq', type: 'Int64', value: this.bdSeq },
      { name: 'Node Control/Rebirth', type: 'Boolean', value: false },
    ];
    return this.send('NBIRTH', [...control, ...metrics]);
  }

  dbirth(device: string, metrics: UMetric[]): Promise<void> {
    return this.send('DBIRTH', metrics, device);
  }

  ndata(metrics: UMetric[]): Promise<void> {
    return this.send('NDATA', metrics);
  }

  ddata(device: string, metrics: UMetric[]): Promise<void> {
    return this.send('DDATA', metrics, device);
  }

  ddeath(device: string): Promise<void> {
    return this.send('DDEATH', [], device);
  }

  /** The will the broker publishes for the edge node; it carries bdSeq and no seq. */
  async ndeath(bdSeq = this.bdSeq): Promise<void> {
    const payload = encodePayload({ metrics: [{ name: 'bdSeq', type: 'Int64', value: bdSeq }] });
    await this.publish(this.topic('NDEATH'), payload);
  }

  /** Loses `count` messages on the way. */
  skip(count: number): void {
    this.seq = (this.seq + count) % 256;
  }

  private async send(type: string, metrics: UMetric[], device?: string): Promise<void> {
    const payload = encodePayload({ timestamp: Date.now(), seq: this.seq, metrics });
    this.seq = (this.seq + 1) % 256;
    await this.publish(this.topic(type, device), payload);
  }

  private publish(topic: string, payload: Uint8Array) {
    return this.client.publishAsync(topic, Buffer.from(payload), { qos: 1 });
  }

  private topic(type: string, device?: string): string {
    const levels = ['spBv1.0', this.group, type, edgeNodeId, ...(device ? [device] : [])];
    return levels.join('/');
  }
}

for (const { name, available, start } of brokers) {
  describe.runIf(available)(`MQTT connector, Sparkplug B, on ${name}`, () => {
    let broker: { url: string; close(): Promise<void> };
    let client: MqttClient;
    let group: string;
    let edgeNode: TestEdgeNode;
    let sink: CollectingSink;
    let offline: { address: SparkplugDeviceAddress; time: Date }[];
    let connector: MqttConnector;
    let clientId: string;

    beforeAll(async () => {
      broker = await start();
      client = await testClient(broker.url);
    });

    beforeEach(async () => {
      group = uniqueName('PlantgraphTest');
      edgeNode = new TestEdgeNode(client, group);
      sink = new CollectingSink();
      offline = [];
      const health = new RecordingHealth();
      const connection = mqttConnection({
        url: broker.url,
        format: 'sparkplug',
        topics: [`spBv1.0/${group}/#`],
        strict: true,
      });
      clientId = connection.clientId;
      const mapper = new FixtureMapper([
        { address: `${group}/${edgeNodeId}/Uptime`, tagId: 'uptime' },
        { address: `${group}/${edgeNodeId}/+/Spindle Speed`, tagId: 'spindle' },
        { address: `${group}/${edgeNodeId}/+/State`, tagId: 'state' },
      ]);
      connector = startMqttConnector({
        connection,
        mapper,
        sink,
        health,
        logger: silentLogger,
        onDeviceOffline: (address, time) => void offline.push({ address, time }),
      });
      await waitUntil(() => health.state === 'CONNECTED', 'the connector to subscribe');
    });

    afterEach(async () => {
      await connector.close();
      await forgetSession(broker.url, clientId);
    });

    afterAll(async () => {
      await client.endAsync();
      await broker.close();
    });

    const births = async () => {
      await edgeNode.nbirth([{ name: 'Uptime', alias: 1, type: 'Int64', value: 100 }]);
      for (const device of [mill, lathe]) {
        await edgeNode.dbirth(device, [
          { name: 'Spindle Speed', alias: 10, type: 'Float', value: 1000 },
          { name: 'State', alias: 11, type: 'Int32', value: 100 },
        ]);
      }
    };

    const values = (tagId: string) => sink.datapoints(tagId).map((record) => record.value);

    it('names the metrics of data sent by alias', async () => {
      await births();
      const time = Date.parse('2026-01-01T06:00:00Z');
      await edgeNode.ddata(mill, [{ alias: 10, type: 'Float', value: 1250, timestamp: time }]);
      await edgeNode.ddata(mill, [{ alias: 11, type: 'Int32', value: null }]);
      await edgeNode.ndata([{ alias: 1, type: 'Int64', value: 160 }]);
      await waitUntil(() => values('uptime').length === 2, 'the NDATA sample');

      expect(values('spindle')).toEqual([1000, 1000, 1250]);
      expect(sink.datapoints('spindle')[2]!.time).toEqual(new Date(time));
      expect(sink.datapoints('state').map(({ value, quality }) => ({ value, quality }))).toEqual([
        { value: 100, quality: 'GOOD' },
        { value: 100, quality: 'GOOD' },
        { value: null, quality: 'BAD' },
      ]);
      expect(values('uptime')).toEqual([100, 160]);
      // bdSeq and Node Control metrics are protocol, not unmapped data on this strict connection.
      expect(sink.deadLetters).toEqual([]);
    });

    it('dead-letters an unknown alias and keeps the other metrics', async () => {
      await births();
      await edgeNode.ddata(mill, [
        { alias: 99, type: 'Float', value: 1 },
        { alias: 10, type: 'Float', value: 1300 },
      ]);
      await waitUntil(() => values('spindle').length === 3, 'the known metric');
      expect(values('spindle')[2]).toBe(1300);
      expect(sink.deadLetters).toEqual([
        expect.objectContaining({
          address: `spBv1.0/${group}/DDATA/${edgeNodeId}/${mill}`,
          reason: 'unknown metric alias 99',
        }),
      ]);
    });

    it('requests a rebirth on a sequence gap and drops data until the NBIRTH', async () => {
      const commands: unknown[] = [];
      const listener = await testClient(broker.url);
      listener.on('message', (_topic, payload) => commands.push(decodePayload(payload).metrics));
      await listener.subscribeAsync(`spBv1.0/${group}/NCMD/${edgeNodeId}`, { qos: 1 });
      try {
        await births();
        edgeNode.skip(1);
        await edgeNode.ddata(mill, [{ alias: 10, type: 'Float', value: 1 }]);
        await edgeNode.ddata(mill, [{ alias: 10, type: 'Float', value: 2 }]);
        await waitUntil(() => commands.length === 1, 'the rebirth request');
        expect(commands[0]).toEqual([
          expect.objectContaining({ name: 'Node Control/Rebirth', type: 'Boolean', value: true }),
        ]);

        await births();
        await edgeNode.ddata(mill, [{ alias: 10, type: 'Float', value: 3 }]);
        await waitUntil(() => values('spindle').includes(3), 'data after the rebirth');
        expect(values('spindle')).toEqual([1000, 1000, 1000, 1000, 3]);
        expect(commands).toHaveLength(1);
      } finally {
        await listener.endAsync();
      }
    });

    it('requests a rebirth for data from an edge node it has not seen born', async () => {
      const topics: string[] = [];
      const listener = await testClient(broker.url);
      listener.on('message', (topic) => topics.push(topic));
      await listener.subscribeAsync(`spBv1.0/${group}/NCMD/#`, { qos: 1 });
      try {
        await edgeNode.ddata(mill, [{ alias: 10, type: 'Float', value: 1 }]);
        await waitUntil(() => topics.length === 1, 'the rebirth request');
        expect(topics).toEqual([`spBv1.0/${group}/NCMD/${edgeNodeId}`]);
        expect(sink.records).toEqual([]);
      } finally {
        await listener.endAsync();
      }
    });

    it('takes every device offline on the NDEATH of the current session', async () => {
      await births();
      await edgeNode.ndeath(2);
      await edgeNode.ndeath();
      await edgeNode.nbirth([{ name: 'Uptime', alias: 1, type: 'Int64', value: 200 }]);
      await waitUntil(() => values('uptime').includes(200), 'the next session');
      expect(offline.map((notice) => notice.address)).toEqual([
        { group, edgeNode: edgeNodeId, device: mill },
        { group, edgeNode: edgeNodeId, device: lathe },
        { group, edgeNode: edgeNodeId },
      ]);
    });

    it('takes one device offline on its DDEATH', async () => {
      await births();
      await edgeNode.ddeath(lathe);
      await edgeNode.ddata(mill, [{ alias: 10, type: 'Float', value: 1400 }]);
      await waitUntil(() => values('spindle').includes(1400), 'data of the remaining device');
      expect(offline.map((notice) => notice.address)).toEqual([
        { group, edgeNode: edgeNodeId, device: lathe },
      ]);
    });

    it('dead-letters a payload that is not Sparkplug B protobuf', async () => {
      await births();
      const topic = `spBv1.0/${group}/DDATA/${edgeNodeId}/${mill}`;
      await client.publishAsync(topic, '{"value": 1}', { qos: 1 });
      await edgeNode.ddata(mill, [{ alias: 10, type: 'Float', value: 1500 }]);
      await waitUntil(() => values('spindle').includes(1500), 'the next message');
      expect(sink.deadLetters).toEqual([
        expect.objectContaining({
          address: topic,
          reason: expect.stringMatching(/^malformed Sparkplug B payload/),
          payload: Buffer.from('{"value": 1}'),
        }),
      ]);
    });
  });
}

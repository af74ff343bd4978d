import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { plantConfigSchema } from '@plantgraph/ingest';
import type { MqttClient } from 'mqtt';
import { decodePayload, encodePayload } from 'sparkplug-payload/lib/sparkplugbpayload.js';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startMqttConnector, type MqttConnector } from './connector.ts';
import { hostStateTopic, parseHostState, type HostState } from './primary-host.ts';
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
import { SparkplugTestEdgeNode } from './testing/sparkplug-edge-node.ts';

const edgeNodeId = 'Assembly';
const hostScript = new URL('./testing/sparkplug-host-process.ts', import.meta.url).pathname;

interface Observed {
  topic: string;
  payload: Buffer;
}

/** The connector as a primary host in a process of its own, so it can be killed. */
class HostProcess {
  readonly states: string[] = [];
  private readonly child: ChildProcess;

  constructor(env: Record<string, string>) {
    this.child = spawn(process.execPath, ['--import', 'tsx', hostScript], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      const { state } = JSON.parse(line) as { state?: string };
      if (state) this.states.push(state);
    });
  }

  async kill(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = once(this.child, 'exit');
    this.child.kill('SIGKILL');
    await exited;
  }
}

/** Holds the sink's durability back until opened. */
class Gate {
  open: () => void = () => undefined;
  readonly opened = new Promise<void>((resolve) => {
    this.open = resolve;
  });
}

function bdSeqOf(payload: Buffer): number | undefined {
  const value = decodePayload(payload).metrics?.find((metric) => metric.name === 'bdSeq')?.value;
  if (typeof value === 'number') return value;
  return (value as { toNumber(): number } | undefined)?.toNumber();
}

describe('the hostId of an MQTT connection', () => {
  const connection = { kind: 'mqtt', id: 'line', clientId: 'plantgraph-line', topics: ['#'] };

  it('is for Sparkplug connections only and is a valid Sparkplug host id', () => {
    const config = (format: string, hostId: string) =>
      plantConfigSchema.safeParse({ connections: [{ ...connection, format, hostId }] });

    expect(config('sparkplug', 'plantgraph-lyon').success).toBe(true);
    expect(config('uns-json', 'plantgraph-lyon').error?.issues).toEqual([
      expect.objectContaining({
        path: ['connections', 0, 'hostId'],
        message: 'hostId is for format sparkplug only',
      }),
    ]);
    expect(config('sparkplug', 'plantgraph/lyon').error?.issues).toEqual([
      expect.objectContaining({
        path: ['connections', 0, 'hostId'],
        message: 'must not be empty or contain "/", "+" or "#"',
      }),
    ]);
  });
});

for (const { name, available, start } of brokers) {
  describe.runIf(available)(`MQTT connector as Sparkplug primary host, on ${name}`, () => {
    let broker: { url: string; close(): Promise<void> };
    let observer: MqttClient;
    let observed: Observed[];
    let group: string;
    let hostId: string;
    let stateTopic: string;
    let probeTopic: string;
    let clientId: string;
    let connectors: MqttConnector[];
    let nodes: SparkplugTestEdgeNode[];
    let processes: HostProcess[];

    beforeAll(async () => {
      broker = await start();
    });

    beforeEach(async () => {
      group = uniqueName('PlantgraphHostTest');
      hostId = uniqueName('plantgraph-host');
      stateTopic = hostStateTopic(hostId);
      probeTopic = `plantgraph-test/${group}/probe`;
      clientId = uniqueName('plantgraph-host-test');
      connectors = [];
      nodes = [];
      processes = [];
      observed = [];
      observer = await testClient(broker.url);
      observer.on('message', (topic, payload) => observed.push({ topic, payload }));
      await observer.subscribeAsync([`spBv1.0/${group}/#`, stateTopic, probeTopic], { qos: 1 });
    });

    afterEach(async () => {
      for (const node of nodes) await node.close();
      for (const host of processes) await host.kill();
      for (const connector of connectors) await connector.close();
      // Nothing of this test stays retained on a shared broker.
      await observer.publishAsync(stateTopic, '', { qos: 1, retain: true });
      await observer.endAsync();
      await forgetSession(broker.url, clientId);
    });

    afterAll(async () => {
      await broker.close();
    });

    const startHost = (sink = new CollectingSink(), health = new RecordingHealth()) => {
      const connector = startMqttConnector({
        connection: mqttConnection({
          url: broker.url,
          clientId,
          format: 'sparkplug',
          topics: [`spBv1.0/${group}/#`],
          hostId,
        }),
        mapper: new FixtureMapper([{ address: `${group}/+/Uptime`, tagId: 'uptime' }]),
        sink,
        health,
        logger: silentLogger,
      });
      connectors.push(connector);
      return connector;
    };

    const edgeNode = async () => {
      const node = await SparkplugTestEdgeNode.connect({
        url: broker.url,
        group,
        edgeNode: edgeNodeId,
        metrics: [{ name: 'Uptime', alias: 1, type: 'Int64', value: 100 }],
        primaryHostId: hostId,
      });
      nodes.push(node);
      return node;
    };

    /** The STATE messages seen, in order (the empty cleanup message excluded). */
    const states = (): HostState[] =>
      observed
        .filter((message) => message.topic === stateTopic && message.payload.length > 0)
        .map((message) => parseHostState(message.payload) as HostState);

    const seen = (type: string) =>
      observed.filter((message) => message.topic === `spBv1.0/${group}/${type}/${edgeNodeId}`);

    /** What a new subscriber gets as the retained STATE, with its retain flag and QoS. */
    const retainedState = async () => {
      const client = await testClient(broker.url);
      try {
        const received = new Promise<{ state?: HostState; retain: boolean; qos: number }>(
          (resolve, reject) => {
            const timer = setTimeout(() => reject(new Error('no retained STATE')), 5_000);
            client.once('message', (_topic, payload, packet) => {
              clearTimeout(timer);
              resolve({ state: parseHostState(payload), retain: packet.retain, qos: packet.qos });
            });
          },
        );
        await client.subscribeAsync(stateTopic, { qos: 1 });
        return await received;
      } finally {
        await client.endAsync();
      }
    };

    /** Resolves once everything the node published before has reached the observer. */
    const probe = async (node: SparkplugTestEdgeNode, label: string) => {
      await node.probe(probeTopic, label);
      const arrived = () =>
        observed.some(
          (message) => message.topic === probeTopic && String(message.payload) === label,
        );
      await waitUntil(arrived, `the probe ${label}`);
    };

    it('an edge node waiting for its primary host starts publishing once the connector is up', async () => {
      const node = await edgeNode();
      expect(await node.ndata([{ alias: 1, type: 'Int64', value: 110 }])).toBe(false);
      await probe(node, 'no host');
      expect(observed.filter((message) => message.topic.startsWith('spBv1.0/'))).toEqual([]);
      expect(node.sent).toEqual([]);

      const startedAt = Date.now();
      const sink = new CollectingSink();
      startHost(sink);
      await waitUntil(() => node.born, 'the NBIRTH');
      await waitUntil(() => states().length === 1, 'the birth observed');
      const [birth] = states();
      expect(birth).toEqual({ online: true, timestamp: expect.any(Number) });
      expect(birth!.timestamp).toBeGreaterThanOrEqual(startedAt);
      expect(birth!.timestamp).toBeLessThanOrEqual(Date.now());
      expect(await retainedState()).toEqual({ state: birth, retain: true, qos: 1 });

      expect(await node.ndata([{ alias: 1, type: 'Int64', value: 120 }])).toBe(true);
      const values = () => sink.datapoints('uptime').map((record) => record.value);
      await waitUntil(() => values().includes(120), 'the NDATA stored');
      expect(values()).toEqual([100, 120]);
      expect(node.sent).toEqual([
        `spBv1.0/${group}/NBIRTH/${edgeNodeId}`,
        `spBv1.0/${group}/NDATA/${edgeNodeId}`,
      ]);
    });

    it('a clean stop publishes offline: the edge node ends its session and is born again when the host returns', async () => {
      const node = await edgeNode();
      const first = startHost();
      await waitUntil(() => node.born, 'the first NBIRTH');
      await waitUntil(() => states().length === 1, 'the birth observed');
      const [birth] = states();

      await first.close();
      await waitUntil(() => states().length === 2, 'the death observed');
      const death = states()[1];
      expect(death).toEqual({ online: false, timestamp: expect.any(Number) });
      expect(death!.timestamp).toBeGreaterThanOrEqual(birth!.timestamp);
      expect(await retainedState()).toEqual({ state: death, retain: true, qos: 1 });

      await waitUntil(() => seen('NDEATH').length === 1, 'the NDEATH');
      expect(bdSeqOf(seen('NDEATH')[0]!.payload)).toBe(0);
      await waitUntil(() => node.bdSeq === 1, 'the next connection');
      await node.subscribed();
      expect(await node.ndata([{ alias: 1, type: 'Int64', value: 130 }])).toBe(false);
      await probe(node, 'host offline');
      expect(seen('NBIRTH')).toHaveLength(1);
      expect(seen('NDATA')).toHaveLength(0);

      const sink = new CollectingSink();
      startHost(sink);
      await waitUntil(() => node.born, 'the NBIRTH after the host returned');
      await waitUntil(() => states().length === 3, 'the second birth observed');
      const rebirth = states()[2];
      expect(rebirth).toEqual({ online: true, timestamp: expect.any(Number) });
      expect(rebirth!.timestamp).toBeGreaterThanOrEqual(death!.timestamp);
      expect(await node.ndata([{ alias: 1, type: 'Int64', value: 140 }])).toBe(true);
      await waitUntil(() => sink.datapoints('uptime').length === 2, 'data of the new session');
      expect(sink.datapoints('uptime').map((record) => record.value)).toEqual([100, 140]);
      await waitUntil(() => seen('NBIRTH').length === 2, 'the second NBIRTH observed');
      expect(bdSeqOf(seen('NBIRTH')[1]!.payload)).toBe(1);
    });

    it('a killed connector leaves its will retained: offline with the timestamp of its birth', async () => {
      const node = await edgeNode();
      const host = new HostProcess({
        MQTT_URL: broker.url,
        CLIENT_ID: clientId,
        TOPICS: `spBv1.0/${group}/#`,
        HOST_ID: hostId,
      });
      processes.push(host);
      await waitUntil(() => node.born, 'the NBIRTH', 30_000);
      await waitUntil(() => states().length === 1, 'the birth observed');
      const [birth] = states();
      expect(birth?.online).toBe(true);

      await host.kill();
      await waitUntil(() => states().length === 2, 'the will');
      expect(states()[1]).toEqual({ online: false, timestamp: birth!.timestamp });
      expect(await retainedState()).toEqual({
        state: { online: false, timestamp: birth!.timestamp },
        retain: true,
        qos: 1,
      });
      await waitUntil(() => seen('NDEATH').length === 1, 'the NDEATH of the edge node');
      expect(node.born).toBe(false);
    });

    it('answers an offline STATE for its own host id with its birth, also while messages wait for their store', async () => {
      const sink = new CollectingSink();
      const storing = new Gate();
      sink.storing = storing.opened;
      const health = new RecordingHealth();
      startHost(sink, health);
      await waitUntil(() => states().length === 1, 'the birth');
      const [birth] = states();

      // More unacknowledged QoS 1 messages than Mosquitto keeps in flight (20 by default).
      const publisher = await testClient(broker.url);
      try {
        for (let index = 0; index < 40; index += 1) {
          const payload = encodePayload({
            timestamp: Date.now(),
            seq: 0,
            metrics: [
              { name: 'bdSeq', type: 'Int64', value: 0 },
              { name: 'Uptime', type: 'Int64', value: index },
            ],
          });
          const topic = `spBv1.0/${group}/NBIRTH/Held${index}`;
          await publisher.publishAsync(topic, Buffer.from(payload), { qos: 1 });
        }
        await waitUntil(() => health.receivedCount > 0, 'the first held message');

        // A will of an older connection, delivered late, says this host is offline.
        const stale = JSON.stringify({ online: false, timestamp: birth!.timestamp });
        await publisher.publishAsync(stateTopic, stale, { qos: 1, retain: true });
        await waitUntil(() => states().length === 3, 'the birth again');
        expect(states()).toEqual([birth, { online: false, timestamp: birth!.timestamp }, birth]);
        expect(await retainedState()).toEqual({ state: birth, retain: true, qos: 1 });
      } finally {
        storing.open();
        await publisher.endAsync();
      }
      await waitUntil(() => sink.datapoints('uptime').length === 40, 'every held message stored');
      expect(sink.deadLetters).toEqual([]);
    });
  });
}

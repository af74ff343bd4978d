import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectAsync, type MqttClient } from 'mqtt';
import { get } from 'sparkplug-payload';
import type { UPayload } from 'sparkplug-payload/lib/sparkplugbpayload.js';
import { testBroker, type TestBroker } from '@plantgraph/testing';
import { startMqttSimulator, type MqttSimulator } from './mqtt-simulator.ts';
import { siteEquipment } from './plant.ts';

const codec = get('spBv1.0')!;
const RUN = randomUUID().slice(0, 8);
const GROUP = `Lyon_${RUN}`;
const UNS = `plantgraph-test-${RUN}/`;
const DEVICES = [
  ...['Line1_CNCMill01', 'Line1_CNCLathe01', 'Line1_PartsWasher01'],
  ...['Line2_CNCMill02', 'Line2_CNCLathe02', 'Line2_PartsWasher02'],
];

interface Message {
  topic: string;
  payload: Buffer;
  retain: boolean;
}

let broker: TestBroker;
let url: string;
/** Before the simulator started: no timestamp it sends can be older. */
let startedAt: number;
let subscriber: MqttClient;
let simulator: MqttSimulator;
const messages: Message[] = [];

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const sparkplug = (type: string) =>
  messages
    .filter(
      (message) =>
        message.topic.split('/')[2] === type && message.topic.startsWith(`spBv1.0/${GROUP}/`),
    )
    .map((message) => ({ topic: message.topic, payload: codec.decodePayload(message.payload) }));
const metricValue = (payload: UPayload, name: string) =>
  payload.metrics?.find((metric) => metric.name === name)?.value;

/** Every NBIRTH has seq 0; every later message the previous seq + 1, wrapping after 255. */
function expectSequence(group: string): number {
  const pattern = new RegExp(`^spBv1\\.0/${group}/(NBIRTH|DBIRTH|DDATA)/`);
  const seqs = messages
    .filter((message) => pattern.test(message.topic))
    .map((message) => ({
      birth: message.topic.includes('/NBIRTH/'),
      seq: Number(codec.decodePayload(message.payload).seq),
    }));
  const wrong = seqs.filter(
    ({ birth, seq }, i) => seq !== (birth ? 0 : ((seqs[i - 1]?.seq ?? -1) + 1) % 256),
  );
  expect(wrong).toEqual([]);
  return seqs.length;
}

async function until(condition: () => boolean, timeout = 5000): Promise<void> {
  const deadline = Date.now() + timeout;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for messages');
    await wait(20);
  }
}

beforeAll(async () => {
  broker = await testBroker();
  url = broker.url;
  startedAt = Date.now();
  subscriber = await connectAsync(url, { clientId: `plantgraph-test-${RUN}` });
  subscriber.on('message', (topic, payload, packet) =>
    messages.push({ topic, payload, retain: packet.retain }),
  );
  await subscriber.subscribeAsync([`spBv1.0/${GROUP}/#`, `${UNS}#`], { qos: 1 });
  simulator = await startMqttSimulator({
    url,
    seed: 11,
    tickMs: 100,
    speed: 600,
    sparkplugGroupSuffix: `_${RUN}`,
    unsPrefix: UNS,
  });
  await wait(1000);
});

afterAll(async () => {
  await simulator?.close();
  // Retained UNS values of this run would otherwise stay in the broker.
  const topics = new Set(messages.filter((m) => m.topic.startsWith(UNS)).map((m) => m.topic));
  await Promise.all(
    [...topics].map((topic) => subscriber.publishAsync(topic, '', { retain: true, qos: 1 })),
  );
  await subscriber?.endAsync();
  await broker?.close();
});

describe('Sparkplug B edge node', () => {
  it('publishes NBIRTH then a DBIRTH per device with names, aliases and current values', () => {
    const [nbirth] = sparkplug('NBIRTH');
    expect(nbirth!.topic).toBe(`spBv1.0/${GROUP}/NBIRTH/Machining`);
    expect(Number(nbirth!.payload.seq)).toBe(0);
    expect(Number(metricValue(nbirth!.payload, 'bdSeq'))).toBe(0);
    expect(metricValue(nbirth!.payload, 'Node Control/Rebirth')).toBe(false);

    const births = sparkplug('DBIRTH').slice(0, 6);
    expect(births.map((birth) => birth.topic.split('/')[4])).toEqual(DEVICES);
    expect(births.map((birth) => Number(birth.payload.seq))).toEqual([1, 2, 3, 4, 5, 6]);
    const aliases = births.flatMap((birth) =>
      birth.payload.metrics!.map((metric) => Number(metric.alias)),
    );
    expect(new Set(aliases).size).toBe(aliases.length);

    const mill = births[0]!.payload;
    const types = Object.fromEntries(mill.metrics!.map((metric) => [metric.name, metric.type]));
    expect(types).toMatchObject({
      'Spindle Speed': 'Double',
      'Part Count': 'UInt32',
      'Door Closed': 'Boolean',
      'Program Name': 'String',
      State: 'Int32',
      GoodCount: 'UInt32',
      RejectCount: 'UInt32',
      AlarmWord: 'UInt32',
    });
    const machine = simulator.machines.find((item) => item.equipment.spec.name === 'CNC Mill 01')!;
    expect(machine.stateCodes.map((entry) => entry.code)).toContain(metricValue(mill, 'State'));
    expect(metricValue(mill, 'GoodCount')).toBeGreaterThan(0);
    // Wall-clock time, not plant time, which runs 600 times faster.
    expect(Number(mill.timestamp)).toBeGreaterThanOrEqual(startedAt);
    expect(Number(mill.timestamp)).toBeLessThanOrEqual(Date.now());
  });

  it('sends DDATA by alias with the changed metrics only, seq running on across messages', () => {
    const births = sparkplug('DBIRTH').slice(0, 6);
    const names = new Map<number, string>();
    const last = new Map<number, unknown>();
    for (const birth of births) {
      for (const metric of birth.payload.metrics!) {
        names.set(Number(metric.alias), metric.name!);
        last.set(Number(metric.alias), metric.value);
      }
    }
    const data = sparkplug('DDATA');
    expect(data.length).toBeGreaterThan(10);
    for (const { payload } of data) {
      for (const metric of payload.metrics!) {
        expect(metric.name).toBeUndefined();
        const alias = Number(metric.alias);
        expect(names.has(alias)).toBe(true);
        expect(metric.value).not.toEqual(last.get(alias));
        last.set(alias, metric.value);
      }
    }
    expectSequence(GROUP);
  });

  it('republishes the births on NCMD Node Control/Rebirth and ignores undecodable commands', async () => {
    const ncmd = `spBv1.0/${GROUP}/NCMD/Machining`;
    await simulator.publishRaw(ncmd, Buffer.from('not a protobuf'));
    const before = sparkplug('NBIRTH').length;
    const rebirth = codec.encodePayload({
      timestamp: Date.now(),
      metrics: [{ name: 'Node Control/Rebirth', type: 'Boolean', value: true }],
    });
    await simulator.publishRaw(ncmd, Buffer.from(rebirth));
    await until(() => sparkplug('NBIRTH').length > before);
    const nbirth = sparkplug('NBIRTH').at(-1)!.payload;
    expect(Number(nbirth.seq)).toBe(0);
    expect(Number(metricValue(nbirth, 'bdSeq'))).toBe(0);
    await until(() => sparkplug('DBIRTH').length >= 12);
  });

  it('starts a new session with the next bdSeq when the broker drops the connection', async () => {
    // A client with the edge node's id takes its session over; the broker drops the node.
    const [node] = simulator.edgeNodes;
    const deaths = sparkplug('NDEATH').length;
    const births = sparkplug('NBIRTH').length;
    const usurper = await connectAsync(url, { clientId: node!.clientId, reconnectPeriod: 0 });
    await until(() => sparkplug('NDEATH').length > deaths);
    expect(Number(metricValue(sparkplug('NDEATH').at(-1)!.payload, 'bdSeq'))).toBe(0);
    await until(() => sparkplug('NBIRTH').length > births);
    expect(Number(metricValue(sparkplug('NBIRTH').at(-1)!.payload, 'bdSeq'))).toBe(1);
    usurper.end(true);
  });
});

describe('UNS JSON', () => {
  const robot = `${UNS}acme/lyon/paint-shop/line-1/paint-robot-01`;

  it('publishes {value, timestamp} to the UNS topics of every signal', () => {
    const topics = new Set(messages.map((message) => message.topic));
    for (const signal of [
      'motor-current',
      'door-closed',
      'program-name',
      'state',
      'good-count',
      'reject-count',
      'alarm-word',
    ]) {
      expect(topics).toContain(`${robot}/${signal}`);
    }
    expect(topics).toContain(`${UNS}acme/lyon/paint-shop/line-2/conveyor-04/belt-speed`);
    const current = messages.filter((message) => message.topic === `${robot}/motor-current`);
    const parsed = current.map(
      (message) => JSON.parse(message.payload.toString()) as Record<string, unknown>,
    );
    for (const payload of parsed) {
      expect(Object.keys(payload).sort()).toEqual(['timestamp', 'value']);
      expect(typeof payload.value).toBe('number');
      expect(payload.timestamp).toBeGreaterThanOrEqual(startedAt);
      expect(payload.timestamp).toBeLessThanOrEqual(Date.now());
    }
    const state = JSON.parse(
      messages.find((m) => m.topic === `${robot}/state`)!.payload.toString(),
    );
    expect(Number.isInteger(state.value)).toBe(true);
    const door = JSON.parse(
      messages.find((m) => m.topic === `${robot}/door-closed`)!.payload.toString(),
    );
    expect(typeof door.value).toBe('boolean');
  });

  it('publishes a topic only when its value changed', () => {
    const byTopic = new Map<string, unknown[]>();
    for (const message of messages.filter((m) => m.topic.startsWith(UNS))) {
      const values = byTopic.get(message.topic) ?? [];
      values.push((JSON.parse(message.payload.toString()) as { value: unknown }).value);
      byTopic.set(message.topic, values);
    }
    for (const values of byTopic.values()) {
      values.slice(1).forEach((value, i) => expect(value).not.toEqual(values[i]));
    }
    expect(byTopic.get(`${robot}/motor-current`)!.length).toBeGreaterThan(3);
  });

  it('leaves the current values retained for late subscribers', async () => {
    const late = await connectAsync(url, { clientId: `plantgraph-test-late-${RUN}` });
    const retained: Message[] = [];
    late.on('message', (topic, payload, packet) =>
      retained.push({ topic, payload, retain: packet.retain }),
    );
    await late.subscribeAsync(`${robot}/+`, { qos: 1 });
    await until(() => retained.some((message) => message.topic === `${robot}/good-count`));
    expect(retained.find((message) => message.topic === `${robot}/good-count`)!.retain).toBe(true);
    await late.endAsync();
  });
});

describe('closing', () => {
  it('sends NDEATH with the birth’s bdSeq: the will when dropped, explicitly when closed', async () => {
    const deaths = sparkplug('NDEATH').length;
    const bdSeq = Number(metricValue(sparkplug('NBIRTH').at(-1)!.payload, 'bdSeq'));
    await simulator.close({ abrupt: true });
    await until(() => sparkplug('NDEATH').length > deaths);
    const death = sparkplug('NDEATH').at(-1)!;
    expect(death.topic).toBe(`spBv1.0/${GROUP}/NDEATH/Machining`);
    expect(Number(metricValue(death.payload, 'bdSeq'))).toBe(bdSeq);
    expect(death.payload.seq).toBeUndefined();

    // A second node, fast enough for the sequence number to wrap, closed gracefully.
    const group = `Lyon_${RUN}b`;
    await subscriber.subscribeAsync(`spBv1.0/${group}/#`, { qos: 1 });
    simulator = await startMqttSimulator({
      url,
      equipment: siteEquipment('Lyon', ['Machining']),
      tickMs: 10,
      sparkplugGroupSuffix: `_${RUN}b`,
    });
    const count = () => messages.filter((m) => m.topic.startsWith(`spBv1.0/${group}/`)).length;
    await until(() => count() > 300);
    await simulator.close();
    expect(expectSequence(group)).toBeGreaterThan(300);
    await until(() => messages.some((m) => m.topic === `spBv1.0/${group}/NDEATH/Machining`));
  });

  it('refuses equipment that is not published over MQTT and an unreachable broker', async () => {
    await expect(startMqttSimulator({ url, equipment: siteEquipment('Dresden') })).rejects.toThrow(
      /not published over MQTT/,
    );
    await expect(startMqttSimulator({ url: 'mqtt://127.0.0.1:1' })).rejects.toThrow(/cannot reach/);
  });
});

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectAsync, type MqttClient } from 'mqtt';
import { unsOrderTopic } from '@plantgraph/demo-catalog';
import { testBroker, type TestBroker } from '@plantgraph/testing';
import { startMqttSimulator, type MqttSimulator } from './mqtt-simulator.ts';
import { siteEquipment } from './plant.ts';
import type { OrderAck, OrderProgress } from './uns-orders.ts';

const RUN = randomUUID().slice(0, 8);
/** Topics and client ids of this run alone: the broker may be shared with other runs. */
const UNS = `plantgraph-test-${RUN}/`;
const CONVEYOR = 'Acme Manufacturing/Lyon/Paint Shop/Line 1/Conveyor 03';
const ROBOT = 'Acme Manufacturing/Lyon/Paint Shop/Line 1/Paint Robot 01';
const ROBOT_2 = 'Acme Manufacturing/Lyon/Paint Shop/Line 2/Paint Robot 02';

interface Message {
  topic: string;
  payload: string;
  retain: boolean;
}

let broker: TestBroker;
let platform: MqttClient;
let simulator: MqttSimulator;
const messages: Message[] = [];

const topic = (asset: string, leaf: 'download' | 'abort' | 'ack' | 'progress') =>
  UNS + unsOrderTopic(asset, leaf);
const acks = (asset: string) =>
  messages
    .filter((message) => message.topic === topic(asset, 'ack'))
    .map((message) => JSON.parse(message.payload) as OrderAck);
const progress = (asset: string) =>
  messages
    .filter((message) => message.topic === topic(asset, 'progress'))
    .map((message) => JSON.parse(message.payload) as OrderProgress);
const send = (leaf: 'download' | 'abort') => (asset: string, payload: unknown) =>
  platform.publishAsync(
    topic(asset, leaf),
    typeof payload === 'string' ? payload : JSON.stringify(payload),
    { qos: 1 },
  );
const download = send('download');
const abort = send('abort');

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition: () => boolean, timeout = 5000): Promise<void> {
  const deadline = Date.now() + timeout;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for messages');
    await wait(20);
  }
}

beforeAll(async () => {
  broker = await testBroker();
  platform = await connectAsync(broker.url, { clientId: `plantgraph-test-platform-${RUN}` });
  platform.on('message', (received, payload, packet) =>
    messages.push({ topic: received, payload: payload.toString(), retain: packet.retain }),
  );
  await platform.subscribeAsync(`${UNS}+/+/+/+/+/order/+`, { qos: 1 });
  simulator = await startMqttSimulator({
    url: broker.url,
    equipment: siteEquipment('Lyon', ['Paint Shop']),
    seed: 21,
    tickMs: 100,
    speed: 600,
    unsPrefix: UNS,
    // Only the order progress needs retaining, and it is cleared afterwards.
    unsRetain: false,
  });
});

afterAll(async () => {
  await simulator?.close();
  // Retained progress of this run would otherwise stay on a shared broker.
  const retained = new Set(messages.map((m) => m.topic).filter((t) => t.endsWith('/progress')));
  await Promise.all(
    [...retained].map((topic) => platform.publishAsync(topic, '', { retain: true, qos: 1 })),
  );
  await platform?.endAsync();
  await broker?.close();
});

describe('orders over UNS JSON', () => {
  it('acks a download and reports its progress up to COMPLETE, retained', async () => {
    const order = {
      commandId: 'uns-1',
      number: 'PO-2026-001000',
      material: 'BMP-6610 Front Bumper',
      quantity: 1,
      parameters: { 'Belt Speed': 12 },
    };
    await download(CONVEYOR, order);
    await until(() => acks(CONVEYOR).length > 0);
    expect(acks(CONVEYOR)).toEqual([{ commandId: 'uns-1', status: 'accepted' }]);
    await until(() => progress(CONVEYOR).some((entry) => entry.state === 'COMPLETE'), 40_000);

    const entries = progress(CONVEYOR);
    const states = entries.map((entry) => entry.state);
    expect(states.filter((state, i) => state !== states[i - 1])).toEqual([
      'DOWNLOADED',
      'RUNNING',
      'COMPLETE',
    ]);
    for (const entry of entries) {
      expect(Object.keys(entry).sort()).toEqual([
        'commandId',
        'good',
        'reject',
        'state',
        'timestamp',
      ]);
      expect(entry.commandId).toBe('uns-1');
      expect(new Date(entry.timestamp).toISOString()).toBe(entry.timestamp);
    }
    expect(entries.at(-1)).toMatchObject({ good: 1, reject: 0 });
    const conveyor = simulator.machines.find(
      (machine) => machine.equipment.asset.path === CONVEYOR,
    );
    expect(conveyor?.order).toMatchObject({ ...order, acceptedAt: expect.any(Date) });

    await download(CONVEYOR, order);
    await until(() => acks(CONVEYOR).length > 1);
    expect(acks(CONVEYOR)[1]).toEqual({ commandId: 'uns-1', status: 'duplicate' });

    const late = await connectAsync(broker.url, { clientId: `plantgraph-test-late-${RUN}` });
    const retained: Message[] = [];
    late.on('message', (received, payload, packet) =>
      retained.push({ topic: received, payload: payload.toString(), retain: packet.retain }),
    );
    await late.subscribeAsync(topic(CONVEYOR, 'progress'), { qos: 1 });
    await until(() => retained.length > 0);
    expect(retained[0]).toMatchObject({ retain: true });
    expect(JSON.parse(retained[0]!.payload)).toMatchObject({
      commandId: 'uns-1',
      state: 'COMPLETE',
    });
    await late.endAsync();
  });

  it('rejects with a reason what it cannot take, drops what it cannot answer, and runs on', async () => {
    const order = {
      number: 'PO-2026-001001',
      material: 'MIR-2290 Mirror Cap',
      quantity: 50,
      parameters: { 'Flow Rate': 300, 'High Voltage': 60 },
    };
    await download(ROBOT, 'not JSON at all');
    await download(ROBOT, '{"commandId": "bad-1", "quantity": ');
    await download(ROBOT, { ...order, commandId: 'bad-2', quantity: 'ten' });
    await download(ROBOT, { ...order, commandId: 'bad-3', parameters: { 'Flow Rate': 5000 } });
    await download(ROBOT, { ...order, commandId: 'bad-4', parameters: { Tonnage: 400 } });
    await download(ROBOT, { ...order, commandId: 'ok-1' });
    await download(ROBOT, { ...order, commandId: 'ok-2' });
    await until(() => acks(ROBOT).length >= 6);
    await until(() => progress(ROBOT).some((entry) => entry.state === 'RUNNING'));

    expect(acks(ROBOT)).toEqual([
      { commandId: 'bad-1', status: 'rejected', reason: 'payload is not JSON' },
      { commandId: 'bad-2', status: 'rejected', reason: expect.stringMatching(/^quantity: /) },
      {
        commandId: 'bad-3',
        status: 'rejected',
        reason: 'Flow Rate must be within 100..600 ml/min, got 5000',
      },
      {
        commandId: 'bad-4',
        status: 'rejected',
        reason: expect.stringMatching(/has no parameter Tonnage$/),
      },
      { commandId: 'ok-1', status: 'accepted' },
      {
        commandId: 'ok-2',
        status: 'rejected',
        reason: 'busy with order PO-2026-001001 (ok-1)',
      },
    ]);
    expect(progress(ROBOT)[0]).toMatchObject({ commandId: 'ok-1', state: 'DOWNLOADED', good: 0 });
  });

  it('aborts the order it holds on request, answering on the ack topic, and refuses others', async () => {
    await download(ROBOT_2, {
      commandId: 'run-1',
      number: 'PO-2026-001002',
      material: 'MIR-2290 Mirror Cap',
      quantity: 100_000,
      parameters: {},
    });
    await until(() => acks(ROBOT_2).length === 1);
    await abort(ROBOT_2, 'not JSON at all');
    await abort(ROBOT_2, { commandId: 'abort-1', orderCommandId: 'run-9' });
    await abort(ROBOT_2, { commandId: 'abort-2', orderCommandId: 'run-1' });
    await abort(ROBOT_2, { commandId: 'abort-3', orderCommandId: 'run-1' });
    await until(() => acks(ROBOT_2).length >= 4);
    await until(() => progress(ROBOT_2).some((entry) => entry.state === 'ABORTED'));

    expect(acks(ROBOT_2)).toEqual([
      { commandId: 'run-1', status: 'accepted' },
      {
        commandId: 'abort-1',
        status: 'rejected',
        reason: 'the machine holds order PO-2026-001002 (run-1), not command run-9',
      },
      { commandId: 'abort-2', status: 'accepted' },
      { commandId: 'abort-3', status: 'duplicate' },
    ]);
    expect(progress(ROBOT_2).at(-1)).toMatchObject({ commandId: 'run-1', state: 'ABORTED' });
    const robot = simulator.machines.find((machine) => machine.equipment.asset.path === ROBOT_2);
    expect(robot?.orderState).toBe(4);
  });
});

import { randomUUID } from 'node:crypto';
import mqtt, { connectAsync, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PortInUseError, startEmbeddedBroker, type EmbeddedBroker } from './broker.ts';

describe('startEmbeddedBroker', () => {
  let broker: EmbeddedBroker;
  const clients: MqttClient[] = [];

  const connect = async (clientId: string = randomUUID(), clean = true) => {
    const client = await connectAsync(broker.url, { clientId, clean, reconnectPeriod: 0 });
    clients.push(client);
    return client;
  };

  const nextMessage = (client: MqttClient) =>
    new Promise<{ topic: string; payload: string; qos: number }>((resolve) =>
      client.once('message', (topic, payload, packet) =>
        resolve({ topic, payload: payload.toString(), qos: packet.qos }),
      ),
    );

  beforeAll(async () => {
    broker = await startEmbeddedBroker({ port: 0 });
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.endAsync(true)));
    await broker.close();
  });

  it('routes a QoS 1 publish to a subscriber', async () => {
    expect(broker.url).toBe(`mqtt://127.0.0.1:${broker.port}`);
    const subscriber = await connect();
    await subscriber.subscribeAsync('plant/+/temperature', { qos: 1 });
    const received = nextMessage(subscriber);
    const publisher = await connect();
    await publisher.publishAsync('plant/press-01/temperature', '21.5', { qos: 1 });
    expect(await received).toEqual({
      topic: 'plant/press-01/temperature',
      payload: '21.5',
      qos: 1,
    });
  });

  it('queues QoS 1 messages for a persistent session while its client is offline', async () => {
    const clientId = `bus-test-${randomUUID()}`;
    const first = await connect(clientId, false);
    await first.subscribeAsync('queued/#', { qos: 1 });
    await first.endAsync();

    const publisher = await connect();
    await publisher.publishAsync('queued/a', 'one', { qos: 1 });
    await publisher.publishAsync('queued/b', 'two', { qos: 1 });

    // Queued messages arrive right after CONNACK: listen before the connection is up.
    const second = mqtt.connect(broker.url, { clientId, clean: false, reconnectPeriod: 0 });
    clients.push(second);
    const payloads: string[] = [];
    await new Promise<void>((resolve) =>
      second.on('message', (_topic, payload) => {
        if (payloads.push(payload.toString()) === 2) resolve();
      }),
    );
    expect(payloads).toEqual(['one', 'two']);
  });

  it('names the port variable when the port is taken', async () => {
    await expect(
      startEmbeddedBroker({ port: broker.port, portVariable: 'BUS_PORT' }),
    ).rejects.toThrow(PortInUseError);
    await expect(
      startEmbeddedBroker({ port: broker.port, portVariable: 'BUS_PORT' }),
    ).rejects.toThrow(`Port ${broker.port} is already in use. Set BUS_PORT to a free port.`);
  });
});

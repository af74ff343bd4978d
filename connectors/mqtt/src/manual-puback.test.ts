import { connect, type IPublishPacket, type MqttClient, type Packet } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deferPuback, writePuback } from './manual-puback.ts';
import { brokers, forgetSession, testClient, uniqueName, waitUntil } from './test-fixtures.ts';

/**
 * Pins the mqtt.js behaviour manual-puback.ts relies on: a `handleMessage` callback given an error
 * sends no PUBACK and mqtt.js reads the next packet anyway; a PUBACK written to the socket later
 * is taken by the broker. If an mqtt.js upgrade changes either, this fails.
 */
describe.each(brokers)('manual PUBACK with mqtt.js on the $name broker', (kind) => {
  let broker: Awaited<ReturnType<typeof kind.start>>;
  let publisher: MqttClient;

  beforeAll(async () => {
    if (!kind.available) return;
    broker = await kind.start();
    publisher = await testClient(broker.url);
  });

  afterAll(async () => {
    await publisher?.endAsync();
    await broker?.close();
  });

  /** A persistent-session subscriber whose `handleMessage` defers every PUBACK. */
  async function subscriber(clientId: string, topic: string) {
    const received: IPublishPacket[] = [];
    const sent: Packet[] = [];
    // Set up before the CONNACK: a resumed session's redeliveries follow it at once.
    const client = connect(broker.url, { clientId, clean: false, reconnectPeriod: 0 });
    client.on('packetsend', (packet) => sent.push(packet));
    client.handleMessage = (packet, done) => {
      received.push(packet);
      deferPuback(done);
    };
    await new Promise((resolve) => client.once('connect', resolve));
    await client.subscribeAsync(topic, { qos: 1 });
    return { client, received, pubacks: () => sent.filter((packet) => packet.cmd === 'puback') };
  }

  it.runIf(kind.available)(
    'reads on without acknowledging, and the broker redelivers only what was not acknowledged',
    async () => {
      const clientId = uniqueName('plantgraph-puback');
      const topic = `${uniqueName('puback')}/m`;
      const first = await subscriber(clientId, topic);
      for (const index of [1, 2, 3]) {
        await publisher.publishAsync(topic, `m${index}`, { qos: 1 });
      }
      // All three handled while none is acknowledged: mqtt.js went on reading.
      await waitUntil(() => first.received.length === 3, 'three messages');
      expect(first.pubacks()).toEqual([]);
      expect(first.received.map((packet) => packet.payload.toString())).toEqual(['m1', 'm2', 'm3']);

      const [m1] = first.received;
      expect(writePuback(first.client.stream, m1?.messageId ?? -1)).toBe(true);
      // A graceful end: the PUBACK is flushed before the DISCONNECT.
      await first.client.endAsync();
      expect(writePuback(first.client.stream, 1)).toBe(false);

      // Redelivery keeps the order, so a wrongly redelivered m1 would come first.
      const second = await subscriber(clientId, topic);
      await waitUntil(() => second.received.length >= 2, 'the redelivered messages');
      expect(second.received.map((packet) => packet.payload.toString())).toEqual(['m2', 'm3']);
      for (const packet of second.received)
        writePuback(second.client.stream, packet.messageId ?? -1);
      await second.client.endAsync();

      // Nothing is left to redeliver: a new message is the first one the next session sees.
      const third = await subscriber(clientId, topic);
      await publisher.publishAsync(topic, 'm4', { qos: 1 });
      await waitUntil(() => third.received.length >= 1, 'the new message');
      expect(third.received.map((packet) => packet.payload.toString())).toEqual(['m4']);
      writePuback(third.client.stream, third.received[0]?.messageId ?? -1);
      await third.client.endAsync();
      await forgetSession(broker.url, clientId);
    },
  );
});

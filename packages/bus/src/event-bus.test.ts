import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedBroker, type EmbeddedBroker } from './broker.ts';
import { EventBus } from './event-bus.ts';
import { eventTopic, type PlantEvent } from './events.ts';

const press = {
  assetId: '0b6f3f0e-6f0e-4c1a-9d6e-1f0a2b3c4d5e',
  assetPath: 'Acme Manufacturing/Dresden/Body Shop/Line 1/Press 01',
  time: '2026-11-22T10:00:00.000Z',
};

describe('event topics', () => {
  it('lay the asset path below the enterprise out as an ISA-95 namespace', () => {
    const prefix = 'plantgraph/v1';
    expect(eventTopic(prefix, { ...press, type: 'state', state: 'DOWN', reason: 'JAM' })).toBe(
      'plantgraph/v1/dresden/body-shop/line-1/press-01/state',
    );
    expect(
      eventTopic(prefix, {
        ...press,
        type: 'tagValue',
        tagId: 't',
        tag: 'Motor Current',
        value: 1,
        text: null,
        quality: 'GOOD',
      }),
    ).toBe('plantgraph/v1/dresden/body-shop/line-1/press-01/tags/motor-current');
    expect(
      eventTopic(prefix, {
        ...press,
        type: 'alarm',
        code: 'OIL/TEMP#HIGH',
        active: true,
        severity: 'HIGH',
        message: 'm',
      }),
    ).toBe('plantgraph/v1/dresden/body-shop/line-1/press-01/alarms/oil-temp-high');
  });
});

describe.each(['embedded', 'mosquitto'])('the event bus over the %s broker', (kind) => {
  let broker: EmbeddedBroker | undefined;
  let publisher: EventBus;
  let subscriber: EventBus;
  const prefix = `t${randomBytes(4).toString('hex')}/plantgraph/v1`;

  beforeAll(async () => {
    broker = kind === 'embedded' ? await startEmbeddedBroker({ port: 0 }) : undefined;
    const url = broker?.url ?? process.env.TEST_MQTT_URL ?? 'mqtt://127.0.0.1:1883';
    publisher = await EventBus.connect({ url, clientId: `${prefix}-pub`, prefix });
    subscriber = await EventBus.connect({ url, clientId: `${prefix}-sub`, prefix });
  });
  afterAll(async () => {
    await publisher?.close();
    await subscriber?.close();
    await broker?.close();
  });

  it('delivers events under a filter, and none after unsubscribing', async () => {
    const received: PlantEvent[] = [];
    const unsubscribe = await subscriber.subscribe('dresden/+/+/+/state', (event) => {
      received.push(event);
    });
    const down: PlantEvent = { ...press, type: 'state', state: 'DOWN', reason: 'JAM' };
    publisher.publish(down);
    publisher.publish({ ...press, type: 'counter', counter: 'GOOD', increment: 3 });
    await expect.poll(() => received, { timeout: 5000 }).toEqual([down]);

    await unsubscribe();
    publisher.publish({ ...down, state: 'RUNNING', reason: null });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(received).toEqual([down]);
  });
});

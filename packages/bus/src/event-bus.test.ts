import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// Not in package.json: @plantgraph/testing depends on this package, and a declared dependency
// back would be a cycle. The subpath keeps the database helpers out of this test.
import {
  hasTestBroker,
  TEST_BROKER_KINDS,
  testBroker,
  type TestBroker,
} from '@plantgraph/testing/broker';
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

for (const kind of TEST_BROKER_KINDS) {
  describe.runIf(hasTestBroker(kind))(`the event bus over the ${kind} broker`, () => {
    let broker: TestBroker;
    let publisher: EventBus;
    let subscriber: EventBus;
    const prefix = `t${randomBytes(4).toString('hex')}/plantgraph/v1`;

    beforeAll(async () => {
      broker = await testBroker(kind);
      const { url } = broker;
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
}

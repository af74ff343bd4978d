import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventBus, type PlantEvent, type StateEvent } from '@plantgraph/bus';
// Not in package.json: @plantgraph/testing depends on this package, and a declared dependency
// back would be a cycle. The subpath keeps the database helpers out of this test.
import { testBroker, type TestBroker } from '@plantgraph/testing/broker';
import {
  activeEventStreams,
  boundedBuffer,
  conflate,
  eventStream,
  StreamOverflowError,
  type EventBuffer,
} from './event-stream.ts';
import type { GraphContext } from './context.ts';

interface Sample {
  tag: string;
  value: number;
}

/** Everything a buffer hands out at `now`, and what it says about the rest. */
function drain<T>(buffer: EventBuffer<T>, now: number) {
  const items: T[] = [];
  for (;;) {
    const next = buffer.take(now);
    if (!next || 'waitMs' in next) return { items, rest: next };
    items.push(next.item);
  }
}

describe('conflate', () => {
  it('keeps only the newest value per key while the reader is away', () => {
    const buffer = conflate((sample: Sample) => sample.tag, 0);
    for (let value = 1; value <= 1000; value++) {
      buffer.push({ tag: 'a', value }, 0);
      buffer.push({ tag: 'b', value: -value }, 0);
    }
    expect(drain(buffer, 0)).toEqual({
      items: [
        { tag: 'a', value: 1000 },
        { tag: 'b', value: -1000 },
      ],
      rest: undefined,
    });
  });

  it('hands out each key at most every minIntervalMs and says when the next is due', () => {
    const buffer = conflate((sample: Sample) => sample.tag, 100);
    buffer.push({ tag: 'a', value: 1 }, 0);
    expect(drain(buffer, 0).items).toEqual([{ tag: 'a', value: 1 }]);
    buffer.push({ tag: 'a', value: 2 }, 10);
    buffer.push({ tag: 'b', value: 1 }, 10);
    buffer.push({ tag: 'a', value: 3 }, 20);
    expect(drain(buffer, 30)).toEqual({
      items: [{ tag: 'b', value: 1 }],
      rest: { waitMs: 70 },
    });
    expect(drain(buffer, 100)).toEqual({ items: [{ tag: 'a', value: 3 }], rest: undefined });
  });
});

describe('boundedBuffer', () => {
  it('refuses more than its capacity instead of growing', () => {
    const buffer = boundedBuffer<number>(2);
    buffer.push(1, 0);
    buffer.push(2, 0);
    expect(() => buffer.push(3, 0)).toThrow(StreamOverflowError);
    expect(drain(buffer, 0).items).toEqual([1, 2]);
  });
});

describe('eventStream over the bus', () => {
  let broker: TestBroker;
  let publisher: EventBus;
  let subscriber: EventBus;
  const prefix = `t${randomBytes(4).toString('hex')}/plantgraph/v1`;
  const state = (assetId: string, state: string): StateEvent => ({
    type: 'state',
    assetId,
    assetPath: `Acme/Dresden/${assetId}`,
    time: '2026-11-22T10:00:00.000Z',
    state,
    reason: null,
  });

  beforeAll(async () => {
    broker = await testBroker();
    publisher = await EventBus.connect({ url: broker.url, clientId: `${prefix}-pub`, prefix });
    subscriber = await EventBus.connect({ url: broker.url, clientId: `${prefix}-sub`, prefix });
  });
  afterAll(async () => {
    await publisher?.close();
    await subscriber?.close();
    await broker?.close();
  });

  const selectState = (assetId: string) => ({
    select: (event: PlantEvent) =>
      event.type === 'state' && event.assetId === assetId ? event.state : undefined,
  });

  it('delivers selected events in order and releases the bus on return()', async () => {
    const before = activeEventStreams();
    const press = await eventStream(subscriber, selectState('press'));
    const robot = await eventStream(subscriber, selectState('robot'));
    expect(activeEventStreams()).toBe(before + 2);

    publisher.publish(state('robot', 'IDLE'));
    publisher.publish(state('press', 'RUNNING'));
    publisher.publish(state('press', 'DOWN'));
    expect(await press.next()).toEqual({ value: 'RUNNING', done: false });
    expect(await press.next()).toEqual({ value: 'DOWN', done: false });

    const pending = press.next();
    await press.return!();
    expect(await pending).toEqual({ value: undefined, done: true });
    expect(activeEventStreams()).toBe(before + 1);

    // The streams share one broker subscription: closing one must not silence the other.
    expect(await robot.next()).toEqual({ value: 'IDLE', done: false });
    publisher.publish(state('robot', 'RUNNING'));
    expect(await robot.next()).toEqual({ value: 'RUNNING', done: false });
    await robot.return!();
    expect(activeEventStreams()).toBe(before);
  });

  it('calls a routed stream only for the events on its routes', async () => {
    const asked: string[] = [];
    const counting = (assetId: string) => ({
      select: (event: PlantEvent) => {
        asked.push(`${assetId}<-${event.assetId}`);
        return selectState(assetId).select(event);
      },
    });
    const press = await eventStream(subscriber, { ...counting('press'), routes: ['state:press'] });
    const everything = await eventStream(subscriber, counting('robot'));

    for (const asset of ['robot', 'cell', 'press']) publisher.publish(state(asset, 'RUNNING'));
    expect(await press.next()).toEqual({ value: 'RUNNING', done: false });
    expect(await everything.next()).toEqual({ value: 'RUNNING', done: false });
    // The routed stream saw only the press's event; the unrouted one saw all three.
    expect(asked.filter((call) => call.startsWith('press<-'))).toEqual(['press<-press']);
    expect(asked.filter((call) => call.startsWith('robot<-'))).toEqual([
      'robot<-robot',
      'robot<-cell',
      'robot<-press',
    ]);

    // A route by type alone takes every event of the type; once closed, nothing reaches it.
    const states = await eventStream(subscriber, {
      select: (event: PlantEvent) => event.assetId,
      routes: ['state'],
    });
    await press.return!();
    publisher.publish(state('press', 'DOWN'));
    expect(await states.next()).toEqual({ value: 'press', done: false });
    expect(asked.filter((call) => call.startsWith('press<-'))).toEqual(['press<-press']);
    await states.return!();
    await everything.return!();
  });

  it("indexes streams by asset: asset A's event never reaches asset B's stream", async () => {
    const evaluated = new Map<string, string[]>();
    const following = (name: string, routes?: string[]) => ({
      select: (event: PlantEvent) => {
        evaluated.set(name, [...(evaluated.get(name) ?? []), event.assetId]);
        return event.type === 'state' ? event.assetId : undefined;
      },
      ...(routes ? { routes } : {}),
    });
    const a = await eventStream(subscriber, following('a', ['state:asset-a']));
    const b = await eventStream(subscriber, following('b', ['state:asset-b']));
    const states = await eventStream(subscriber, following('states', ['state']));
    const unfiltered = await eventStream(subscriber, following('unfiltered'));

    // Ids are matched case-insensitively: the graph's arguments are lower case, events may not be.
    publisher.publish(state('Asset-A', 'RUNNING'));
    publisher.publish(state('asset-b', 'IDLE'));
    expect(await a.next()).toEqual({ value: 'Asset-A', done: false });
    expect(await b.next()).toEqual({ value: 'asset-b', done: false });
    expect(await states.next()).toEqual({ value: 'Asset-A', done: false });
    expect(await states.next()).toEqual({ value: 'asset-b', done: false });
    expect(await unfiltered.next()).toEqual({ value: 'Asset-A', done: false });
    expect(await unfiltered.next()).toEqual({ value: 'asset-b', done: false });
    // B's filter never ran for A's event (nor A's for B's); the others saw both.
    expect(evaluated.get('a')).toEqual(['Asset-A']);
    expect(evaluated.get('b')).toEqual(['asset-b']);
    expect(evaluated.get('states')).toEqual(['Asset-A', 'asset-b']);
    expect(evaluated.get('unfiltered')).toEqual(['Asset-A', 'asset-b']);
    for (const stream of [a, b, states, unfiltered]) await stream.return!();
  });

  it('ends a stream whose reader falls behind its buffer', async () => {
    const stream = await eventStream(subscriber, {
      ...selectState('press'),
      buffer: boundedBuffer(2),
    });
    for (const value of ['RUNNING', 'IDLE', 'DOWN']) publisher.publish(state('press', value));
    const last = await eventStream(subscriber, selectState('sentinel'));
    publisher.publish(state('sentinel', 'RUNNING'));
    await last.next();
    await last.return!();
    await expect(stream.next()).rejects.toThrow(StreamOverflowError);
    expect(await stream.next()).toEqual({ value: undefined, done: true });
  });

  it('refuses an identity without a known role before it reaches the bus', async () => {
    const before = activeEventStreams();
    // Every role may subscribe, so only a role that is none of them meets the check.
    const context = {
      identity: { subject: 'anonymous', role: 'anonymous', sites: null },
    } as unknown as GraphContext;
    await expect(
      eventStream(subscriber, { ...selectState('press'), context }),
    ).rejects.toMatchObject({
      message: 'Subscriptions need the role viewer or higher',
      extensions: { code: 'FORBIDDEN' },
    });
    expect(activeEventStreams()).toBe(before);
  });
});

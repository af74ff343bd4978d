import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { EventBus, type PlantEvent } from '@plantgraph/bus';
import { testBroker, type TestBroker } from '@plantgraph/testing';
import { startTestPlant, type TestPlant } from './fixtures/plant.ts';
import { eventually } from './fixtures/live-plant.ts';

/**
 * Subscriptions through the gateway: the root field runs on its owning subgraph, fields of other
 * subgraphs are filled per event through the gateway's query plan.
 */
let broker: TestBroker;
let publisher: EventBus;
let plant: TestPlant;
let client: Client;
let site: { id: string; path: string };
let equipment: { id: string; path: string; name: string };

const STATE_CHANGES = `subscription ($under: ID!) {
  machineStateChanged(under: $under) {
    state since reason
    asset { id name path tags { name } activeOrder { number } activeAlarms { code severity } }
  }
}`;

const STATE_CHANGES_OF_ASSETS = `subscription ($assetIds: [ID!]) {
  machineStateChanged(assetIds: $assetIds) { state since reason asset { id name } }
}`;

function take<T>(query: string, variables: Record<string, unknown>, count: number) {
  const received: T[] = [];
  let dispose: () => void = () => undefined;
  const done = new Promise<T[]>((resolve, reject) => {
    dispose = client.subscribe<T>(
      { query, variables },
      {
        next: (value) => {
          received.push(value as T);
          if (received.length >= count) resolve(received);
        },
        error: reject,
        complete: () => resolve(received),
      },
    );
  });
  return { done, received, dispose: () => dispose() };
}

const gauge = async (name: string) => {
  const metrics = await (await fetch(plant.plant.url.replace(/graphql$/, 'metrics'))).text();
  return Number(new RegExp(`^${name} (\\d+)`, 'm').exec(metrics)?.[1]);
};
const upstreamCount = () => gauge('plantgraph_gateway_upstream_subscriptions');

beforeAll(async () => {
  broker = await testBroker();
  plant = await startTestPlant(new Date(), { busUrl: broker.url });
  const prefix = plant.busPrefix;
  publisher = await EventBus.connect({ url: broker.url, clientId: `${prefix}-pub`, prefix });
  client = createClient({
    url: plant.plant.url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: plant.connectionParams,
  });
  const { sql } = plant.database;
  [site] = (await sql.query<{ id: string; path: string }>(
    "select id, path from asset where kind = 'SITE' limit 1",
  )) as [{ id: string; path: string }];
  [equipment] = (await sql.query<{ id: string; path: string; name: string }>(
    "select id, path, name from asset where kind = 'EQUIPMENT' order by path limit 1",
  )) as [{ id: string; path: string; name: string }];
});

afterAll(async () => {
  await client?.dispose();
  await publisher?.close();
  await plant?.close();
  await broker?.close();
});

/**
 * Publishes `event` every 250 ms until `done` settles: the gateway counts an upstream
 * subscription before the subgraph's own stream is on the bus, so a single early event can be
 * missed on a busy machine. Later copies reach nobody once the subscription took what it wanted.
 */
async function publishUntil<T>(done: Promise<T>, event: () => PlantEvent): Promise<T> {
  let settled = false;
  void done.then(
    () => (settled = true),
    () => (settled = true),
  );
  while (!settled) {
    publisher.publish(event());
    await Promise.race([done, new Promise((resolve) => setTimeout(resolve, 250))]);
  }
  return done;
}

const stateEvent = (state: string, reason: string | null): PlantEvent => ({
  type: 'state',
  assetId: equipment.id,
  assetPath: equipment.path,
  time: new Date().toISOString(),
  state,
  reason,
});

describe('federated subscriptions', () => {
  it('delivers a state change with fields from assets, orders and alarms', async () => {
    type Event = { data: { machineStateChanged: Record<string, unknown> } };
    const subscription = take<Event>(STATE_CHANGES, { under: site.id }, 1);
    await eventually(
      async () => (await upstreamCount()) === 1,
      15_000,
      'the upstream subscription',
    );
    const [event] = await publishUntil(subscription.done, () => stateEvent('DOWN', 'JAM'));
    subscription.dispose();
    const change = event!.data.machineStateChanged as {
      state: string;
      reason: string;
      asset: {
        id: string;
        name: string;
        tags: unknown[];
        activeOrder: { number: string } | null;
        activeAlarms: unknown[];
      };
    };
    expect(change).toMatchObject({ state: 'DOWN', reason: 'JAM' });
    expect(change.asset).toMatchObject({ id: equipment.id, name: equipment.name });
    expect(change.asset.tags.length).toBeGreaterThan(0);
    expect(change.asset.activeOrder?.number).toMatch(/^PO-/);
    expect(Array.isArray(change.asset.activeAlarms)).toBe(true);
  });

  it('shares one upstream among clients asking the same thing and delivers to each', async () => {
    type Event = { data: { machineStateChanged: { reason: string; asset: { name: string } } } };
    const byAsset = { assetIds: [equipment.id] };
    const first = take<Event>(STATE_CHANGES_OF_ASSETS, byAsset, 1);
    const second = take<Event>(STATE_CHANGES_OF_ASSETS, byAsset, 1);
    const wider = take<Event>(STATE_CHANGES, { under: site.id }, 1);
    await eventually(
      async () =>
        (await gauge('plantgraph_gateway_subscriptions')) === 3 && (await upstreamCount()) === 2,
      5000,
      'three subscriptions over two upstreams',
    );
    const events = await publishUntil(Promise.all([first.done, second.done, wider.done]), () =>
      stateEvent('IDLE', 'SHARED'),
    );
    for (const subscription of [first, second, wider]) subscription.dispose();
    for (const [event] of events) {
      expect(event!.data.machineStateChanged).toMatchObject({
        reason: 'SHARED',
        asset: { name: equipment.name },
      });
    }
    await eventually(async () => (await upstreamCount()) === 0, 15_000, 'no upstream subscription');
  });

  it('ends the upstream subscription when the client unsubscribes', async () => {
    const subscription = take(STATE_CHANGES, { under: site.id }, 1);
    await eventually(
      async () => (await upstreamCount()) === 1,
      15_000,
      'the upstream subscription',
    );
    subscription.dispose();
    await eventually(async () => (await upstreamCount()) === 0, 15_000, 'no upstream subscription');
  });

  it('answers invalid arguments with a GraphQL error and keeps the connection', async () => {
    const invalid = take<{ errors?: { message: string }[] }>(
      STATE_CHANGES,
      { under: 'not-an-id' },
      1,
    );
    const outcome = await invalid.done.then(
      (values) => values[0]?.errors?.[0]?.message ?? '',
      (errors: { message: string }[]) => errors[0]?.message ?? '',
    );
    expect(outcome).toMatch(/under/);

    const valid = take<{ data: { machineStateChanged: { state: string } } }>(
      STATE_CHANGES,
      { under: site.id },
      1,
    );
    await eventually(async () => (await upstreamCount()) >= 1, 15_000, 'the second subscription');
    const [event] = await publishUntil(valid.done, () => stateEvent('RUNNING', null));
    valid.dispose();
    expect(event!.data.machineStateChanged.state).toBe('RUNNING');
  });
});

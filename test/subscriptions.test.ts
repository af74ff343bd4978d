import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { EventBus, type PlantEvent } from '@plantgraph/bus';
import {
  acknowledged,
  hasTestBroker,
  subscribe,
  TEST_BROKER_KINDS,
  testBroker,
  until,
  type TestBroker,
} from '@plantgraph/testing';
import { startTestPlant, type TestPlant } from './fixtures/plant.ts';
import { eventually } from './fixtures/live-plant.ts';

const STATE_CHANGES = `subscription ($under: ID!) {
  machineStateChanged(under: $under) {
    state since reason
    asset { id name path tags { name } activeOrder { number } activeAlarms { code severity } }
  }
}`;

const STATE_CHANGES_OF_ASSETS = `subscription ($assetIds: [ID!]) {
  machineStateChanged(assetIds: $assetIds) { state since reason asset { id name } }
}`;

interface StateChange {
  state: string;
  reason: string | null;
  asset: {
    id: string;
    name: string;
    tags?: unknown[];
    activeOrder?: { number: string } | null;
    activeAlarms?: unknown[];
  };
}

type Results = Awaited<ReturnType<typeof acknowledged>>['results'];

const changes = (results: Results) =>
  results.flatMap((result) => {
    const change = result.data?.machineStateChanged as StateChange | undefined;
    return change ? [change] : [];
  });

/** The first change with `reason` once it arrived. */
async function received(results: Results, reason: string, timeoutMs = 10_000) {
  await until(
    () => changes(results).some((change) => change.reason === reason),
    `the change "${reason}"`,
    timeoutMs,
  );
  return changes(results).find((change) => change.reason === reason)!;
}

/**
 * Subscriptions through the gateway: the root field runs on its owning subgraph, fields of other
 * subgraphs are filled per event through the gateway's query plan. Every event is published once,
 * after the subscription's acknowledgement, and must arrive; on the embedded broker and, when
 * TEST_MQTT_URL is set, on the real one.
 */
for (const kind of TEST_BROKER_KINDS) {
  describe.runIf(hasTestBroker(kind))(`federated subscriptions over the ${kind} broker`, () => {
    let broker: TestBroker;
    let publisher: EventBus;
    let plant: TestPlant;
    let client: Client;
    let site: { id: string; path: string };
    let equipment: { id: string; path: string; name: string };

    const gauge = async (name: string) => {
      const metrics = await (await fetch(plant.plant.url.replace(/graphql$/, 'metrics'))).text();
      return Number(new RegExp(`^${name} (\\d+)`, 'm').exec(metrics)?.[1]);
    };
    const upstreamCount = () => gauge('plantgraph_gateway_upstream_subscriptions');

    const stateEvent = (state: string, reason: string | null): PlantEvent => ({
      type: 'state',
      assetId: equipment.id,
      assetPath: equipment.path,
      time: new Date().toISOString(),
      state,
      reason,
    });

    beforeAll(async () => {
      broker = await testBroker(kind);
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

    it('delivers a state change with fields from assets, orders and alarms', async () => {
      const subscription = await acknowledged(client, STATE_CHANGES, { under: site.id });
      try {
        publisher.publish(stateEvent('DOWN', 'JAM'));
        const change = await received(subscription.results, 'JAM');
        expect(change).toMatchObject({ state: 'DOWN', reason: 'JAM' });
        expect(change.asset).toMatchObject({ id: equipment.id, name: equipment.name });
        expect(change.asset.tags!.length).toBeGreaterThan(0);
        expect(change.asset.activeOrder?.number).toMatch(/^PO-/);
        expect(Array.isArray(change.asset.activeAlarms)).toBe(true);
      } finally {
        subscription.stop();
      }
    });

    it('delivers an event published right after the acknowledgement, 200 times in a row', async () => {
      // A fresh upstream every time: the previous one ends with its only client.
      for (let round = 0; round < 200; round++) {
        const subscription = await acknowledged(client, STATE_CHANGES_OF_ASSETS, {
          assetIds: [equipment.id],
        });
        try {
          const reason = `once-${round}`;
          publisher.publish(stateEvent('RUNNING', reason));
          const change = await received(subscription.results, reason);
          expect(change).toMatchObject({ state: 'RUNNING', asset: { id: equipment.id } });
        } finally {
          subscription.stop();
        }
      }
      await eventually(
        async () => (await upstreamCount()) === 0,
        15_000,
        'no upstream subscription',
      );
    });

    it('acknowledges only subscriptions that ask, and counts them once live', async () => {
      const plain = subscribe(client, STATE_CHANGES_OF_ASSETS, { assetIds: [equipment.id] });
      const asking = await acknowledged(client, STATE_CHANGES_OF_ASSETS, {
        assetIds: [equipment.id],
      });
      try {
        // Both share one upstream, live since the acknowledgement.
        expect(await upstreamCount()).toBe(1);
        expect(await gauge('plantgraph_gateway_subscriptions')).toBe(2);
        publisher.publish(stateEvent('IDLE', 'ASKED'));
        await received(asking.results, 'ASKED');
        await until(() => plain.results.length > 0, 'the event at the other client');
        // The client that did not ask sees events only, never an acknowledgement.
        expect(plain.results).toEqual([
          { data: { machineStateChanged: expect.objectContaining({ reason: 'ASKED' }) } },
        ]);
        expect(asking.results).toEqual(plain.results);
      } finally {
        plain.stop();
        asking.stop();
      }
    });

    it('shares one upstream among clients asking the same thing and delivers to each', async () => {
      const byAsset = { assetIds: [equipment.id] };
      const subscriptions = await Promise.all([
        acknowledged(client, STATE_CHANGES_OF_ASSETS, byAsset),
        acknowledged(client, STATE_CHANGES_OF_ASSETS, byAsset),
        acknowledged(client, STATE_CHANGES, { under: site.id }),
      ]);
      try {
        expect(await gauge('plantgraph_gateway_subscriptions')).toBe(3);
        expect(await upstreamCount()).toBe(2);
        publisher.publish(stateEvent('IDLE', 'SHARED'));
        for (const subscription of subscriptions) {
          const change = await received(subscription.results, 'SHARED');
          expect(change).toMatchObject({ reason: 'SHARED', asset: { name: equipment.name } });
        }
      } finally {
        for (const subscription of subscriptions) subscription.stop();
      }
      await eventually(
        async () => (await upstreamCount()) === 0,
        15_000,
        'no upstream subscription',
      );
    });

    it('ends the upstream subscription when the client unsubscribes', async () => {
      const subscription = await acknowledged(client, STATE_CHANGES, { under: site.id });
      expect(await upstreamCount()).toBe(1);
      subscription.stop();
      await eventually(
        async () => (await upstreamCount()) === 0,
        15_000,
        'no upstream subscription',
      );
    });

    it('answers invalid arguments with a GraphQL error and keeps the connection', async () => {
      const invalid = subscribe(client, STATE_CHANGES, { under: 'not-an-id' });
      // An error result then `complete`, or a graphql-ws `error` message: either names the argument.
      const outcome = await invalid.ended.then(
        (error) =>
          invalid.results[0]?.errors?.[0]?.message ??
          (error as { message: string }[] | null)?.[0]?.message ??
          '',
      );
      expect(outcome).toMatch(/under/);
      expect(await upstreamCount()).toBe(0);

      const valid = await acknowledged(client, STATE_CHANGES, { under: site.id });
      try {
        publisher.publish(stateEvent('RUNNING', 'VALID'));
        expect((await received(valid.results, 'VALID')).state).toBe('RUNNING');
      } finally {
        valid.stop();
      }
    });
  });
}

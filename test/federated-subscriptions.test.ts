import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type Client } from 'graphql-ws';
import type { FormattedExecutionResult, GraphQLSchema } from 'graphql';
import WebSocket from 'ws';
import { EventBus, type PlantEvent, type StateEvent } from '@plantgraph/bus';
import { loadSupergraphSdl, startGateway } from '@plantgraph/gateway';
import { subgraphModules } from '@plantgraph/demo';
import {
  ACKNOWLEDGE,
  activeEventStreams,
  isAcknowledgement,
  startSubgraphServer,
  type RunningServer,
} from '@plantgraph/graph';
import { acknowledged, subscribe, testBroker, type TestBroker } from '@plantgraph/testing';
import { startTestPlant, type TestPlant } from './fixtures/plant.ts';
import { eventually } from './fixtures/live-plant.ts';

const STATE_CHANGES = `subscription ($under: ID!) {
  machineStateChanged(under: $under) { state since reason asset { id name } }
}`;

interface StateChange {
  state: string;
  since: string;
  reason: string | null;
  asset: { id: string; name: string } | null;
}

type Result = FormattedExecutionResult<Record<string, unknown>, unknown>;

/** One client subscription: what it received so far, and whether the server ended it. */
interface Subscription {
  results: Result[];
  ended(): boolean;
  close(): Promise<void>;
}

const STATES = ['RUNNING', 'IDLE', 'DOWN', 'STOPPED', 'SETUP'] as const;

let broker: TestBroker;
let publisher: EventBus;
let plant: TestPlant;
let replicaBus: EventBus;
let replicaSchema: GraphQLSchema;
let replica: RunningServer;
let second: RunningServer;
let site: { id: string };
let equipment: { id: string; path: string; name: string };

const firstGateway = () => plant.plant.url;
const secondGateway = () => second.url;
const webSocketUrl = (gatewayUrl: string) => gatewayUrl.replace(/^http/, 'ws');

/** A timeseries subgraph beside the plant's own, on its own connection to the same bus. */
async function startReplica(port: number): Promise<RunningServer> {
  return startSubgraphServer({
    name: 'timeseries',
    schema: replicaSchema,
    services: { ...plant.database.services, events: replicaBus },
    port,
    gatewaySecret: plant.plant.gatewaySecret,
  });
}

/** A gauge of a gateway's /metrics; NaN when the gateway does not report it. */
async function gauge(gatewayUrl: string, name: string): Promise<number> {
  const metrics = await (await fetch(gatewayUrl.replace(/graphql$/, 'metrics'))).text();
  return Number(new RegExp(`^${name} (\\d+)`, 'm').exec(metrics)?.[1]);
}
const upstreamCount = (gatewayUrl: string) =>
  gauge(gatewayUrl, 'plantgraph_gateway_upstream_subscriptions');
const clientCount = (gatewayUrl: string) => gauge(gatewayUrl, 'plantgraph_gateway_subscriptions');

/** Nothing subscribed anywhere: no subscription on either gateway, no stream on the bus. */
async function idle(): Promise<void> {
  await eventually(
    async () => {
      for (const gateway of [firstGateway(), secondGateway()]) {
        if ((await upstreamCount(gateway)) !== 0 || (await clientCount(gateway)) !== 0)
          return false;
      }
      return activeEventStreams() === 0;
    },
    10_000,
    'no subscription left on the gateways and subgraphs',
  );
}

/**
 * `machineStateChanged` under the site through a graphql-ws client of its own, once the gateway
 * acknowledged it (`acknowledge: false`: a client that does not ask, returned at once).
 */
async function subscribeThrough(
  gatewayUrl: string,
  { acknowledge = true } = {},
): Promise<Subscription & { client: Client }> {
  // No retries: a dropped connection must show as an error, not as a silent resubscription.
  const client = createClient({
    url: webSocketUrl(gatewayUrl),
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    connectionParams: plant.connectionParams,
  });
  const variables = { under: site.id };
  const subscription = acknowledge
    ? await acknowledged(client, STATE_CHANGES, variables)
    : subscribe(client, STATE_CHANGES, variables);
  let ended = false;
  void subscription.ended.then(() => (ended = true));
  return {
    client,
    results: subscription.results,
    ended: () => ended,
    close: async () => {
      await client.dispose();
    },
  };
}

/**
 * `machineStateChanged` under the site over a graphql-transport-ws socket driven by hand, so the
 * test decides when it reads (`socket.pause()`) and how it leaves (`socket.terminate()`). Returns
 * once the gateway acknowledged the subscription; `results` holds what followed.
 */
async function subscribeByHand(gatewayUrl: string): Promise<Subscription & { socket: WebSocket }> {
  const socket = new WebSocket(webSocketUrl(gatewayUrl), 'graphql-transport-ws');
  const results: Result[] = [];
  let ended = false;
  let subscribed: () => void = () => undefined;
  const live = new Promise<void>((resolve) => (subscribed = resolve));
  const connected = new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.once('close', () => reject(new Error('the gateway closed the socket')));
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as { type: string; payload?: unknown };
      if (message.type === 'connection_ack') resolve();
      else if (message.type === 'next' && isAcknowledgement(message.payload as Result))
        subscribed();
      else if (message.type === 'next') results.push(message.payload as Result);
      else if (message.type === 'error') results.push({ errors: message.payload as never });
      // Ended before the acknowledgement: go on, so the test fails on what it received.
      if (message.type === 'error' || message.type === 'complete') {
        ended = true;
        subscribed();
      }
    });
  });
  await once(socket, 'open');
  socket.send(JSON.stringify({ type: 'connection_init', payload: plant.connectionParams }));
  await connected;
  socket.send(
    JSON.stringify({
      id: 'by-hand',
      type: 'subscribe',
      payload: {
        query: STATE_CHANGES,
        variables: { under: site.id },
        extensions: { [ACKNOWLEDGE]: true },
      },
    }),
  );
  await live;
  return {
    socket,
    results,
    ended: () => ended,
    async close() {
      socket.terminate();
      if (socket.readyState !== WebSocket.CLOSED) await once(socket, 'close');
    },
  };
}

const changes = (subscription: Subscription) =>
  subscription.results.flatMap((result) => {
    const change = result.data?.machineStateChanged as StateChange | undefined;
    return change ? [{ ...change, since: new Date(change.since).toISOString() }] : [];
  });
const errors = (subscription: Subscription) =>
  subscription.results.flatMap((result) => result.errors ?? []);
const reasons = (subscription: Subscription) => changes(subscription).map(({ reason }) => reason);

const stateEvent = (state: string, reason: string, time = new Date()): StateEvent => ({
  type: 'state',
  assetId: equipment.id,
  assetPath: equipment.path,
  time: time.toISOString(),
  state,
  reason,
});

/** What a subscriber under the site should receive for `event`. */
const expected = (event: StateEvent) => ({
  state: event.state,
  since: event.time,
  reason: event.reason,
  asset: { id: equipment.id, name: equipment.name },
});

/** `count` state changes of the equipment, each with its own time and reason. */
function burst(label: string, count: number, padding = ''): StateEvent[] {
  const start = Date.now() - count * 1000;
  return Array.from({ length: count }, (_, index) =>
    stateEvent(
      STATES[index % STATES.length]!,
      `${label}-${index}${padding}`,
      new Date(start + index * 1000),
    ),
  );
}

beforeAll(async () => {
  // Embedded even when TEST_MQTT_URL is set. The flood below needs the reading client to keep up
  // with 2000 events published at once: an in-process broker hands them over as the event loop
  // turns, between the reader's reads; an external one delivers them faster than the reader
  // drains them, and the gateway ends the reader too once 1000 events wait for it.
  broker = await testBroker('embedded');
  plant = await startTestPlant(new Date(), { busUrl: broker.url });
  const prefix = plant.busPrefix;
  publisher = await EventBus.connect({ url: broker.url, clientId: `${prefix}-pub`, prefix });
  replicaBus = await EventBus.connect({ url: broker.url, clientId: `${prefix}-replica`, prefix });
  const timeseries = subgraphModules.find((entry) => entry.name === 'timeseries')!;
  replicaSchema = await timeseries.module.buildSchema();
  replica = await startReplica(0);
  second = await startGateway({
    supergraphSdl: loadSupergraphSdl(),
    subgraphUrls: {
      ...Object.fromEntries(
        Object.entries(plant.plant.subgraphs).map(([name, server]) => [name, server.url]),
      ),
      timeseries: replica.url,
    },
    port: 0,
    host: '127.0.0.1',
    sandbox: false,
    logger: plant.database.services.logger,
    gatewaySecret: plant.plant.gatewaySecret,
    sql: plant.database.sql,
  });
  const { sql } = plant.database;
  [site] = (await sql.query<{ id: string }>(
    "select id from asset where kind = 'SITE' limit 1",
  )) as [{ id: string }];
  [equipment] = (await sql.query<{ id: string; path: string; name: string }>(
    "select id, path, name from asset where kind = 'EQUIPMENT' order by path limit 1",
  )) as [{ id: string; path: string; name: string }];
});

afterAll(async () => {
  await second?.close();
  await replica?.close();
  await replicaBus?.close();
  await publisher?.close();
  await plant?.close();
  await broker?.close();
});

/**
 * Federated subscriptions when the graph is scaled out: two gateways, each in front of its own
 * timeseries subgraph, both subgraphs on one event bus. Every client sees every event of its
 * subscription once and in order, whatever the other clients do and whether the subgraph restarts.
 */
describe('federated subscriptions across gateways and subgraph replicas', () => {
  it('delivers each event exactly once, in order, to every client of both gateways', async () => {
    await idle();
    // Two clients per gateway with the identical subscription: whether a gateway shares one
    // upstream subscription between them or not, each client gets its own copy of each event.
    const subscriptions = await Promise.all(
      [firstGateway(), firstGateway(), secondGateway(), secondGateway()].map((gateway) =>
        subscribeThrough(gateway),
      ),
    );
    try {
      const sent = burst('burst', 20);
      const elsewhere: PlantEvent[] = sent.flatMap((event, index) => [
        // Another site's machine: outside the subscribed subtree.
        {
          ...event,
          assetId: randomUUID(),
          assetPath: 'Acme Manufacturing/Elsewhere/Area/Line 1/Press 01',
          reason: `elsewhere-${index}`,
        },
        // The same machine, but a tag value rather than a state change.
        {
          type: 'tagValue',
          assetId: equipment.id,
          assetPath: equipment.path,
          time: event.time,
          tagId: randomUUID(),
          tag: 'Motor Current',
          value: index,
          text: null,
          quality: 'GOOD',
        },
      ]);
      for (const [index, event] of sent.entries()) {
        publisher.publish(event);
        publisher.publish(elsewhere[2 * index]!);
        publisher.publish(elsewhere[2 * index + 1]!);
      }
      // Published last on the same topic, so once it arrived everything before it has too.
      const last = stateEvent('RUNNING', 'last');
      publisher.publish(last);
      await eventually(
        async () => subscriptions.every((subscription) => reasons(subscription).includes('last')),
        20_000,
        'the last event at every client',
      );

      for (const subscription of subscriptions) {
        expect(errors(subscription)).toEqual([]);
        expect(subscription.ended()).toBe(false);
        const received = reasons(subscription);
        expect(new Set(received).size).toBe(received.length);
        expect(changes(subscription)).toEqual([...sent, last].map(expected));
      }
    } finally {
      await Promise.all(subscriptions.map((subscription) => subscription.close()));
    }
  });

  it('keeps delivering to a client while another client of the same gateway stops reading', async () => {
    await idle();
    const reader = await subscribeThrough(firstGateway());
    const stalled = await subscribeByHand(firstGateway());
    try {
      stalled.socket.pause();
      // 200 changes of ~50 kB, ~10 MB per client: more than the loopback socket buffers hold, so
      // the gateway's writes to the stalled client block while the reader's must go on.
      const sent = burst('large', 200, ` ${'x'.repeat(50_000)}`);
      for (const event of sent) publisher.publish(event);
      await eventually(
        async () => changes(reader).length >= sent.length,
        60_000,
        'every event at the reading client',
      );
      expect(errors(reader)).toEqual([]);
      expect(changes(reader)).toEqual(sent.map(expected));
      expect(changes(stalled).length).toBeLessThan(sent.length);

      // The stalled client lost nothing: once it reads again it gets the rest, in order.
      stalled.socket.resume();
      await eventually(
        async () => changes(stalled).length >= sent.length,
        30_000,
        'every event at the client that read again',
      );
      expect(errors(stalled)).toEqual([]);
      expect(changes(stalled)).toEqual(sent.map(expected));
    } finally {
      await reader.close();
      await stalled.close();
    }
  });

  it('ends the subscription of a client that falls too far behind, and no other', async () => {
    await idle();
    const reader = await subscribeThrough(firstGateway());
    const stalled = await subscribeByHand(firstGateway());
    try {
      stalled.socket.pause();
      // 2000 changes of ~8 kB: more than the socket buffers hold (a few MB) plus the 1000 results
      // the gateway queues for a client before it gives up on it. Quick, too: a socket paused
      // for longer than graphql-ws's keep-alive (12 s) would be dropped for not answering pings.
      const sent = burst('flood', 2000, ` ${'x'.repeat(8_000)}`);
      for (const event of sent) publisher.publish(event);
      await eventually(
        async () => changes(reader).length >= sent.length,
        60_000,
        'every event at the reading client',
      );
      expect(errors(reader)).toEqual([]);
      expect(changes(reader)).toEqual(sent.map(expected));

      stalled.socket.resume();
      await eventually(async () => stalled.ended(), 30_000, 'the stalled subscription to end');
      expect(errors(stalled)).toEqual([
        expect.objectContaining({ extensions: { code: 'SERVICE_UNAVAILABLE' } }),
      ]);
      // What it got before the cut is a prefix of what was sent, in order.
      const kept = changes(stalled);
      expect(kept.length).toBeLessThan(sent.length);
      expect(kept).toEqual(sent.slice(0, kept.length).map(expected));
      // The reader still holds the upstream subscription the two shared.
      expect(reader.ended()).toBe(false);
      expect(await clientCount(firstGateway())).toBe(1);
      expect(await upstreamCount(firstGateway())).toBe(1);
    } finally {
      await reader.close();
      await stalled.close();
    }
  });

  it('leaves no upstream subscription behind when clients dispose or drop their socket', async () => {
    await idle();
    const disposing = await subscribeThrough(firstGateway());
    const dropping = await subscribeByHand(firstGateway());
    try {
      expect(await clientCount(firstGateway())).toBe(2);
      expect(await upstreamCount(firstGateway())).toBeGreaterThanOrEqual(1);
      expect(activeEventStreams()).toBeGreaterThanOrEqual(1);

      await disposing.client.dispose();
      // The other client of the same gateway keeps its subscription.
      publisher.publish(stateEvent('IDLE', 'still-there'));
      await eventually(
        async () => reasons(dropping).includes('still-there'),
        10_000,
        'the remaining client to receive',
      );
      expect(await clientCount(firstGateway())).toBe(1);
      expect(await upstreamCount(firstGateway())).toBeGreaterThanOrEqual(1);

      // Gone without a graphql-ws `complete` or a close handshake, as a crashed client goes.
      dropping.socket.terminate();
      await eventually(
        async () =>
          (await clientCount(firstGateway())) === 0 && (await upstreamCount(firstGateway())) === 0,
        10_000,
        'the gateway to end every subscription',
      );
      await eventually(
        async () => activeEventStreams() === 0,
        10_000,
        'the subgraph to release its bus subscription',
      );
    } finally {
      await disposing.close();
      await dropping.close();
    }
  });

  it('moves a subscription to the next replica when its replica goes, and reports the gap', async () => {
    await idle();
    const first = await startReplica(0);
    const next = await startReplica(0);
    // A gateway of its own whose timeseries has two replicas. Nothing but the subscription goes
    // to timeseries here, so its first connection takes the first replica.
    const gateway = await startGateway({
      supergraphSdl: loadSupergraphSdl(),
      subgraphUrls: {
        ...Object.fromEntries(
          Object.entries(plant.plant.subgraphs).map(([name, server]) => [name, server.url]),
        ),
        timeseries: `${first.url},${next.url}`,
      },
      port: 0,
      host: '127.0.0.1',
      sandbox: false,
      logger: plant.database.services.logger,
      gatewaySecret: plant.plant.gatewaySecret,
      sql: plant.database.sql,
    });
    let firstClosed = false;
    const subscription = await subscribeThrough(gateway.url);
    try {
      const before = stateEvent('IDLE', 'before-failover');
      publisher.publish(before);
      await eventually(
        async () => reasons(subscription).includes('before-failover'),
        10_000,
        'an event through the first replica',
      );
      await first.close();
      firstClosed = true;
      await eventually(
        async () => subscription.results.some((result) => isAcknowledgement(result)),
        30_000,
        'the acknowledgement from the next replica',
      );
      const after = stateEvent('RUNNING', 'after-failover');
      publisher.publish(after);
      await eventually(
        async () => reasons(subscription).includes('after-failover'),
        10_000,
        'an event through the next replica',
      );
      expect(subscription.ended()).toBe(false);
      expect(errors(subscription)).toEqual([]);
      expect(changes(subscription)).toEqual([expected(before), expected(after)]);
      expect(subscription.results.map((result) => result.extensions)).toEqual([
        undefined,
        { subscribed: true, gap: true },
        undefined,
      ]);
      expect(await upstreamCount(gateway.url)).toBe(1);
    } finally {
      await subscription.close();
      await gateway.close();
      if (!firstClosed) await first.close();
      await next.close();
    }
  });

  // Last: it replaces the second gateway's subgraph.
  it('resubscribes upstream after the subgraph restarts and reports the gap to every client', async () => {
    await idle();
    const unaffected = await subscribeThrough(firstGateway());
    const restarted = await subscribeThrough(secondGateway());
    // Shares the upstream of `restarted` but never asked for acknowledgements.
    const plain = await subscribeThrough(secondGateway(), { acknowledge: false });
    try {
      // `plain` cannot tell when it is accepted; the gauge counts it once it is.
      await eventually(
        async () => (await clientCount(secondGateway())) === 2,
        10_000,
        'both subscriptions on the second gateway',
      );
      const before = stateEvent('IDLE', 'before-restart');
      publisher.publish(before);
      await eventually(
        async () => reasons(plain).includes('before-restart'),
        10_000,
        'an event before the restart',
      );
      const { port } = replica;
      await replica.close();

      // While the replica is down the first gateway, on its own timeseries subgraph, goes on.
      const whileDown = stateEvent('DOWN', 'while-down');
      publisher.publish(whileDown);
      await eventually(
        async () => reasons(unaffected).includes('while-down'),
        10_000,
        'the first gateway to deliver while the replica is down',
      );

      replica = await startReplica(port);
      // The upstream is live again: the gateway says so, and that events may be missing.
      await eventually(
        async () => restarted.results.some((result) => isAcknowledgement(result)),
        30_000,
        'the acknowledgement after the resubscription',
      );
      const afterRestart = stateEvent('RUNNING', 'after-restart');
      publisher.publish(afterRestart);
      await eventually(
        async () =>
          reasons(restarted).includes('after-restart') && reasons(plain).includes('after-restart'),
        10_000,
        'an event published after the restart',
      );

      for (const subscription of [restarted, plain]) {
        expect(subscription.ended()).toBe(false);
        expect(errors(subscription)).toEqual([]);
        expect(changes(subscription)).toEqual([expected(before), expected(afterRestart)]);
      }
      // Nothing of the gap is delivered, and nothing is skipped silently: a client that asked
      // for acknowledgements is told as soon as the upstream is back, the other one with the
      // first event after it.
      expect(restarted.results.map((result) => result.extensions)).toEqual([
        undefined,
        { subscribed: true, gap: true },
        undefined,
      ]);
      expect(plain.results.map((result) => result.extensions)).toEqual([undefined, { gap: true }]);
      expect(await upstreamCount(secondGateway())).toBe(1);
      expect(await clientCount(secondGateway())).toBe(2);
      expect(unaffected.ended()).toBe(false);
      expect(errors(unaffected)).toEqual([]);
      expect(unaffected.results.every((result) => result.extensions === undefined)).toBe(true);
    } finally {
      await unaffected.close();
      await restarted.close();
      await plain.close();
    }
  });
});

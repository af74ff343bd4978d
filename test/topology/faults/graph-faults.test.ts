import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { createClient, type Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { EventBus } from '@plantgraph/bus';
import { ACKNOWLEDGE, isAcknowledgement } from '@plantgraph/graph';
import {
  admin,
  cli,
  createApiKey,
  DedicatedBroker,
  eventually,
  faultEnvironment,
  scratchDatabase,
  startRoles,
  type RoleSet,
} from './fault-harness.ts';

/**
 * The graph under faults: two replicas of each subgraph and two gateways from compose.yaml as
 * processes, on a broker of the test's own. A subgraph replica is killed under 1,000 live
 * subscriptions, then a gateway is killed under a steady query load. Counts are kept per
 * subscription and per request.
 */
const { databaseServer } = faultEnvironment();
const MACHINES = 200;
const SUBSCRIPTIONS = 1_000;
const SOCKETS = 10;
/** Rounds of one state event per machine, every ROUND_MS. */
const ROUND_MS = 500;
const SUBGRAPHS = ['assets', 'orders', 'quality', 'alarms', 'timeseries'];

let database: { url: string; drop(): Promise<void> };
let broker: DedicatedBroker;
let roles: RoleSet;
let apiKey: string;
let bus: EventBus;
let machines: { id: string; path: string }[];

const gatewayUrl = (name: string) => `http://127.0.0.1:${roles.role(name).service.port}/graphql`;

beforeAll(async () => {
  database = await scratchDatabase(databaseServer, 'plantgraph_faults_graph');
  broker = await DedicatedBroker.start();
  const { execFile } = await import('node:child_process');
  const { promisify } = await import('node:util');
  await promisify(execFile)(process.execPath, [cli, 'migrate'], {
    env: { PATH: process.env.PATH, DATABASE_URL: database.url },
  });
  const root = `Faults${randomBytes(3).toString('hex')}`;
  // A whole hierarchy: subscriptions see events of the sites their key may see.
  await admin(
    database.url,
    `insert into asset (kind, name, path) values ('ENTERPRISE', '${root}', '${root}');
     insert into asset (parent_id, kind, name, path)
       select id, 'SITE', 'Site', path || '/Site' from asset where path = '${root}';
     insert into asset (parent_id, kind, name, path)
       select id, 'AREA', 'Area', path || '/Area' from asset where path = '${root}/Site';
     insert into asset (parent_id, kind, name, path)
       select id, 'LINE', 'Line', path || '/Line' from asset where path = '${root}/Site/Area';`,
  );
  machines = await admin<{ id: string; path: string }>(
    database.url,
    `insert into asset (parent_id, kind, name, path)
       select (select id from asset where path = '${root}/Site/Area/Line'), 'EQUIPMENT',
              'M' || m, '${root}/Site/Area/Line/M' || m
         from generate_series(0, ${MACHINES - 1}) m
     returning id, path`,
  );
  roles = await startRoles({
    names: [...SUBGRAPHS.flatMap((name) => [`${name}-1`, `${name}-2`]), 'gateway-1', 'gateway-2'],
    databaseUrl: database.url,
    mqttUrl: broker.url,
    env: (name): Record<string, string> =>
      name.startsWith('gateway') ? { PLANTGRAPH_RATE_LIMIT: '0' } : {},
  });
  apiKey = await createApiKey(database.url);
  bus = await EventBus.connect({ url: broker.url, clientId: `faults-publisher-${root}` });
}, 300_000);

afterAll(async () => {
  await bus?.close();
  await roles?.stop();
  await broker?.down('SIGKILL');
  await database?.drop();
}, 60_000);

interface Subscription {
  machine: number;
  gateway: string;
  /** Rounds delivered, in arrival order. */
  rounds: number[];
  /** Results carrying errors or a gap marker: the gateway told the client something was missed. */
  flags: string[];
  /** Whether the gateway acknowledged it: every event published from then on is owed to it. */
  acknowledged: boolean;
  /** The error that ended the subscription, if one did. */
  ended?: string;
  /** When each result arrived (ms since the epoch). */
  arrivals: number[];
}

function subscribeAll(clients: { client: Client; gateway: string }[]): Subscription[] {
  const subscriptions: Subscription[] = [];
  for (let index = 0; index < SUBSCRIPTIONS; index += 1) {
    const { client, gateway } = clients[index % clients.length] as (typeof clients)[number];
    const machine = index % MACHINES;
    const subscription: Subscription = {
      machine,
      gateway,
      rounds: [],
      flags: [],
      arrivals: [],
      acknowledged: false,
    };
    subscriptions.push(subscription);
    client.subscribe(
      {
        query: `subscription ($id: ID!) { machineStateChanged(assetIds: [$id]) { reason } }`,
        variables: { id: machines[machine]?.id },
        extensions: { [ACKNOWLEDGE]: true },
      },
      {
        next: (result) => {
          if (!subscription.acknowledged && isAcknowledgement(result)) {
            subscription.acknowledged = true;
            return;
          }
          subscription.arrivals.push(Date.now());
          // A gap is flagged as an error or as `extensions.gap` (docs/subscriptions.md).
          if (result.errors || (result.extensions as { gap?: unknown } | undefined)?.gap === true) {
            subscription.flags.push(JSON.stringify(result.errors ?? result.extensions));
          }
          const reason = (result.data as { machineStateChanged?: { reason?: string } } | undefined)
            ?.machineStateChanged?.reason;
          const round = /^round (-?\d+)$/.exec(reason ?? '')?.[1];
          if (round !== undefined) subscription.rounds.push(Number(round));
        },
        error: (error) => {
          subscription.ended = JSON.stringify(error instanceof Error ? error.message : error);
        },
        complete: () => undefined,
      },
    );
  }
  return subscriptions;
}

/** Publishes one state event per machine for `round`, with the round in its reason. */
function publishRound(round: number): void {
  for (const machine of machines) {
    bus.publish({
      type: 'state',
      assetId: machine.id,
      assetPath: machine.path,
      time: new Date().toISOString(),
      state: round % 2 === 0 ? 'RUNNING' : 'IDLE',
      reason: `round ${round}`,
    });
  }
}

describe('the graph while a process fails', () => {
  it('keeps 1,000 subscriptions receiving after a subgraph replica is killed, gaps delivered or flagged', async () => {
    const clients = Array.from({ length: SOCKETS }, (_, index) => {
      const gateway = index % 2 === 0 ? 'gateway-1' : 'gateway-2';
      return {
        gateway,
        client: createClient({
          url: gatewayUrl(gateway).replace(/^http/, 'ws'),
          webSocketImpl: WebSocket,
          connectionParams: { authorization: `Bearer ${apiKey}` },
          retryAttempts: 0,
        }),
      };
    });
    try {
      const subscriptions = subscribeAll(clients);
      // Every subscription acknowledged is live upstream: each round from now on is owed to each.
      await eventually(
        async () => (subscriptions.every((s) => s.acknowledged) ? true : undefined),
        60_000,
        () =>
          `subscriptions not acknowledged: ${
            subscriptions.filter((s) => !s.acknowledged).length
          }, ended: ${subscriptions.filter((s) => s.ended).length} (${
            subscriptions.find((s) => s.ended)?.ended
          })`,
      );
      const before = 10;
      const after = 20;
      let round = 0;
      for (; round < before; round += 1) {
        publishRound(round);
        await sleep(ROUND_MS);
      }
      const victim = roles.role('timeseries-1');
      victim.kill('SIGKILL');
      await victim.exited;
      const killedAt = Date.now();
      const killedRound = round;
      for (; round < before + after; round += 1) {
        publishRound(round);
        await sleep(ROUND_MS);
      }
      const last = round - 1;
      // Delivery of the last round, or 20 s, whichever first: then count.
      await eventually(
        async () =>
          subscriptions.every((s) => s.ended || s.rounds.includes(last)) ? true : undefined,
        20_000,
        () => 'last round',
      ).catch(() => undefined);

      const measured = (s: Subscription) => s.rounds.filter((r) => r >= 0);
      // Recovery: from the kill to the first result after it, on the slowest subscription.
      const recoveryMs = Math.max(
        ...subscriptions.map(
          (s) => (s.arrivals.find((at) => at > killedAt) ?? Infinity) - killedAt,
        ),
      );
      const report = subscriptions.map((s) => {
        const got = measured(s);
        const distinct = new Set(got);
        return {
          published: before + after,
          delivered: distinct.size,
          doubled: got.length - distinct.size,
          missing: before + after - distinct.size,
          flagged: s.flags.length > 0 || s.ended !== undefined,
          receivingAfterKill: got.includes(last),
          // Rounds published well before the kill (the last one may still be in flight).
          missedBeforeKill: Array.from({ length: killedRound - 1 }, (_, r) => r).filter(
            (r) => !distinct.has(r),
          ).length,
        };
      });
      const sum = (pick: (r: (typeof report)[number]) => number) =>
        report.reduce((total, r) => total + pick(r), 0);
      const totals = {
        subscriptions: report.length,
        published: sum((r) => r.published),
        delivered: sum((r) => r.delivered),
        doubled: sum((r) => r.doubled),
        missing: sum((r) => r.missing),
        withGaps: report.filter((r) => r.missing > 0).length,
        silentGaps: report.filter((r) => r.missing > 0 && !r.flagged).length,
        flagged: report.filter((r) => r.flagged).length,
        stoppedReceiving: report.filter((r) => !r.receivingAfterKill).length,
        missedBeforeKill: sum((r) => r.missedBeforeKill),
        roundsAfterKill: before + after - killedRound,
        recoveryMs,
        killedAgoMs: Date.now() - killedAt,
        sampleFlag: subscriptions.find((s) => s.flags.length > 0 || s.ended)?.flags[0],
      };
      console.log(`fault subgraph replica kill -9: ${JSON.stringify(totals)}`);
      expect(totals.doubled).toBe(0);
      expect(totals.missedBeforeKill).toBe(0);
      expect({ stoppedReceiving: totals.stoppedReceiving, silentGaps: totals.silentGaps }).toEqual({
        stoppedReceiving: 0,
        silentGaps: 0,
      });
    } finally {
      await Promise.all(clients.map(({ client }) => client.dispose()));
    }
  }, 240_000);

  it('answers through the other gateway when one is killed under load; failed requests retried there succeed', async () => {
    const document = '{ assets(kind: EQUIPMENT, first: 5) { totalCount edges { node { path } } } }';
    const ask = async (url: string): Promise<'ok' | string> => {
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
          body: JSON.stringify({ query: document }),
          signal: AbortSignal.timeout(10_000),
        });
        const body = (await response.json()) as {
          data?: { assets?: { totalCount: number } };
          errors?: { extensions?: { code?: string } }[];
        };
        if (body.errors) return `error ${body.errors[0]?.extensions?.code}`;
        return body.data?.assets?.totalCount === MACHINES ? 'ok' : `wrong ${JSON.stringify(body)}`;
      } catch (error) {
        return `failed ${(error as Error).message}`;
      }
    };
    const counts = {
      'gateway-1': { requests: 0, failed: 0 },
      'gateway-2': { requests: 0, failed: 0 },
      retried: 0,
      retriedFailed: 0,
    };
    const failures: string[] = [];
    let running = true;
    // Eight clients, four on each gateway; a client whose request fails sends it once to the
    // other gateway, as a client behind a load balancer does.
    const clientLoop = async (gateway: 'gateway-1' | 'gateway-2') => {
      const other = gateway === 'gateway-1' ? 'gateway-2' : 'gateway-1';
      const urls = { [gateway]: gatewayUrl(gateway), [other]: gatewayUrl(other) };
      while (running) {
        counts[gateway].requests += 1;
        const outcome = await ask(urls[gateway] as string);
        if (outcome === 'ok') continue;
        counts[gateway].failed += 1;
        failures.push(`${gateway}: ${outcome}`);
        counts.retried += 1;
        const retried = await ask(urls[other] as string);
        if (retried !== 'ok') {
          counts.retriedFailed += 1;
          failures.push(`retry on ${other}: ${retried}`);
        }
      }
    };
    const loops = [
      ...Array.from({ length: 4 }, () => clientLoop('gateway-1')),
      ...Array.from({ length: 4 }, () => clientLoop('gateway-2')),
    ];
    await sleep(4_000);
    const victim = roles.role('gateway-1');
    const beforeKill = counts['gateway-1'].requests;
    victim.kill('SIGKILL');
    await victim.exited;
    await sleep(4_000);
    running = false;
    await Promise.all(loops);
    console.log(
      `fault gateway kill -9: ${JSON.stringify({ ...counts, gateway1RequestsBeforeKill: beforeKill, firstFailures: failures.slice(0, 3) })}`,
    );
    expect(counts['gateway-1'].failed).toBeGreaterThan(0);
    expect({
      otherGatewayFailed: counts['gateway-2'].failed,
      retriedFailed: counts.retriedFailed,
    }).toEqual({ otherGatewayFailed: 0, retriedFailed: 0 });
  }, 120_000);
});

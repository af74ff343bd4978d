import { randomBytes } from 'node:crypto';
import { createClient, type Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { EventBus, type PlantEvent } from '@plantgraph/bus';
import { activeEventStreams, startSubgraphServer, type RunningServer } from '@plantgraph/graph';
import {
  live,
  openTestDatabase,
  subscribe,
  until,
  testBroker,
  type TestBroker,
  type TestDatabase,
  signedConnectionParams,
  TEST_GATEWAY_SECRET,
} from '@plantgraph/testing';
import { alarmsSubgraph } from './subgraph.ts';

let database: TestDatabase;
let broker: TestBroker;
let serverBus: EventBus;
let publisher: EventBus;
let server: RunningServer;
let client: Client;
let connections = 0;
const assets: Record<string, { id: string; path: string }> = {};
const prefix = `t${randomBytes(4).toString('hex')}/plantgraph/v1`;
const UNKNOWN = '00000000-0000-4000-8000-000000000000';
const TIME = '2026-11-22T10:00:00.000Z';

async function insertAsset(name: string, kind: string, parent?: string): Promise<void> {
  const [row] = await database.sql.query<{ id: string; path: string }>(
    `insert into asset (parent_id, kind, name, path)
     values ($1, $2, $3, coalesce((select path || '/' from asset where id = $1), '') || $3::text)
     returning id, path`,
    [parent ? assets[parent]!.id : null, kind, name],
  );
  assets[name] = row!;
}

function alarmEvent(asset: string, code: string, severity: string, active = true): PlantEvent {
  const { id, path } = assets[asset]!;
  const message = `${code} on ${asset}`;
  return {
    type: 'alarm',
    assetId: id,
    assetPath: path,
    time: TIME,
    code,
    active,
    severity,
    message,
  };
}

const ALARM_CHANGED = `subscription ($under: ID, $minSeverity: AlarmSeverity) {
  alarmChanged(under: $under, minSeverity: $minSeverity) {
    code active severity message time asset { id }
  }
}`;

/** Starts the alarms subgraph on the shared bus and connects a client that keeps its socket. */
async function startServer(): Promise<{ server: RunningServer; client: Client }> {
  const started = await startSubgraphServer({
    name: 'alarms',
    schema: await alarmsSubgraph.buildSchema(),
    services: { ...database.services, events: serverBus },
    port: 0,
    gatewaySecret: TEST_GATEWAY_SECRET,
  });
  const connected = createClient({
    url: started.url.replace('http', 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: signedConnectionParams(),
    lazy: false,
    retryAttempts: 0,
    // The last test closes the server under the client; that close is the expected outcome.
    onNonLazyError: () => undefined,
    on: { connected: () => connections++ },
  });
  return { server: started, client: connected };
}

beforeAll(async () => {
  database = await openTestDatabase();
  await insertAsset('Acme', 'ENTERPRISE');
  await insertAsset('Dresden', 'SITE', 'Acme');
  await insertAsset('Line 1', 'LINE', 'Dresden');
  await insertAsset('Line 10', 'LINE', 'Dresden');
  await insertAsset('Press 01', 'EQUIPMENT', 'Line 1');
  await insertAsset('Press 10', 'EQUIPMENT', 'Line 10');
  broker = await testBroker();
  serverBus = await EventBus.connect({ url: broker.url, clientId: `${prefix}-srv`, prefix });
  publisher = await EventBus.connect({ url: broker.url, clientId: `${prefix}-pub`, prefix });
  ({ server, client } = await startServer());
});

afterAll(async () => {
  await client?.dispose();
  await server?.close();
  await serverBus?.close();
  await publisher?.close();
  await broker?.close();
  await database?.close();
});

describe('alarmChanged', () => {
  it('delivers transitions below an asset at or above a severity, nothing else', async () => {
    const before = activeEventStreams();
    const transitions = await live(client, ALARM_CHANGED, {
      under: assets['Line 1']!.id,
      minSeverity: 'HIGH',
    });
    publisher.publish(alarmEvent('Press 10', 'OVERLOAD', 'CRITICAL'));
    publisher.publish(alarmEvent('Press 01', 'OIL_LOW', 'MEDIUM'));
    publisher.publish(alarmEvent('Press 01', 'OVERLOAD', 'CRITICAL'));
    publisher.publish(alarmEvent('Line 1', 'E_STOP', 'HIGH'));
    publisher.publish(alarmEvent('Press 01', 'OVERLOAD', 'CRITICAL', false));
    await until(() => transitions.results.length === 3, 'three transitions');
    expect(transitions.results.map((result) => result.data?.alarmChanged)).toEqual([
      {
        code: 'OVERLOAD',
        active: true,
        severity: 'CRITICAL',
        message: 'OVERLOAD on Press 01',
        time: TIME,
        asset: { id: assets['Press 01']!.id },
      },
      {
        code: 'E_STOP',
        active: true,
        severity: 'HIGH',
        message: 'E_STOP on Line 1',
        time: TIME,
        asset: { id: assets['Line 1']!.id },
      },
      {
        code: 'OVERLOAD',
        active: false,
        severity: 'CRITICAL',
        message: 'OVERLOAD on Press 01',
        time: TIME,
        asset: { id: assets['Press 01']!.id },
      },
    ]);
    await transitions.close();
    expect(activeEventStreams()).toBe(before);
  });

  it('delivers every severity and asset without filters', async () => {
    const transitions = await live(client, ALARM_CHANGED);
    publisher.publish(alarmEvent('Press 10', 'OIL_LOW', 'LOW'));
    publisher.publish(alarmEvent('Acme', 'GRID', 'MEDIUM'));
    await until(() => transitions.results.length === 2, 'two transitions');
    const seen = transitions.results.map((result) => result.data?.alarmChanged);
    expect(seen).toMatchObject([{ severity: 'LOW' }, { severity: 'MEDIUM' }]);
    await transitions.close();
  });

  it('answers bad arguments with an error naming them and keeps the socket open', async () => {
    const cases: [Record<string, unknown>, string | undefined, string][] = [
      [{ under: 'line-1' }, 'BAD_USER_INPUT', '"under"'],
      [{ under: UNKNOWN }, 'NOT_FOUND', '"under"'],
      // Coercing variables is graphql-js's own check; its errors name the variable, no code.
      [{ minSeverity: 'URGENT' }, undefined, '"$minSeverity"'],
    ];
    for (const [variables, code, argument] of cases) {
      const attempt = subscribe(client, ALARM_CHANGED, variables);
      await attempt.ended;
      const [error] = attempt.results[0]?.errors ?? [];
      expect(error?.extensions?.code).toBe(code);
      expect(error?.message).toContain(argument);
    }
    const transitions = await live(client, ALARM_CHANGED, { minSeverity: 'LOW' });
    publisher.publish(alarmEvent('Press 01', 'OIL_LOW', 'LOW'));
    await until(() => transitions.results.length === 1, 'a transition after the errors');
    await transitions.close();
    expect(connections).toBe(1);
  });

  it('ends its subscriptions when the server closes', async () => {
    const own = await startServer();
    const before = activeEventStreams();
    const transitions = subscribe(own.client, ALARM_CHANGED);
    await until(() => activeEventStreams() === before + 1, 'the subscription to reach the bus');
    await own.server.close();
    await transitions.ended;
    await until(() => activeEventStreams() === before, 'the bus subscription to be released');
    await own.client.dispose();
  });
});

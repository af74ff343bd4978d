import { randomBytes } from 'node:crypto';
import { createClient, type Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { EventBus } from '@plantgraph/bus';
import { startSubgraphServer, type RunningServer } from '@plantgraph/graph';
import {
  live,
  openTestDatabase,
  subscribe,
  until,
  testBroker,
  type TestBroker,
  type TestDatabase,
  signedConnectionParams,
  signedHeaders,
  TEST_GATEWAY_SECRET,
} from '@plantgraph/testing';
import { ordersSubgraph } from './subgraph.ts';

let database: TestDatabase;
let broker: TestBroker;
let bus: EventBus;
let server: RunningServer;
let client: Client;
const assets: Record<string, string> = {};
const prefix = `t${randomBytes(4).toString('hex')}/plantgraph/v1`;

async function insertAsset(name: string, kind: string, parent?: string): Promise<void> {
  const [row] = await database.sql.query<{ id: string }>(
    `insert into asset (parent_id, kind, name, path)
     values ($1, $2, $3, coalesce((select path || '/' from asset where id = $1), '') || $3::text)
     returning id`,
    [parent ? assets[parent] : null, kind, name],
  );
  assets[name] = row!.id;
}

async function mutate<T>(query: string, variables: Record<string, unknown>): Promise<T> {
  const request = JSON.stringify({ query, variables });
  const response = await fetch(server.url, {
    method: 'POST',
    headers: signedHeaders(request),
    body: request,
  });
  const body = (await response.json()) as { data?: T; errors?: unknown[] };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data as T;
}

const createOrder = async (number: string, asset: string) =>
  (
    await mutate<{ createProductionOrder: { id: string } }>(
      `mutation ($input: CreateProductionOrderInput!) { createProductionOrder(input: $input) { id } }`,
      { input: { number, material: 'M-1', quantity: 10, assetId: assets[asset] } },
    )
  ).createProductionOrder.id;

const cancelOrder = (id: string, reason: string) =>
  mutate(
    `mutation ($id: ID!, $reason: String) { cancelProductionOrder(id: $id, reason: $reason) { id } }`,
    { id, reason },
  );

const ORDER_STATUS_CHANGED = `subscription ($orderIds: [ID!], $assetIds: [ID!]) {
  orderStatusChanged(orderIds: $orderIds, assetIds: $assetIds) {
    from to reason actor order { id number status }
  }
}`;

beforeAll(async () => {
  database = await openTestDatabase();
  await insertAsset('Acme', 'ENTERPRISE');
  await insertAsset('Dresden', 'SITE', 'Acme');
  await insertAsset('Line 1', 'LINE', 'Dresden');
  await insertAsset('Line 10', 'LINE', 'Dresden');
  await insertAsset('Press 01', 'EQUIPMENT', 'Line 1');
  await insertAsset('Press 10', 'EQUIPMENT', 'Line 10');
  broker = await testBroker();
  bus = await EventBus.connect({ url: broker.url, clientId: `${prefix}-srv`, prefix });
  server = await startSubgraphServer({
    name: 'orders',
    schema: await ordersSubgraph.buildSchema(),
    services: { ...database.services, events: bus },
    port: 0,
    gatewaySecret: TEST_GATEWAY_SECRET,
  });
  client = createClient({
    url: server.url.replace('http', 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: signedConnectionParams(),
  });
});

afterAll(async () => {
  await client?.dispose();
  await server?.close();
  await bus?.close();
  await broker?.close();
  await database?.close();
});

describe('orderStatusChanged', () => {
  it('announces every committed transition of orders below an asset, with the order', async () => {
    const changes = await live(client, ORDER_STATUS_CHANGED, { assetIds: [assets['Line 1']] });
    const id = await createOrder('PO-S-1', 'Press 01');
    await createOrder('PO-S-2', 'Press 10');
    // The creation is resolved first, so the next event shows whether fields are read afresh.
    await until(() => changes.results.length >= 1, 'the creation');
    await cancelOrder(id, 'material missing');
    // Illegal: CANCELLED is final. Nothing is announced for a change that did not happen.
    await expect(cancelOrder(id, 'again')).rejects.toThrow(/CONFLICT/);
    await until(() => changes.results.length >= 2, 'two status changes');
    await changes.close();
    expect(changes.results.map((result) => result.data?.orderStatusChanged)).toEqual([
      {
        from: null,
        to: 'CREATED',
        reason: null,
        actor: 'test-user',
        order: { id, number: 'PO-S-1', status: 'CREATED' },
      },
      {
        from: 'CREATED',
        to: 'CANCELLED',
        reason: 'material missing',
        actor: 'test-user',
        order: { id, number: 'PO-S-1', status: 'CANCELLED' },
      },
    ]);
  });

  it('filters by order id', async () => {
    const first = await createOrder('PO-S-3', 'Press 01');
    const second = await createOrder('PO-S-4', 'Press 01');
    const changes = await live(client, ORDER_STATUS_CHANGED, { orderIds: [second] });
    await cancelOrder(first, 'not this one');
    await cancelOrder(second, 'this one');
    await until(() => changes.results.length >= 1, 'a status change');
    await changes.close();
    expect(changes.results).toHaveLength(1);
    expect(changes.results[0]?.data?.orderStatusChanged).toMatchObject({
      to: 'CANCELLED',
      reason: 'this one',
      order: { id: second },
    });
  });

  it('answers bad arguments with an error naming them', async () => {
    const cases: [Record<string, unknown>, string, string][] = [
      [{ orderIds: ['nope'] }, 'BAD_USER_INPUT', 'orderIds'],
      [{ orderIds: [] }, 'BAD_USER_INPUT', 'orderIds'],
      [{ assetIds: ['00000000-0000-4000-8000-000000000000'] }, 'NOT_FOUND', 'assetIds'],
    ];
    for (const [variables, code, argument] of cases) {
      const attempt = subscribe(client, ORDER_STATUS_CHANGED, variables);
      await attempt.ended;
      const [error] = attempt.results[0]?.errors ?? [];
      expect(error?.extensions?.code).toBe(code);
      expect(error?.message).toContain(`"${argument}"`);
    }
  });
});

import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from 'graphql-ws';
import { SignJWT } from 'jose';
import WebSocket from 'ws';
import { createApiKey, revokeApiKey } from '@plantgraph/auth';
import { EventBus, type StateEvent } from '@plantgraph/bus';
import { loadSupergraphSdl } from '@plantgraph/gateway';
import { startHiveGateway } from '@plantgraph/gateway/hive';
import { activeEventStreams, type RunningServer } from '@plantgraph/graph';
import { subscribe, testBroker, until, type TestBroker } from '@plantgraph/testing';
import { startTestPlant, type TestPlant } from './fixtures/plant.ts';

/** Fields of four subgraphs: assets (root), timeseries, orders and alarms. */
const PLANT_OVERVIEW = `query {
  assets(kind: EQUIPMENT, first: 5) {
    totalCount
    edges { node { id name path tags { name } state { state } orders { number status } activeAlarms { code } } }
  }
}`;

const ASSET_COUNT = `query { assets { totalCount } }`;

/** Rooted in the timeseries subgraph; `asset { id name }` is resolved by the assets subgraph. */
const STATE_CHANGES = `subscription ($under: ID!) {
  machineStateChanged(under: $under) { state reason asset { id name } }
}`;

const JWT = {
  issuer: 'https://idp.plant.test',
  audience: 'plantgraph',
  secret: randomBytes(32).toString('hex'),
};

let broker: TestBroker;
let plant: TestPlant;
let hive: RunningServer;
let publisher: EventBus;

interface Answer {
  status: number;
  authenticate: string | null;
  body: { data?: Record<string, unknown> | null; errors?: { extensions?: { code?: string } }[] };
}

async function post(
  url: string,
  headers: Record<string, string>,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<Answer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return {
    status: response.status,
    authenticate: response.headers.get('www-authenticate'),
    body: (await response.json()) as Answer['body'],
  };
}

const bearer = (credentials: string) => ({ authorization: `Bearer ${credentials}` });

const jwt = (claims: Record<string, unknown>) =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer(JWT.issuer)
    .setAudience(JWT.audience)
    .setSubject('alice@plant.test')
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(new TextEncoder().encode(JWT.secret));

/** A graphql-transport-ws socket to Hive Gateway that sent `connection_init` with `payload`. */
async function connected(payload: Record<string, string>): Promise<WebSocket> {
  const socket = new WebSocket(hive.url.replace(/^http/, 'ws'), 'graphql-transport-ws');
  await once(socket, 'open');
  socket.send(JSON.stringify({ type: 'connection_init', payload }));
  return socket;
}

const totalCount = (answer: Answer) =>
  (answer.body.data?.assets as { totalCount: number } | undefined)?.totalCount;

beforeAll(async () => {
  broker = await testBroker('embedded');
  plant = await startTestPlant(new Date(), { busUrl: broker.url });
  const prefix = plant.busPrefix;
  publisher = await EventBus.connect({ url: broker.url, clientId: `${prefix}-pub`, prefix });
  hive = await startHiveGateway({
    supergraphSdl: loadSupergraphSdl(),
    subgraphUrls: Object.fromEntries(
      Object.entries(plant.plant.subgraphs).map(([name, server]) => [name, server.url]),
    ),
    port: 0,
    host: '127.0.0.1',
    logger: plant.database.services.logger,
    gatewaySecret: plant.plant.gatewaySecret,
    jwt: JWT,
    sql: plant.database.sql,
    keyCacheMs: 0,
    revocationCheckMs: 200,
  });
});

afterAll(async () => {
  await hive?.close();
  await publisher?.close();
  await plant?.close();
  await broker?.close();
});

describe('Hive Gateway over the signed subgraphs', () => {
  it('answers a query spanning several subgraphs as the Node gateway does', async () => {
    const [throughHive, throughNode] = await Promise.all([
      post(hive.url, plant.headers, PLANT_OVERVIEW),
      post(plant.plant.url, plant.headers, PLANT_OVERVIEW),
    ]);
    expect(throughHive.status).toBe(200);
    expect(throughHive.body.errors).toBeUndefined();
    expect(totalCount(throughHive)).toBeGreaterThan(0);
    expect(throughHive.body).toEqual(throughNode.body);
  });

  it('refuses a request without credentials with the Node gateway’s answer', async () => {
    const [throughHive, throughNode] = await Promise.all([
      post(hive.url, {}, ASSET_COUNT),
      post(plant.plant.url, {}, ASSET_COUNT),
    ]);
    expect(throughHive.status).toBe(401);
    expect(throughHive.authenticate).toBe('Bearer');
    expect(throughHive.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(throughHive).toEqual(throughNode);
  });

  it('refuses an unknown API key with the Node gateway’s answer', async () => {
    const forged = `pgk_${randomBytes(8).toString('hex')}_${randomBytes(32).toString('base64url')}`;
    const [throughHive, throughNode] = await Promise.all([
      post(hive.url, bearer(forged), ASSET_COUNT),
      post(plant.plant.url, bearer(forged), ASSET_COUNT),
    ]);
    expect(throughHive.status).toBe(401);
    expect(throughHive).toEqual(throughNode);
  });

  it('signs the caller’s sites for the subgraphs: a key for no site sees no asset', async () => {
    const { key } = await createApiKey(plant.database.sql, {
      role: 'viewer',
      sites: [],
      label: 'hive-no-site',
    });
    // Sent at once: Hive Gateway's default in-flight deduplication of subgraph requests would
    // hand the key for no site the admin's answer to the same query.
    const [everySite, noSite] = await Promise.all([
      post(hive.url, plant.headers, ASSET_COUNT),
      post(hive.url, bearer(key), ASSET_COUNT),
    ]);
    expect(totalCount(everySite)).toBeGreaterThan(0);
    expect(noSite.body).toEqual({ data: { assets: { totalCount: 0 } } });
  });

  it('accepts the identity provider’s JWTs and refuses forged ones', async () => {
    const viewer = await post(
      hive.url,
      bearer(await jwt({ plantgraph_role: 'viewer' })),
      ASSET_COUNT,
    );
    expect(viewer.body.errors).toBeUndefined();
    expect(totalCount(viewer)).toBeGreaterThan(0);
    const forged = await new SignJWT({ plantgraph_role: 'admin' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(JWT.issuer)
      .setAudience(JWT.audience)
      .setSubject('mallory')
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(randomBytes(32).toString('hex')));
    const refused = await post(hive.url, bearer(forged), ASSET_COUNT);
    expect(refused.status).toBe(401);
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('serves its probes without credentials', async () => {
    for (const probe of ['healthz', 'readyz']) {
      const response = await fetch(hive.url.replace(/graphql$/, probe));
      expect(response.status, probe).toBe(200);
    }
  });

  it('closes a WebSocket that presents no credentials (4403)', async () => {
    const socket = await connected({});
    const [code] = (await once(socket, 'close')) as [number];
    expect(code).toBe(4403);
  });

  it('closes the WebSocket of an API key once it is revoked (4403)', async () => {
    const { id, key } = await createApiKey(plant.database.sql, {
      role: 'viewer',
      sites: null,
      label: 'hive-revoked',
    });
    const socket = await connected(bearer(key));
    const acknowledged = await once(socket, 'message');
    expect(JSON.parse(String(acknowledged[0]))).toEqual({ type: 'connection_ack' });
    const closed = once(socket, 'close');
    expect(await revokeApiKey(plant.database.sql, id)).toBe(true);
    const [code] = (await closed) as [number];
    expect(code).toBe(4403);
  });

  it('delivers a federated subscription over graphql-ws', async () => {
    const { sql } = plant.database;
    const [site] = (await sql.query<{ id: string }>(
      "select id from asset where kind = 'SITE' limit 1",
    )) as [{ id: string }];
    const [equipment] = (await sql.query<{ id: string; path: string; name: string }>(
      "select id, path, name from asset where kind = 'EQUIPMENT' order by path limit 1",
    )) as [{ id: string; path: string; name: string }];
    const client = createClient({
      url: hive.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: plant.connectionParams,
    });
    try {
      const streams = activeEventStreams();
      const subscription = subscribe(client, STATE_CHANGES, { under: site.id });
      // The subgraph counts a stream once the broker confirmed it: from then on nothing is missed.
      await until(() => activeEventStreams() > streams, 'the subgraph subscribed', 10_000);
      const event: StateEvent = {
        type: 'state',
        assetId: equipment.id,
        assetPath: equipment.path,
        time: new Date().toISOString(),
        state: 'DOWN',
        reason: 'hive-jam',
      };
      publisher.publish(event);
      await until(() => subscription.results.length > 0, 'the state change', 10_000);
      expect(subscription.results[0]).toEqual({
        data: {
          machineStateChanged: {
            state: 'DOWN',
            reason: 'hive-jam',
            asset: { id: equipment.id, name: equipment.name },
          },
        },
      });
      subscription.stop();
      await until(() => activeEventStreams() === streams, 'the subgraph released it', 10_000);
    } finally {
      await client.dispose();
    }
  });
});

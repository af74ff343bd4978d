import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type Client } from 'graphql-ws';
import { generateKeyPair, SignJWT, UnsecuredJWT } from 'jose';
import WebSocket from 'ws';
import {
  createApiKey,
  IDENTITY_HEADER,
  keysRole,
  revokeApiKey,
  ROLES,
  signIdentity,
  WEBSOCKET_SIGNED_BODY,
  type Identity,
  type Role,
} from '@plantgraph/auth';
import { EventBus, type PlantEvent } from '@plantgraph/bus';
import { startPlant, type RunningPlant } from '@plantgraph/demo';
import { acknowledged, subscribe, testBroker, until, type TestBroker } from '@plantgraph/testing';
import type { GraphQLFormattedError } from 'graphql';
import { startTestPlant, type TestPlant } from './fixtures/plant.ts';

/**
 * Security of the whole graph: who may do what (roles), what a site-scoped caller may see (every
 * path out of its sites), what the subgraphs trust (only the gateway's signature), which tokens
 * the gateway accepts, and the audit trail of every mutation. Rate, depth and cost limits are in
 * gateway-limits.test.ts.
 *
 * The small demo seed has one site, Dresden; the tests add a second one, Lyon, with a machine,
 * a tag, an order, alarms and measurements. Everything of Lyon says "Lyon" or holds values
 * around LYON_VALUE, so a response that mentions neither has leaked nothing of it.
 */

interface Answer<TData> {
  status: number;
  data?: TData | null;
  errors?: GraphQLFormattedError[];
  text: string;
}

interface AssetRow {
  id: string;
  path: string;
}

interface Lyon {
  site: AssetRow;
  mill: AssetRow;
  tag: string;
  order: string;
  /** Orders and alarms the site-scoped callers try to change. */
  orderToCancel: string;
  alarmToAcknowledge: string;
  alarmForAdmin: string;
  alarm: string;
  characteristic: string;
  measurement: string;
}

const LYON_VALUE = 31337;
const ADMIN: Identity = { subject: 'security-test', role: 'admin', sites: null };

let broker: TestBroker;
let publisher: EventBus;
let plant: TestPlant;
let enterprise: AssetRow;
let dresden: AssetRow;
let dresdenMachine: AssetRow;
let dresdenTag: string;
let characteristic: string;
let lyon: Lyon;
const clients: Client[] = [];

const sql = () => plant.database.sql;
const bearer = (credential: string) => ({
  'content-type': 'application/json',
  authorization: `Bearer ${credential}`,
});

/** POSTs `body` as JSON and reads the GraphQL answer, keeping the raw text for leak checks. */
async function send<TData>(
  url: string,
  headers: Record<string, string>,
  body: string,
): Promise<Answer<TData>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  const text = await response.text();
  const answer = JSON.parse(text) as { data?: TData | null; errors?: GraphQLFormattedError[] };
  return { status: response.status, ...answer, text };
}

const post = <TData = Record<string, unknown>>(
  url: string,
  headers: Record<string, string>,
  query: string,
  variables: Record<string, unknown> = {},
) => send<TData>(url, headers, JSON.stringify({ query, variables }));

/** An operation through the gateway, as the holder of `key` sends it. */
const asKey = <TData = Record<string, unknown>>(
  key: string,
  query: string,
  variables: Record<string, unknown> = {},
) => post<TData>(plant.plant.url, bearer(key), query, variables);

/** An operation sent straight to a subgraph, signed as the gateway would for `identity`. */
function asGateway<TData = Record<string, unknown>>(
  subgraph: string,
  identity: Identity,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<Answer<TData>> {
  const body = JSON.stringify({ query, variables });
  const headers = signIdentity(plant.plant.gatewaySecret, identity, body);
  return send<TData>(plant.plant.subgraphs[subgraph]!.url, headers, body);
}

const codes = (answer: { errors?: readonly GraphQLFormattedError[] }) =>
  (answer.errors ?? []).map((error) => error.extensions?.code);

/** A response about Lyon shows nothing of it: no names or paths, no values. */
function expectNothingOfLyon(answer: { text: string }) {
  expect(answer.text).not.toMatch(/Lyon/);
  expect(answer.text).not.toContain(String(LYON_VALUE));
}

/** A single object outside the caller's sites: null, and if with an error, FORBIDDEN. */
function expectHidden(answer: Answer<Record<string, unknown>>, field: string) {
  expect(answer.data?.[field] ?? null).toBeNull();
  for (const code of codes(answer)) expect(code).toBe('FORBIDDEN');
  expectNothingOfLyon(answer);
}

async function keyFor(role: Role, label: string, sites: string[] | null = null) {
  const { id, key } = await createApiKey(sql(), { role, sites, label });
  return { key, subject: `key:${id} (${label})` };
}

/** A graphql-ws client of the gateway (or of `url`), closed after the file. */
function socketClient(connectionParams: Record<string, unknown>, url = plant.plant.url): Client {
  const client = createClient({
    url: url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams,
    retryAttempts: 0,
  });
  clients.push(client);
  return client;
}

/**
 * How a graphql-ws handshake offering `payload` ends: acknowledged, or the close code the server
 * sent. Raw `ws`, so nothing retries or hides the code.
 */
function handshake(url: string, payload?: Record<string, unknown>): Promise<'ack' | number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url.replace(/^http/, 'ws'), 'graphql-transport-ws');
    socket.on('open', () =>
      socket.send(JSON.stringify({ type: 'connection_init', ...(payload ? { payload } : {}) })),
    );
    socket.on('message', (data) => {
      if ((JSON.parse(String(data)) as { type: string }).type !== 'connection_ack') return;
      resolve('ack');
      socket.close();
    });
    socket.on('close', (code) => resolve(code));
    socket.on('error', reject);
  });
}

/** Publishes `events` once; the subscriptions must be acknowledged already. */
async function publishOnce(events: PlantEvent[], done: () => boolean, timeoutMs = 10_000) {
  for (const event of events) publisher.publish(event);
  await until(done, 'the published events to arrive', timeoutMs);
}

const now = () => new Date().toISOString();
const stateEvent = (asset: AssetRow): PlantEvent => ({
  type: 'state',
  assetId: asset.id,
  assetPath: asset.path,
  time: now(),
  state: 'DOWN',
  reason: 'JAM',
});

type Acknowledged = Awaited<ReturnType<typeof acknowledged>>;

/**
 * Publishes a state change of the Lyon mill, then one of the Dresden machine, to two acknowledged
 * `machineStateChanged { state asset { id } }` subscriptions, and stops them: the unscoped one
 * gets both (so the Lyon event did reach the streams), the one limited to Dresden only Dresden's.
 */
async function expectOnlyDresdenState(everySite: Acknowledged, dresdenOnly: Acknowledged) {
  const assetIds = (results: Acknowledged['results']) =>
    results.map(
      (result) => (result.data?.machineStateChanged as { asset: { id: string } }).asset.id,
    );
  try {
    // Lyon's first: a scoped stream that let it through would have it before Dresden's.
    await publishOnce(
      [stateEvent(lyon.mill), stateEvent(dresdenMachine)],
      () => everySite.results.length >= 2 && dresdenOnly.results.length >= 1,
    );
    expect(assetIds(everySite.results).sort()).toEqual([lyon.mill.id, dresdenMachine.id].sort());
    expect(dresdenOnly.results).toEqual([
      { data: { machineStateChanged: { state: 'DOWN', asset: { id: dresdenMachine.id } } } },
    ]);
  } finally {
    everySite.stop();
    dresdenOnly.stop();
  }
}

/** Lyon: a site beside Dresden with one machine, a tag with history, orders and alarms. */
async function addLyon(): Promise<Lyon> {
  const asset = async (parent: AssetRow, kind: string, name: string): Promise<AssetRow> => {
    const [row] = await sql().query<AssetRow>(
      'insert into asset (parent_id, kind, name, path) values ($1, $2, $3, $4) returning id, path',
      [parent.id, kind, name, `${parent.path}/${name}`],
    );
    return row!;
  };
  const site = await asset(enterprise, 'SITE', 'Lyon');
  const area = await asset(site, 'AREA', 'Lyon Machining');
  const line = await asset(area, 'LINE', 'Lyon Line 1');
  const mill = await asset(line, 'EQUIPMENT', 'Lyon Mill 01');
  const [tag] = await sql().query<{ id: string }>(
    `insert into tag (asset_id, name, data_type, unit) values ($1, 'Lyon Spindle Load', 'FLOAT', '%')
     returning id`,
    [mill.id],
  );
  await sql().query(
    `insert into datapoint (time, tag_id, value)
     select now() - n * interval '1 minute', $1, $2 + n / 100.0 from generate_series(1, 30) n`,
    [tag!.id, LYON_VALUE],
  );
  await sql().query(
    `insert into machine_state (time, asset_id, state, reason)
     values (now() - interval '1 hour', $1, 'RUNNING', null)`,
    [mill.id],
  );
  const order = async (number: string) => {
    const [row] = await sql().query<{ id: string }>(
      `insert into production_order (number, material, quantity, asset_id)
       values ($1, 'Lyon Housing', $2, $3) returning id`,
      [number, LYON_VALUE, mill.id],
    );
    return row!.id;
  };
  const alarm = async (code: string) => {
    const [row] = await sql().query<{ id: string }>(
      `insert into alarm_event (asset_id, code, message, severity, raised_at)
       values ($1, $2, 'Lyon spindle overload', 'HIGH', now() - interval '10 minutes') returning id`,
      [mill.id, code],
    );
    return row!.id;
  };
  const firstOrder = await order('PO-LYON-1');
  const [measurement] = await sql().query<{ id: string }>(
    `insert into measurement (characteristic_id, asset_id, order_id, time, value, in_spec)
     select $1, $2, $3, now() - n * interval '1 minute', $4 + n / 100.0, false
       from generate_series(1, 20) n
     returning id`,
    [characteristic, mill.id, firstOrder, LYON_VALUE],
  );
  return {
    site,
    mill,
    tag: tag!.id,
    order: firstOrder,
    orderToCancel: await order('PO-LYON-2'),
    alarm: await alarm('LYON-1'),
    alarmToAcknowledge: await alarm('LYON-2'),
    alarmForAdmin: await alarm('LYON-3'),
    characteristic,
    measurement: measurement!.id,
  };
}

let jwtPlant: RunningPlant;
/** jwtPlant's subgraphs' event bus: the same topics as plant's, so `publisher` reaches both. */
let jwtEvents: EventBus;
/** How often jwtPlant's gateway checks the keys of open sockets for revocation. */
const REVOCATION_CHECK_MS = 500;
const JWT = {
  issuer: 'https://idp.plantgraph.test',
  audience: 'plantgraph-gateway',
  secret: randomBytes(32).toString('base64url'),
};

beforeAll(async () => {
  broker = await testBroker();
  plant = await startTestPlant(new Date(), { busUrl: broker.url });
  const prefix = plant.busPrefix;
  publisher = await EventBus.connect({ url: broker.url, clientId: `${prefix}-pub`, prefix });
  const first = async <T extends object>(text: string) => (await sql().query<T>(text))[0]!;
  enterprise = await first<AssetRow>("select id, path from asset where kind = 'ENTERPRISE'");
  dresden = await first<AssetRow>("select id, path from asset where kind = 'SITE'");
  dresdenMachine = await first<AssetRow>(
    "select id, path from asset where kind = 'EQUIPMENT' order by path limit 1",
  );
  dresdenTag = (
    await first<{ id: string }>(
      `select t.id from tag t join asset a on a.id = t.asset_id where a.kind = 'EQUIPMENT'
       order by a.path, t.name limit 1`,
    )
  ).id;
  characteristic = (
    await first<{ id: string }>(
      'select characteristic_id as id from measurement group by 1 order by count(*) desc limit 1',
    )
  ).id;
  lyon = await addLyon();
  // A second gateway and subgraphs over the same database and bus that also accept bearer JWTs.
  jwtEvents = await EventBus.connect({ url: broker.url, clientId: `${prefix}-jwt`, prefix });
  jwtPlant = await startPlant({
    services: { ...plant.database.services, events: jwtEvents },
    port: 0,
    host: '127.0.0.1',
    subgraphPortsFrom: 0,
    jwt: JWT,
    limits: { revocationCheckMs: REVOCATION_CHECK_MS },
  });
});

afterAll(async () => {
  await Promise.all(clients.map((client) => client.dispose()));
  await jwtPlant?.close();
  await jwtEvents?.close();
  await publisher?.close();
  await plant?.close();
  await broker?.close();
});

describe('the fixture', () => {
  it('has Dresden from the seed and Lyon beside it', async () => {
    expect(dresden.path).toMatch(/\/Dresden$/);
    expect(lyon.site.path).toBe(`${enterprise.path}/Lyon`);
    const { data, errors } = await asKey<{ asset: { path: string } }>(
      plant.apiKey,
      'query ($id: ID!) { asset(id: $id) { path } }',
      { id: lyon.mill.id },
    );
    expect(errors).toBeUndefined();
    expect(data!.asset.path).toBe(lyon.mill.path);
  });
});

// ---------------------------------------------------------------------------------------------
// Roles: every role against every kind of operation, allowed and denied.

interface MatrixMutation {
  field: string;
  least: Role;
  query: string;
  variables(role: Role): Record<string, unknown>;
  /** Whether the mutation took effect for `role` (absent: it never does, see outcome). */
  tookEffect?(role: Role): Promise<boolean>;
  /** The audit outcome when allowed: OK, or ERROR where the test sends what cannot work. */
  allowedOutcome: 'OK' | 'ERROR';
}

const matrixKeys = {} as Record<Role, { key: string; subject: string }>;
const matrixAlarms = {} as Record<Role, string>;
const matrixDeadLetters = {} as Record<Role, string>;
const roleIndex = (role: Role) => ROLES.indexOf(role);
const measuredValue = (role: Role) => 7000 + roleIndex(role);

const exists = async (text: string, values: unknown[]) =>
  (await sql().query<{ found: boolean }>(`select exists (${text}) as found`, values))[0]!.found;

const MUTATIONS: MatrixMutation[] = [
  {
    field: 'acknowledgeAlarm',
    least: 'operator',
    query: 'mutation ($id: ID!) { acknowledgeAlarm(id: $id, comment: "matrix") { id state } }',
    variables: (role) => ({ id: matrixAlarms[role] }),
    tookEffect: (role) =>
      exists('select 1 from alarm_event where id = $1 and acknowledged_at is not null', [
        matrixAlarms[role],
      ]),
    allowedOutcome: 'OK',
  },
  {
    field: 'recordMeasurement',
    least: 'operator',
    query: 'mutation ($input: RecordMeasurementInput!) { recordMeasurement(input: $input) { id } }',
    variables: (role) => ({
      input: {
        characteristicId: characteristic,
        assetId: dresdenMachine.id,
        value: measuredValue(role),
      },
    }),
    tookEffect: (role) =>
      exists('select 1 from measurement where asset_id = $1 and value = $2', [
        dresdenMachine.id,
        measuredValue(role),
      ]),
    allowedOutcome: 'OK',
  },
  {
    field: 'createProductionOrder',
    least: 'integrator',
    query:
      'mutation ($input: CreateProductionOrderInput!) { createProductionOrder(input: $input) { id number } }',
    variables: (role) => ({
      input: {
        number: `PO-MATRIX-${role}`,
        material: 'BRKT-1 Bracket',
        quantity: 1,
        assetId: dresdenMachine.id,
      },
    }),
    tookEffect: (role) =>
      exists('select 1 from production_order where number = $1', [`PO-MATRIX-${role}`]),
    allowedOutcome: 'OK',
  },
  {
    // An order that does not exist: allowed callers get NOT_FOUND, the others FORBIDDEN.
    field: 'downloadOrder',
    least: 'integrator',
    query:
      'mutation ($orderId: ID!, $equipmentId: ID!) { downloadOrder(orderId: $orderId, equipmentId: $equipmentId) { id } }',
    variables: () => ({ orderId: randomUUID(), equipmentId: dresdenMachine.id }),
    allowedOutcome: 'ERROR',
  },
  {
    field: 'replayDeadLetters',
    least: 'engineer',
    query: 'mutation ($ids: [ID!]!) { replayDeadLetters(ids: $ids) { id replayRequestedAt } }',
    variables: (role) => ({ ids: [matrixDeadLetters[role]] }),
    tookEffect: (role) =>
      exists('select 1 from dead_letter where id = $1 and replay_requested_at is not null', [
        matrixDeadLetters[role],
      ]),
    allowedOutcome: 'OK',
  },
];

const allows = (role: Role, least: Role) => roleIndex(role) >= roleIndex(least);

describe('the role matrix', () => {
  beforeAll(async () => {
    for (const role of ROLES) {
      matrixKeys[role] = await keyFor(role, `matrix-${role}`);
      const [alarm] = await sql().query<{ id: string }>(
        `insert into alarm_event (asset_id, code, message, severity, raised_at)
         values ($1, $2, 'matrix', 'LOW', now() - interval '5 minutes') returning id`,
        [dresdenMachine.id, `MATRIX-${role}`],
      );
      matrixAlarms[role] = alarm!.id;
      const [letter] = await sql().query<{ id: string }>(
        `insert into dead_letter (connection, address, payload, payload_size, reason, received_at)
         values ('matrix', $1, '\\x00'::bytea, 1, 'no mapping', now()) returning id`,
        [`matrix/${role}`],
      );
      matrixDeadLetters[role] = letter!.id;
    }
  });

  describe.each(ROLES)('%s', (role) => {
    it('may query', async () => {
      const answer = await asKey<{ assets: { totalCount: number } }>(
        matrixKeys[role].key,
        '{ assets(kind: EQUIPMENT, first: 1) { totalCount } }',
      );
      expect(answer.status).toBe(200);
      expect(answer.errors).toBeUndefined();
      expect(answer.data!.assets.totalCount).toBeGreaterThan(0);
    });

    it.each(MUTATIONS)(`$field: allowed from $least up`, async (mutation) => {
      const answer = await asKey(matrixKeys[role].key, mutation.query, mutation.variables(role));
      const allowed = allows(role, mutation.least);
      const [audit, ...more] = await sql().query<{ outcome: string; error_code: string | null }>(
        'select outcome, error_code from audit_log where actor = $1 and operation = $2',
        [matrixKeys[role].subject, mutation.field],
      );
      expect(more).toEqual([]);
      if (!allowed) {
        expect(codes(answer)).toEqual(['FORBIDDEN']);
        expect(answer.errors![0]!.message).toBe(
          `${mutation.field} needs the role ${mutation.least} or higher`,
        );
        expect(answer.errors![0]!.extensions).toMatchObject({
          operation: mutation.field,
          needed: mutation.least,
        });
        if (mutation.tookEffect) expect(await mutation.tookEffect(role)).toBe(false);
        expect(audit).toEqual({ outcome: 'DENIED', error_code: 'FORBIDDEN' });
        return;
      }
      expect(codes(answer)).not.toContain('FORBIDDEN');
      if (mutation.allowedOutcome === 'OK') {
        expect(answer.errors).toBeUndefined();
        expect(audit).toEqual({ outcome: 'OK', error_code: null });
      } else {
        expect(codes(answer)).toEqual(['NOT_FOUND']);
        expect(audit).toEqual({ outcome: 'ERROR', error_code: 'NOT_FOUND' });
      }
      if (mutation.tookEffect) expect(await mutation.tookEffect(role)).toBe(true);
    });

    it('may subscribe and receives the events', async () => {
      const client = socketClient({ authorization: `Bearer ${matrixKeys[role].key}` });
      const query =
        'subscription ($ids: [ID!]) { machineStateChanged(assetIds: $ids) { state asset { id } } }';
      const variables = { ids: [dresdenMachine.id] };
      const subscription = await acknowledged(client, query, variables);
      try {
        await publishOnce([stateEvent(dresdenMachine)], () => subscription.results.length > 0);
        expect(subscription.results[0]).toEqual({
          data: { machineStateChanged: { state: 'DOWN', asset: { id: dresdenMachine.id } } },
        });
      } finally {
        subscription.stop();
      }
    });
  });

  it('leaves exactly one audit entry per matrix mutation, under the caller', async () => {
    const rows = await sql().query<{ actor: string; operation: string; outcome: string }>(
      `select actor, operation, outcome from audit_log where actor like 'key:% (matrix-%)'
       order by actor, operation`,
    );
    const expected = ROLES.flatMap((role) =>
      MUTATIONS.map((mutation) => ({
        actor: matrixKeys[role].subject,
        operation: mutation.field,
        outcome: allows(role, mutation.least) ? mutation.allowedOutcome : 'DENIED',
      })),
    );
    const order = (a: { actor: string; operation: string }, b: typeof a) =>
      a.actor.localeCompare(b.actor) || a.operation.localeCompare(b.operation);
    expect(rows.sort(order)).toEqual(expected.sort(order));
  });
});

// ---------------------------------------------------------------------------------------------
// Who is calling, as the gateway finds out.

describe('authentication at the gateway', () => {
  const ASSETS = '{ assets(first: 1) { totalCount } }';
  const refusals = async (actor: string) =>
    Number(
      (
        await sql().query<{ count: string }>(
          `select count(*) as count from audit_log
            where operation = 'authenticate' and outcome = 'DENIED' and actor = $1
              and error_code = 'UNAUTHENTICATED'`,
          [actor],
        )
      )[0]!.count,
    );

  it('refuses anonymous queries and mutations with 401 UNAUTHENTICATED, before any subgraph', async () => {
    const headers = { 'content-type': 'application/json' };
    const unknown = randomUUID();
    const query = await post(plant.plant.url, headers, ASSETS);
    expect(query.status).toBe(401);
    expect(codes(query)).toEqual(['UNAUTHENTICATED']);
    expect(query.data ?? null).toBeNull();
    const mutation = await post(
      plant.plant.url,
      headers,
      'mutation ($id: ID!) { acknowledgeAlarm(id: $id) { id } }',
      { id: unknown },
    );
    expect(mutation.status).toBe(401);
    expect(codes(mutation)).toEqual(['UNAUTHENTICATED']);
    expect(await exists('select 1 from audit_log where entity_id = $1', [unknown])).toBe(false);
  });

  it('refuses an unknown API key and audits the refusal by key id', async () => {
    const id = randomBytes(8).toString('hex');
    const before = await refusals(`key:${id}`);
    const answer = await post(
      plant.plant.url,
      bearer(`pgk_${id}_${randomBytes(32).toString('base64url')}`),
      ASSETS,
    );
    expect(answer.status).toBe(401);
    expect(codes(answer)).toEqual(['UNAUTHENTICATED']);
    expect(await refusals(`key:${id}`)).toBe(before + 1);
  });

  it('accepts a key in X-Api-Key and refuses it once revoked', async () => {
    const { id, key } = await createApiKey(sql(), { role: 'viewer', sites: null, label: 'revoke' });
    const headers = { 'content-type': 'application/json', 'x-api-key': key };
    const accepted = await post(plant.plant.url, headers, ASSETS);
    expect(accepted.status).toBe(200);
    expect(accepted.errors).toBeUndefined();
    expect(await revokeApiKey(sql(), id)).toBe(true);
    const refused = await post(plant.plant.url, headers, ASSETS);
    expect(refused.status).toBe(401);
    expect(codes(refused)).toEqual(['UNAUTHENTICATED']);
  });

  it('refuses a bearer JWT where no identity provider is configured', async () => {
    const before = await refusals('jwt');
    const token = await new SignJWT({ plantgraph_role: 'admin' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('mallory')
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(JWT.secret));
    const answer = await post(plant.plant.url, bearer(token), ASSETS);
    expect(answer.status).toBe(401);
    expect(codes(answer)).toEqual(['UNAUTHENTICATED']);
    expect(await refusals('jwt')).toBe(before + 1);
  });

  it('closes a WebSocket without or with invalid credentials with 4403', async () => {
    expect(await handshake(plant.plant.url)).toBe(4403);
    expect(await handshake(plant.plant.url, {})).toBe(4403);
    expect(
      await handshake(plant.plant.url, {
        authorization: `Bearer pgk_${'0'.repeat(16)}_${'A'.repeat(43)}`,
      }),
    ).toBe(4403);
    expect(await handshake(plant.plant.url, plant.connectionParams)).toBe('ack');
  });

  it('refuses subscriptions without valid credentials: the socket closes with 4403', async () => {
    const revoked = await createApiKey(sql(), { role: 'viewer', sites: null, label: 'revoked' });
    expect(await revokeApiKey(sql(), revoked.id)).toBe(true);
    const attempts = [
      {},
      { authorization: 'Bearer not-a-credential' },
      { authorization: `Bearer ${revoked.key}` },
    ].map((connectionParams) =>
      subscribe(socketClient(connectionParams), 'subscription { machineStateChanged { state } }'),
    );
    const reasons = await Promise.all(attempts.map((attempt) => attempt.ended));
    expect(reasons.map((reason) => (reason as { code?: number } | null)?.code)).toEqual([
      4403, 4403, 4403,
    ]);
    expect(attempts.flatMap((attempt) => attempt.results)).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// Bearer JWTs from an identity provider (HS256 here).

describe('JWT bearer tokens', () => {
  const ASSETS = '{ assets(kind: SITE, first: 10) { edges { node { id path } } } }';
  const key = new TextEncoder().encode(JWT.secret);
  const seconds = () => Math.floor(Date.now() / 1000);
  const token = (claims: Record<string, unknown> = { plantgraph_role: 'viewer' }) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(JWT.issuer)
      .setAudience(JWT.audience)
      .setSubject('alice@plant.test')
      .setIssuedAt()
      .setExpirationTime('5m');
  const jwtRefusals = async () =>
    (
      await sql().query<{ message: string }>(
        `select result->>'message' as message from audit_log
          where operation = 'authenticate' and outcome = 'DENIED' and actor = 'jwt'
            and error_code = 'UNAUTHENTICATED'
          order by time`,
      )
    ).map((row) => row.message);

  it('accepts a valid token with its role and sites', async () => {
    const all = await post<{ assets: { edges: { node: AssetRow }[] } }>(
      jwtPlant.url,
      bearer(await token().sign(key)),
      ASSETS,
    );
    expect(all.status).toBe(200);
    expect(all.errors).toBeUndefined();
    expect(all.data!.assets.edges.map((edge) => edge.node.id).sort()).toEqual(
      [dresden.id, lyon.site.id].sort(),
    );
    const scoped = await post<{ assets: { edges: { node: AssetRow }[] } }>(
      jwtPlant.url,
      bearer(await token({ plantgraph_role: 'viewer', plantgraph_sites: [dresden.id] }).sign(key)),
      ASSETS,
    );
    expect(scoped.errors).toBeUndefined();
    expect(scoped.data!.assets.edges.map((edge) => edge.node.id)).toEqual([dresden.id]);
  });

  it('acts with the role of the token: a viewer token may not acknowledge', async () => {
    const answer = await post(
      jwtPlant.url,
      bearer(await token().sign(key)),
      'mutation ($id: ID!) { acknowledgeAlarm(id: $id) { id } }',
      { id: lyon.alarm },
    );
    expect(codes(answer)).toEqual(['FORBIDDEN']);
    const [audit] = await sql().query<{ outcome: string }>(
      `select outcome from audit_log where actor = 'alice@plant.test' and entity_id = $1`,
      [lyon.alarm],
    );
    expect(audit).toEqual({ outcome: 'DENIED' });
  });

  const refused: [string, () => Promise<string>, RegExp][] = [
    [
      'an expired token',
      () =>
        token()
          .setExpirationTime(seconds() - 60)
          .sign(key),
      /"exp"/,
    ],
    [
      'a token not valid yet',
      () =>
        token()
          .setNotBefore(seconds() + 3600)
          .sign(key),
      /"nbf"/,
    ],
    ['a token for another audience', () => token().setAudience('other-api').sign(key), /"aud"/],
    ['a token of another issuer', () => token().setIssuer('https://evil.test').sign(key), /"iss"/],
    [
      'a token signed with another secret',
      () => token().sign(new TextEncoder().encode(randomBytes(32).toString('base64url'))),
      /signature/,
    ],
    [
      'an RS256 token against the HS256 configuration',
      async () => {
        const { privateKey } = await generateKeyPair('RS256');
        return new SignJWT({ plantgraph_role: 'admin' })
          .setProtectedHeader({ alg: 'RS256' })
          .setIssuer(JWT.issuer)
          .setAudience(JWT.audience)
          .setSubject('mallory')
          .setExpirationTime('5m')
          .sign(privateKey);
      },
      /alg/,
    ],
    [
      'an unsigned token (alg none)',
      async () =>
        new UnsecuredJWT({ plantgraph_role: 'admin' })
          .setIssuer(JWT.issuer)
          .setAudience(JWT.audience)
          .setSubject('mallory')
          .setExpirationTime('5m')
          .encode(),
      /alg|JWS/,
    ],
    [
      'a token with an unknown role',
      () => token({ plantgraph_role: 'superuser' }).sign(key),
      /plantgraph_role/,
    ],
    [
      'a token whose sites are not a list',
      () => token({ plantgraph_role: 'viewer', plantgraph_sites: dresden.id }).sign(key),
      /plantgraph_sites/,
    ],
  ];

  it.each(refused)('refuses %s with UNAUTHENTICATED and audits it', async (_, make, reason) => {
    const before = await jwtRefusals();
    const answer = await post(jwtPlant.url, bearer(await make()), ASSETS);
    expect(answer.status).toBe(401);
    expect(codes(answer)).toEqual(['UNAUTHENTICATED']);
    expect(answer.data ?? null).toBeNull();
    const after = await jwtRefusals();
    expect(after).toHaveLength(before.length + 1);
    expect(after.at(-1)).toMatch(reason);
  });

  it('refuses an expired token on the WebSocket and accepts a valid operator token', async () => {
    const expired = await token({ plantgraph_role: 'operator' })
      .setExpirationTime(seconds() - 60)
      .sign(key);
    expect(await handshake(jwtPlant.url, { authorization: `Bearer ${expired}` })).toBe(4403);
    const valid = await token({ plantgraph_role: 'operator' }).sign(key);
    expect(await handshake(jwtPlant.url, { authorization: `Bearer ${valid}` })).toBe('ack');
  });

  it('lets a viewer token subscribe, with the events of its sites only', async () => {
    const query =
      'subscription ($under: ID) { machineStateChanged(under: $under) { state asset { id } } }';
    const open = async (claims: Record<string, unknown>) =>
      acknowledged(
        socketClient({ authorization: `Bearer ${await token(claims).sign(key)}` }, jwtPlant.url),
        query,
        { under: enterprise.id },
      );
    const everySite = await open({ plantgraph_role: 'viewer' });
    const dresdenOnly = await open({ plantgraph_role: 'viewer', plantgraph_sites: [dresden.id] });
    await expectOnlyDresdenState(everySite, dresdenOnly);
  });

  it('refuses a token without an expiry', async () => {
    const forever = await new SignJWT({ plantgraph_role: 'admin' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(JWT.issuer)
      .setAudience(JWT.audience)
      .setSubject('alice@plant.test')
      .sign(key);
    const answer = await post(jwtPlant.url, bearer(forever), ASSETS);
    expect(codes(answer)).toEqual(['UNAUTHENTICATED']);
  });
});

// ---------------------------------------------------------------------------------------------
// A socket lives only as long as the credentials it was opened with.

describe('WebSockets whose credentials end', () => {
  const STATE_CHANGES = 'subscription { machineStateChanged { state } }';
  const seconds = () => Math.floor(Date.now() / 1000);

  /**
   * A raw graphql-ws socket with one subscription running: resolves once it is acknowledged and
   * subscribed, with the close code it ends with.
   */
  async function subscribedSocket(url: string, authorization: string) {
    const socket = new WebSocket(url.replace(/^http/, 'ws'), 'graphql-transport-ws');
    const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
    let closeCode: number | undefined;
    let closedAt: number | undefined;
    void closed.then((code) => {
      closeCode = code;
      closedAt = Date.now();
    });
    await new Promise<void>((resolve, reject) => {
      socket.on('open', () =>
        socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization } })),
      );
      socket.on('message', (data) => {
        if ((JSON.parse(String(data)) as { type: string }).type !== 'connection_ack') return;
        socket.send(
          JSON.stringify({ id: '1', type: 'subscribe', payload: { query: STATE_CHANGES } }),
        );
        resolve();
      });
      socket.on('error', reject);
      void closed.then((code) => reject(new Error(`closed with ${code} before the ack`)));
    });
    return { closed, closeCode: () => closeCode, closedAt: () => closedAt };
  }

  /** Revokes a key as `plantgraph keys revoke <id>` does, through the role on a real server. */
  async function revoke(id: string): Promise<void> {
    const url = plant.database.url;
    if (url) expect(await keysRole.start({ DATABASE_URL: url }, ['revoke', id])).toBe(0);
    else expect(await revokeApiKey(sql(), id)).toBe(true);
  }

  it('closes the socket of a revoked API key with 4403 within the check interval', async () => {
    const { id, key } = await createApiKey(sql(), {
      role: 'operator',
      sites: null,
      label: 'revoked while subscribed',
    });
    const kept = await keyFor('operator', 'kept while another is revoked');
    const revoked = await subscribedSocket(jwtPlant.url, `Bearer ${key}`);
    const other = await subscribedSocket(jwtPlant.url, `Bearer ${kept.key}`);
    await new Promise((resolve) => setTimeout(resolve, REVOCATION_CHECK_MS * 2));
    expect(revoked.closeCode()).toBeUndefined();
    await revoke(id);
    await until(
      () => revoked.closeCode() !== undefined,
      'the socket to close',
      REVOCATION_CHECK_MS * 10,
    );
    expect(await revoked.closed).toBe(4403);
    expect(other.closeCode()).toBeUndefined();
  });

  it('closes the socket of a JWT with 4403 when the token expires', async () => {
    const expiresAt = seconds() + 2;
    const token = await new SignJWT({ plantgraph_role: 'operator' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(JWT.issuer)
      .setAudience(JWT.audience)
      .setSubject('bob@plant.test')
      .setExpirationTime(expiresAt)
      .sign(new TextEncoder().encode(JWT.secret));
    const socket = await subscribedSocket(jwtPlant.url, `Bearer ${token}`);
    expect(socket.closeCode()).toBeUndefined();
    await until(() => socket.closeCode() !== undefined, 'the socket to close', 10_000);
    expect(await socket.closed).toBe(4403);
    // Not before the token's expiry: a valid token keeps its socket.
    expect(socket.closedAt()).toBeGreaterThanOrEqual(expiresAt * 1000);
  });
});

// ---------------------------------------------------------------------------------------------
// Subgraphs trust the gateway's signature and nothing else.

describe('identity headers at a subgraph', () => {
  const body = JSON.stringify({ query: '{ assets(first: 1) { totalCount } }' });
  const subgraphUrl = () => plant.plant.subgraphs.assets!.url;
  const toAssets = (headers: Record<string, string>, sent = body) =>
    send<unknown>(subgraphUrl(), headers, sent);
  const expectRefused = (answer: Answer<unknown>, reason: RegExp) => {
    expect(answer.status).toBe(401);
    expect(codes(answer)).toEqual(['UNAUTHENTICATED']);
    expect(answer.errors![0]!.message).toMatch(reason);
    expect(answer.data).toBeUndefined();
  };

  it('answers a request the gateway signed', async () => {
    const answer = await toAssets(signIdentity(plant.plant.gatewaySecret, ADMIN, body));
    expect(answer.status).toBe(200);
    expect(answer.errors).toBeUndefined();
    expect(answer.data).toEqual({ assets: { totalCount: expect.any(Number) } });
  });

  it('refuses a request without identity headers', async () => {
    expectRefused(await toAssets({}), /missing/);
  });

  it('refuses an identity without its signature', async () => {
    const headers = signIdentity(plant.plant.gatewaySecret, ADMIN, body);
    expectRefused(await toAssets({ [IDENTITY_HEADER]: headers[IDENTITY_HEADER]! }), /missing/);
  });

  it('refuses a signature made with another secret', async () => {
    expectRefused(await toAssets(signIdentity('not-the-gateway-secret', ADMIN, body)), /not valid/);
  });

  it('refuses a forged identity under a genuine signature', async () => {
    const viewer: Identity = { subject: 'viewer', role: 'viewer', sites: [dresden.id] };
    const genuine = signIdentity(plant.plant.gatewaySecret, viewer, body);
    const forged = Buffer.from(JSON.stringify({ ...ADMIN, exp: Date.now() + 30_000 })).toString(
      'base64url',
    );
    expectRefused(await toAssets({ ...genuine, [IDENTITY_HEADER]: forged }), /not valid/);
  });

  it('refuses headers replayed with another body', async () => {
    const other = JSON.stringify({ query: '{ assets(first: 2) { totalCount } }' });
    expectRefused(
      await toAssets(signIdentity(plant.plant.gatewaySecret, ADMIN, body), other),
      /not valid/,
    );
  });

  it('refuses an expired signature', async () => {
    const stale = signIdentity(plant.plant.gatewaySecret, ADMIN, body, Date.now() - 60_000);
    expectRefused(await toAssets(stale), /expired/);
  });

  it('refuses a GET with the signature of an empty body (a WebSocket connection)', async () => {
    // The signature the gateway sends in every subgraph connection_init covers the empty body.
    const connection = signIdentity(plant.plant.gatewaySecret, ADMIN, WEBSOCKET_SIGNED_BODY);
    const url = new URL(subgraphUrl());
    url.searchParams.set('query', '{ assets(first: 1) { totalCount } }');
    const response = await fetch(url, {
      headers: { ...connection, 'apollo-require-preflight': 'true' },
    });
    const text = await response.text();
    expect(response.status).toBe(401);
    expect(text).not.toContain('totalCount');
  });

  it('runs the role check itself: a signed viewer may not mutate', async () => {
    const viewer: Identity = { subject: 'signed-viewer', role: 'viewer', sites: null };
    const answer = await asGateway(
      'alarms',
      viewer,
      'mutation ($id: ID!) { acknowledgeAlarm(id: $id) { id } }',
      { id: lyon.alarm },
    );
    expect(codes(answer)).toEqual(['FORBIDDEN']);
    expect(
      await exists(
        `select 1 from audit_log where actor = 'signed-viewer' and operation = 'acknowledgeAlarm'
           and outcome = 'DENIED' and error_code = 'FORBIDDEN'`,
        [],
      ),
    ).toBe(true);
  });

  it('closes a WebSocket without a valid signed connection', async () => {
    const url = plant.plant.subgraphs.timeseries!.url;
    expect(await handshake(url)).toBe(4403);
    expect(await handshake(url, plant.connectionParams)).toBe(4403);
    expect(
      await handshake(url, signIdentity('not-the-gateway-secret', ADMIN, WEBSOCKET_SIGNED_BODY)),
    ).toBe(4403);
    expect(
      await handshake(url, signIdentity(plant.plant.gatewaySecret, ADMIN, '', Date.now() - 60_000)),
    ).toBe(4403);
    expect(
      await handshake(url, signIdentity(plant.plant.gatewaySecret, ADMIN, WEBSOCKET_SIGNED_BODY)),
    ).toBe('ack');
  });

  it('serves a signed viewer subscription at the subgraph, with the events of its sites', async () => {
    const subscriber = (sites: string[] | null) =>
      socketClient(
        signIdentity(
          plant.plant.gatewaySecret,
          { subject: 'signed-viewer', role: 'viewer', sites },
          WEBSOCKET_SIGNED_BODY,
        ),
        plant.plant.subgraphs.timeseries!.url,
      );
    const query =
      'subscription ($under: ID) { machineStateChanged(under: $under) { state asset { id } } }';
    const variables = { under: enterprise.id };
    const everySite = await acknowledged(subscriber(null), query, variables);
    const dresdenOnly = await acknowledged(subscriber([dresden.id]), query, variables);
    await expectOnlyDresdenState(everySite, dresdenOnly);
  });
});

// ---------------------------------------------------------------------------------------------
// Site scope: a caller limited to Dresden sees nothing of Lyon, however it asks.

describe('site scope (a key limited to Dresden)', () => {
  let viewer: string;
  let operator: { key: string; subject: string };
  let unscopedViewer: string;
  let integrator: { key: string; subject: string };
  const scopedViewer = (): Identity => ({
    subject: 'scoped-viewer',
    role: 'viewer',
    sites: [dresden.id],
  });
  const within = (path: string) => path === dresden.path || path.startsWith(`${dresden.path}/`);

  beforeAll(async () => {
    viewer = (await keyFor('viewer', 'dresden-viewer', [dresden.id])).key;
    operator = await keyFor('operator', 'dresden-operator', [dresden.id]);
    unscopedViewer = (await keyFor('viewer', 'every-site-viewer')).key;
    integrator = await keyFor('integrator', 'dresden-integrator', [dresden.id]);
  });

  describe('queries', () => {
    it('lists only Dresden assets', async () => {
      const answer = await asKey<{
        assets: { totalCount: number; edges: { node: AssetRow }[] };
      }>(viewer, '{ assets(first: 1000) { totalCount edges { node { id path } } } }');
      expect(answer.errors).toBeUndefined();
      const paths = answer.data!.assets.edges.map((edge) => edge.node.path);
      expect(paths).toContain(dresdenMachine.path);
      expect(paths.filter((path) => !within(path))).toEqual([]);
      expectNothingOfLyon(answer);
    });

    it('counts only Dresden assets', async () => {
      const answer = await asKey<{
        assets: { totalCount: number; edges: unknown[] };
      }>(viewer, '{ assets(first: 1000) { totalCount edges { cursor } } }');
      const [{ count }] = (await sql().query<{ count: string }>(
        'select count(*) as count from asset where path = $1 or path like $2',
        [dresden.path, `${dresden.path}/%`],
      )) as [{ count: string }];
      expect(answer.data!.assets.edges).toHaveLength(Number(count));
      expect(answer.data!.assets.totalCount).toBe(Number(count));
    });

    it('finds nothing under Lyon', async () => {
      const answer = await asKey<{ assets: { edges: unknown[] } }>(
        viewer,
        'query ($under: ID!) { assets(under: $under) { edges { node { id path } } } }',
        { under: lyon.site.id },
      );
      expect(answer.data!.assets.edges).toEqual([]);
      expectNothingOfLyon(answer);
    });

    it.each([
      ['asset', 'query ($id: ID!) { asset(id: $id) { id name path } }', () => lyon.mill.id],
      ['asset', 'query ($id: ID!) { asset(id: $id) { name } }', () => lyon.site.id],
      ['asset', 'query ($id: ID!) { asset(id: $id) { name } }', () => enterprise.id],
      [
        'assetByPath',
        'query ($id: String!) { assetByPath(path: $id) { id name } }',
        () => lyon.mill.path,
      ],
      [
        'productionOrder',
        'query ($id: ID!) { productionOrder(id: $id) { number material quantity } }',
        () => lyon.order,
      ],
      ['alarm', 'query ($id: ID!) { alarm(id: $id) { code message } }', () => lyon.alarm],
      [
        'tag',
        'query ($id: ID!) { tag(id: $id) { name history(first: 50) { edges { node { value } } } } }',
        () => lyon.tag,
      ],
      [
        'asset',
        `query ($id: ID!) {
          asset(id: $id) {
            state { state }
            activeAlarms { code }
            orders { number }
            oee(from: "2000-01-01T00:00:00Z", to: "2000-01-02T00:00:00Z", interval: "1 day") { runTime }
          }
        }`,
        () => lyon.mill.id,
      ],
    ])('hides %s of Lyon (%#)', async (field, query, id) => {
      expectHidden(await asKey(viewer, query, { id: id() }), field);
    });

    it('lists no Lyon orders or alarms', async () => {
      const answer = await asKey<{
        productionOrders: { edges: { node: { asset: { path: string } } }[] };
        byAsset: { edges: unknown[] };
        alarms: { edges: { node: { asset: { path: string } } }[] };
        under: { edges: unknown[] };
      }>(
        viewer,
        `query ($lyon: ID!, $site: ID!) {
          productionOrders(first: 1000) { edges { node { number material asset { path } } } }
          byAsset: productionOrders(assetId: $lyon) { edges { node { number } } }
          alarms(first: 1000) { edges { node { code message asset { path } } } }
          under: alarms(under: $site) { edges { node { code } } }
        }`,
        { lyon: lyon.mill.id, site: lyon.site.id },
      );
      expect(answer.errors).toBeUndefined();
      const orderPaths = answer.data!.productionOrders.edges.map((edge) => edge.node.asset.path);
      const alarmPaths = answer.data!.alarms.edges.map((edge) => edge.node.asset.path);
      expect(orderPaths.length).toBeGreaterThan(0);
      expect(alarmPaths.length).toBeGreaterThan(0);
      expect([...orderPaths, ...alarmPaths].filter((path) => !within(path))).toEqual([]);
      expect(answer.data!.byAsset.edges).toEqual([]);
      expect(answer.data!.under.edges).toEqual([]);
      expectNothingOfLyon(answer);
    });

    it('shows only Dresden below and above a Dresden asset', async () => {
      const answer = await asKey<{
        site: { children: AssetRow[]; descendants: AssetRow[] };
        machine: { ancestors: AssetRow[]; parent: AssetRow | null };
      }>(
        viewer,
        `query ($site: ID!, $machine: ID!) {
          site: asset(id: $site) { children { id path } descendants { id path } }
          machine: asset(id: $machine) { ancestors { id path } }
        }`,
        { site: dresden.id, machine: dresdenMachine.id },
      );
      expect(answer.errors).toBeUndefined();
      const { site, machine } = answer.data!;
      expect(site.children.length).toBeGreaterThan(0);
      expect(site.descendants.map((asset) => asset.path)).toContain(dresdenMachine.path);
      const paths = [...site.children, ...site.descendants, ...machine.ancestors].map(
        (asset) => asset.path,
      );
      expect(paths.filter((path) => !within(path))).toEqual([]);
    });

    it('hides the enterprise above the site as a parent', async () => {
      const answer = await asKey<{ asset: { parent: AssetRow | null } | null }>(
        viewer,
        'query ($id: ID!) { asset(id: $id) { name parent { id path } } }',
        { id: dresden.id },
      );
      expect(answer.data?.asset?.parent ?? null).toBeNull();
      expect(codes(answer)).toEqual(['FORBIDDEN']);
    });
  });

  describe('aggregates', () => {
    const window = () => ({
      from: new Date(Date.now() - 24 * 3600_000).toISOString(),
      to: new Date(Date.now() + 60_000).toISOString(),
    });
    const STATISTICS = `query ($under: ID, $from: DateTime, $to: DateTime) {
      alarmStatistics(under: $under, from: $from, to: $to) { raised }
    }`;

    it('the admin sees Lyon alarms in the statistics (the premise)', async () => {
      const answer = await asKey<{ alarmStatistics: { raised: number } }>(
        plant.apiKey,
        STATISTICS,
        { under: lyon.site.id, ...window() },
      );
      expect(answer.errors).toBeUndefined();
      expect(answer.data!.alarmStatistics.raised).toBe(3);
    });

    it('alarm statistics under Lyon show nothing of Lyon', async () => {
      const answer = await asKey<{ alarmStatistics: { raised: number } | null }>(
        viewer,
        STATISTICS,
        { under: lyon.site.id, ...window() },
      );
      for (const code of codes(answer)) expect(code).toBe('FORBIDDEN');
      expect(answer.data?.alarmStatistics?.raised ?? 0).toBe(0);
    });

    it('plant-wide alarm statistics count only Dresden', async () => {
      const span = window();
      const admin = await asKey<{ alarmStatistics: { raised: number } }>(plant.apiKey, STATISTICS, {
        under: dresden.id,
        ...span,
      });
      const scoped = await asKey<{ alarmStatistics: { raised: number } }>(viewer, STATISTICS, {
        ...span,
      });
      expect(admin.data!.alarmStatistics.raised).toBeGreaterThan(0);
      expect(scoped.data!.alarmStatistics.raised).toBe(admin.data!.alarmStatistics.raised);
    });

    it('alarm statistics never resolve a Lyon asset', async () => {
      const answer = await asKey(
        viewer,
        `query ($under: ID!) {
          alarmStatistics(under: $under) { topByFrequency { code asset { name path } } }
        }`,
        { under: lyon.site.id },
      );
      expect(answer.text).not.toContain(lyon.mill.path);
    });

    it('quality statistics of a Lyon machine show nothing of it', async () => {
      const query = `query ($id: ID!, $asset: ID) {
        characteristic(id: $id) {
          statistics(assetId: $asset, from: "2000-01-01T00:00:00Z") { count max }
        }
      }`;
      const admin = await asKey<{ characteristic: { statistics: { count: number } } }>(
        plant.apiKey,
        query,
        { id: lyon.characteristic, asset: lyon.mill.id },
      );
      expect(admin.data!.characteristic.statistics.count).toBe(20);
      const scoped = await asKey<{
        characteristic: { statistics: { count: number } | null } | null;
      }>(viewer, query, { id: lyon.characteristic, asset: lyon.mill.id });
      for (const code of codes(scoped)) expect(code).toBe('FORBIDDEN');
      expect(scoped.data?.characteristic?.statistics?.count ?? 0).toBe(0);
      expectNothingOfLyon(scoped);
    });

    it('plant-wide quality statistics leave Lyon out', async () => {
      const query = `query ($id: ID!) {
        characteristic(id: $id) { statistics(from: "2000-01-01T00:00:00Z") { count max } }
      }`;
      const admin = await asKey<{ characteristic: { statistics: { count: number } } }>(
        plant.apiKey,
        query,
        { id: lyon.characteristic },
      );
      const scoped = await asKey<{ characteristic: { statistics: { count: number } } }>(
        viewer,
        query,
        { id: lyon.characteristic },
      );
      expect(scoped.data!.characteristic.statistics.count).toBe(
        admin.data!.characteristic.statistics.count - 20,
      );
      expectNothingOfLyon(scoped);
    });
  });

  describe('entity resolution at the subgraphs', () => {
    const entities = (
      subgraph: string,
      representation: Record<string, string>,
      selection: string,
      identity: Identity,
    ) =>
      asGateway<{ _entities: unknown[] }>(
        subgraph,
        identity,
        `query ($representations: [_Any!]!) {
          _entities(representations: $representations) { ${selection} }
        }`,
        { representations: [representation] },
      );

    const references: [string, () => Record<string, string>, string][] = [
      ['assets', () => ({ __typename: 'Asset', id: lyon.mill.id }), '... on Asset { name path }'],
      ['assets', () => ({ __typename: 'Tag', id: lyon.tag }), '... on Tag { name }'],
      [
        'orders',
        () => ({ __typename: 'ProductionOrder', id: lyon.order }),
        '... on ProductionOrder { number material }',
      ],
      [
        'orders',
        () => ({ __typename: 'Asset', id: lyon.mill.id }),
        '... on Asset { orders { number } }',
      ],
      ['alarms', () => ({ __typename: 'Alarm', id: lyon.alarm }), '... on Alarm { code message }'],
      [
        'alarms',
        () => ({ __typename: 'Asset', id: lyon.mill.id }),
        '... on Asset { activeAlarms { code message } }',
      ],
      [
        'timeseries',
        () => ({ __typename: 'Asset', id: lyon.mill.id }),
        '... on Asset { stateHistory(from: "2000-01-01T00:00:00Z") { state } }',
      ],
      [
        'timeseries',
        () => ({ __typename: 'Tag', id: lyon.tag }),
        '... on Tag { history(first: 50) { edges { node { value } } } }',
      ],
      [
        'quality',
        () => ({ __typename: 'Asset', id: lyon.mill.id }),
        '... on Asset { measurements(first: 50) { edges { node { value } } } }',
      ],
      [
        'quality',
        () => ({ __typename: 'Measurement', id: lyon.measurement }),
        '... on Measurement { value }',
      ],
      [
        'quality',
        () => ({ __typename: 'ProductionOrder', id: lyon.order }),
        '... on ProductionOrder { measurements(first: 5) { edges { node { value } } } }',
      ],
    ];

    it.each(references)(
      '%s resolves no Lyon reference (%#)',
      async (subgraph, reference, selection) => {
        const admin = await entities(subgraph, reference(), selection, ADMIN);
        expect(admin.errors).toBeUndefined();
        expect(admin.data!._entities[0]).not.toBeNull();
        const scoped = await entities(subgraph, reference(), selection, scopedViewer());
        expect(scoped.data?._entities[0] ?? null).toBeNull();
        expectNothingOfLyon(scoped);
      },
    );
  });

  describe('frames and tag aggregates', () => {
    const span = () => ({
      from: new Date(Date.now() - 2 * 3600_000).toISOString(),
      to: new Date(Date.now() + 60_000).toISOString(),
    });
    const frame = (argument: string, declaration: string) => `query (
      $from: DateTime!, $to: DateTime!, ${declaration}
    ) {
      timeseriesFrame(${argument}, from: $from, to: $to, interval: "1 hour", functions: [COUNT, MAX]) {
        columns { tagId assetPath values }
      }
    }`;
    const BY_TAGS = frame('tagIds: $tagIds', '$tagIds: [ID!]');
    const UNDER = frame('under: $under', '$under: ID');
    type Frame = { timeseriesFrame: { columns: { assetPath: string }[] } | null };

    /** Frames through the gateway (when it serves them) and at the timeseries subgraph. */
    const transports: [
      string,
      (
        query: string,
        variables: Record<string, unknown>,
        who: 'admin' | 'scoped',
      ) => Promise<Answer<Frame>>,
    ][] = [
      [
        'the gateway',
        (query, variables, who) =>
          asKey<Frame>(who === 'admin' ? plant.apiKey : viewer, query, variables),
      ],
      [
        'the timeseries subgraph',
        (query, variables, who) =>
          asGateway<Frame>(
            'timeseries',
            who === 'admin' ? ADMIN : scopedViewer(),
            query,
            variables,
          ),
      ],
    ];

    describe.each(transports)('through %s', (_, send) => {
      it('a frame of a Lyon tag shows nothing of it', async () => {
        const admin = await send(BY_TAGS, { ...span(), tagIds: [lyon.tag] }, 'admin');
        expect(admin.errors).toBeUndefined();
        expect(admin.text).toContain(String(LYON_VALUE));
        const scoped = await send(BY_TAGS, { ...span(), tagIds: [lyon.tag] }, 'scoped');
        for (const code of codes(scoped)) expect(code).toBe('FORBIDDEN');
        expect(scoped.data?.timeseriesFrame?.columns ?? []).toEqual([]);
        expectNothingOfLyon(scoped);
      });

      it('a frame under the enterprise has only Dresden columns', async () => {
        const admin = await send(UNDER, { ...span(), under: enterprise.id }, 'admin');
        expect(admin.errors).toBeUndefined();
        const adminPaths = admin.data!.timeseriesFrame!.columns.map((column) => column.assetPath);
        expect(adminPaths).toContain(lyon.mill.path);
        expect(adminPaths).toContain(dresdenMachine.path);
        const scoped = await send(UNDER, { ...span(), under: enterprise.id }, 'scoped');
        expect(scoped.errors).toBeUndefined();
        const paths = scoped.data!.timeseriesFrame!.columns.map((column) => column.assetPath);
        expect(paths).toContain(dresdenMachine.path);
        expect(paths.filter((path) => !within(path))).toEqual([]);
        expectNothingOfLyon(scoped);
      });
    });

    it('hides the aggregates and downsampled values of a Lyon tag', async () => {
      const query = `query ($id: ID!, $from: DateTime!, $to: DateTime!) {
        tag(id: $id) {
          aggregate(from: $from, to: $to, interval: "1 hour", functions: [MAX]) { max }
          downsample(from: $from, to: $to, points: 10) { value }
        }
      }`;
      const admin = await asKey(plant.apiKey, query, { id: lyon.tag, ...span() });
      expect(admin.errors).toBeUndefined();
      expect(admin.text).toContain(String(LYON_VALUE));
      expectHidden(await asKey(viewer, query, { id: lyon.tag, ...span() }), 'tag');
    });
  });

  describe('mutations', () => {
    const auditOf = async (actor: string, operation: string) =>
      sql().query<{ outcome: string; error_code: string | null }>(
        'select outcome, error_code from audit_log where actor = $1 and operation = $2',
        [actor, operation],
      );

    it('the operator may not acknowledge a Lyon alarm', async () => {
      const answer = await asKey(
        operator.key,
        'mutation ($id: ID!) { acknowledgeAlarm(id: $id, comment: "from Dresden") { id } }',
        { id: lyon.alarmToAcknowledge },
      );
      expect(codes(answer)).toEqual(['FORBIDDEN']);
      expect(
        await exists('select 1 from alarm_event where id = $1 and acknowledged_at is null', [
          lyon.alarmToAcknowledge,
        ]),
      ).toBe(true);
      expect(await auditOf(operator.subject, 'acknowledgeAlarm')).toEqual([
        { outcome: 'DENIED', error_code: 'FORBIDDEN' },
      ]);
    });

    it('the integrator may not create an order on a Lyon machine', async () => {
      const answer = await asKey(
        integrator.key,
        `mutation ($input: CreateProductionOrderInput!) { createProductionOrder(input: $input) { id } }`,
        {
          input: {
            number: 'PO-SCOPE-1',
            material: 'Lyon Housing',
            quantity: 1,
            assetId: lyon.mill.id,
          },
        },
      );
      expect(codes(answer)).toEqual(['FORBIDDEN']);
      expect(await exists("select 1 from production_order where number = 'PO-SCOPE-1'", [])).toBe(
        false,
      );
    });

    it('the integrator may not cancel a Lyon order', async () => {
      const answer = await asKey(
        integrator.key,
        'mutation ($id: ID!) { cancelProductionOrder(id: $id, reason: "from Dresden") { id } }',
        { id: lyon.orderToCancel },
      );
      expect(codes(answer)).toEqual(['FORBIDDEN']);
      expect(
        await exists("select 1 from production_order where id = $1 and status = 'CREATED'", [
          lyon.orderToCancel,
        ]),
      ).toBe(true);
    });

    it('the operator may not record a measurement on a Lyon machine', async () => {
      const answer = await asKey(
        operator.key,
        'mutation ($input: RecordMeasurementInput!) { recordMeasurement(input: $input) { id } }',
        { input: { characteristicId: characteristic, assetId: lyon.mill.id, value: 4711 } },
      );
      expect(codes(answer)).toEqual(['FORBIDDEN']);
      expect(
        await exists('select 1 from measurement where asset_id = $1 and value = 4711', [
          lyon.mill.id,
        ]),
      ).toBe(false);
    });
  });

  describe('the audit log', () => {
    it('is for engineers and admins who see every site, not for a Dresden viewer', async () => {
      const admin = await asKey(
        plant.apiKey,
        'mutation ($id: ID!) { acknowledgeAlarm(id: $id, comment: "Lyon night shift") { id } }',
        { id: lyon.alarmForAdmin },
      );
      expect(admin.errors).toBeUndefined();
      const query =
        '{ auditLog(first: 1000) { edges { node { actor operation entityId input } } } }';
      const scoped = await asKey<{ auditLog: unknown }>(viewer, query);
      expect(codes(scoped)).toEqual(['FORBIDDEN']);
      expectNothingOfLyon(scoped);
      const all = await asKey<{ auditLog: { edges: { node: { entityId: string } }[] } }>(
        plant.apiKey,
        query,
      );
      expect(all.errors).toBeUndefined();
      expect(all.data!.auditLog.edges.map((edge) => edge.node.entityId)).toContain(
        lyon.alarmForAdmin,
      );
    });
  });

  describe('subscriptions', () => {
    const cases: [
      string,
      string,
      () => Record<string, unknown>,
      (asset: AssetRow) => PlantEvent,
    ][] = [
      [
        'machineStateChanged',
        'subscription ($under: ID) { machineStateChanged(under: $under) { state asset { id path } } }',
        () => ({ under: enterprise.id }),
        stateEvent,
      ],
      [
        'alarmChanged',
        'subscription ($under: ID) { alarmChanged(under: $under) { code asset { id path } } }',
        () => ({ under: enterprise.id }),
        (asset) => ({
          type: 'alarm',
          assetId: asset.id,
          assetPath: asset.path,
          time: now(),
          code: 'SCOPE',
          active: true,
          severity: 'HIGH',
          message: 'scope test',
        }),
      ],
      [
        'tagValues',
        'subscription ($tags: [ID!]!) { tagValues(tagIds: $tags) { value tag { id asset { id path } } } }',
        () => ({ tags: [dresdenTag, lyon.tag] }),
        (asset) => {
          const tagId = asset.id === lyon.mill.id ? lyon.tag : dresdenTag;
          return {
            type: 'tagValue',
            assetId: asset.id,
            assetPath: asset.path,
            time: now(),
            tagId,
            tag: 'scope',
            value: asset.id === lyon.mill.id ? LYON_VALUE : 1,
            text: null,
            quality: 'GOOD',
          };
        },
      ],
    ];

    it.each(cases)(
      '%s delivers Dresden events and no Lyon ones to a Dresden viewer',
      async (_, query, variables, event) => {
        const dresdenAsset = { id: dresdenMachine.id, path: dresdenMachine.path };
        // The same subscription unscoped: proof that Lyon events do get through to someone.
        const everyone = await acknowledged(
          socketClient({ authorization: `Bearer ${unscopedViewer}` }),
          query,
          variables(),
        );
        const scoped = await acknowledged(
          socketClient({ authorization: `Bearer ${viewer}` }),
          query,
          variables(),
        );
        const mentions = (results: typeof scoped.results, text: string) =>
          results.filter((result) => JSON.stringify(result).includes(text)).length;
        try {
          // Lyon's first: a scoped stream that let it through would have it before Dresden's.
          await publishOnce(
            [event(lyon.mill), event(dresdenAsset)],
            () =>
              mentions(everyone.results, lyon.mill.id) >= 1 &&
              mentions(everyone.results, dresdenMachine.id) >= 1 &&
              mentions(scoped.results, dresdenMachine.id) >= 1,
          );
          expect(scoped.results.every((result) => result.errors === undefined)).toBe(true);
          expect(mentions(scoped.results, lyon.mill.id)).toBe(0);
          expect(scoped.results.map((result) => JSON.stringify(result)).join()).not.toMatch(/Lyon/);
        } finally {
          everyone.stop();
          scoped.stop();
        }
      },
    );
  });
});

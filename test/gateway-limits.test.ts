import { randomBytes } from 'node:crypto';
import { createApiKey } from '@plantgraph/auth';
import { loadConfig } from '@plantgraph/config';
import {
  limitsEnvironment,
  limitsFromEnvironment,
  loadSupergraphSdl,
  operationHash,
  OperationsAllowList,
  startGateway,
  type GatewayOptions,
} from '@plantgraph/gateway';
import type { RunningServer } from '@plantgraph/graph';
import { testBroker, type TestBroker } from '@plantgraph/testing';
import type { FormattedExecutionResult, GraphQLFormattedError } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { eventually } from './fixtures/live-plant.ts';
import { startTestPlant, type TestPlant } from './fixtures/plant.ts';

/**
 * The gateway's limits end to end: the test plant's gateway with the default limits, and further
 * gateways in front of the same subgraphs with one limit each turned tight.
 */
let broker: TestBroker;
let plant: TestPlant;
const gateways: RunningServer[] = [];
const clients: Client[] = [];

const PLATFORM = '{ platform { version } }';
const STATE_CHANGES = 'subscription { machineStateChanged { state asset { name } } }';

interface Response {
  status: number;
  headers: Headers;
  errors?: GraphQLFormattedError[];
  data?: Record<string, unknown> | null;
}

async function post(url: string, body: unknown, headers = plant.headers): Promise<Response> {
  const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });
  const result = (await response.json()) as Pick<Response, 'errors' | 'data'>;
  return { status: response.status, headers: response.headers, ...result };
}

/** A gateway in front of the test plant's subgraphs, accepting its API keys. */
async function gatewayWith(options: Partial<GatewayOptions>): Promise<string> {
  const gateway = await startGateway({
    supergraphSdl: loadSupergraphSdl(),
    subgraphUrls: Object.fromEntries(
      Object.entries(plant.plant.subgraphs).map(([name, server]) => [name, server.url]),
    ),
    port: 0,
    host: '127.0.0.1',
    logger: plant.database.services.logger,
    gatewaySecret: plant.plant.gatewaySecret,
    sql: plant.database.sql,
    ...options,
  });
  gateways.push(gateway);
  return gateway.url;
}

function connect(
  url: string,
  connectionParams: Record<string, string> = plant.connectionParams,
): { client: Client; closed: () => boolean } {
  let closed = false;
  const client = createClient({
    url: url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams,
    // Not lazy: the client itself would close the socket once no subscription is left.
    lazy: false,
    retryAttempts: 0,
    on: { closed: () => (closed = true) },
  });
  clients.push(client);
  return { client, closed: () => closed };
}

type Result = FormattedExecutionResult<Record<string, unknown>>;

/** A subscription's results so far; `error` is set when the server sent an error message. */
function subscribe(client: Client, query: string) {
  const state = { results: [] as Result[], error: undefined as unknown, completed: false };
  const dispose = client.subscribe(
    { query },
    {
      next: (result) => state.results.push(result as Result),
      error: (error) => (state.error = error),
      complete: () => (state.completed = true),
    },
  );
  return { state, dispose };
}

/**
 * How a raw graphql-ws handshake offering `payload` ends: acknowledged, or closed with a code.
 * Raw `ws`, so nothing retries or hides the code.
 */
function handshake(url: string, payload: Record<string, unknown>): Promise<{ closeCode?: number }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url.replace(/^http/, 'ws'), 'graphql-transport-ws');
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload })));
    socket.on('message', (data) => {
      if ((JSON.parse(String(data)) as { type: string }).type !== 'connection_ack') return;
      resolve({});
      socket.close();
    });
    socket.on('close', (code) => resolve({ closeCode: code }));
    socket.on('error', reject);
  });
}

async function gauge(url: string, name: string): Promise<number> {
  const metrics = await (await fetch(url.replace(/graphql$/, 'metrics'))).text();
  return Number(new RegExp(`^${name} (\\d+)`, 'm').exec(metrics)?.[1]);
}

beforeAll(async () => {
  broker = await testBroker();
  plant = await startTestPlant(new Date(), { busUrl: broker.url });
});

afterAll(async () => {
  await Promise.all(clients.map((client) => client.dispose()));
  for (const gateway of gateways) await gateway.close();
  await plant?.close();
  await broker?.close();
});

describe('query depth and cost', () => {
  it('refuses an operation deeper than the limit, stating its depth', async () => {
    const parents = 'parent { '.repeat(12);
    const query = `{ asset(id: "x") { ${parents} name ${'} '.repeat(12)} } }`;
    const { status, errors } = await post(plant.plant.url, { query });
    expect(status).toBe(400);
    expect(errors).toEqual([
      {
        message: 'Query depth 14 exceeds the limit 12',
        extensions: { code: 'QUERY_TOO_COMPLEX', depth: 14, limit: 12 },
      },
    ]);
  });

  it('refuses an operation costing more than the limit, stating the computed cost', async () => {
    // 1000 assets × 10 tags (assumed) × 1000 samples, each field counted.
    const query = `query ($samples: Int) {
      assets(first: 1000) { edges { node { tags { history(first: $samples) {
        edges { node { value } }
      } } } } }
    }`;
    const { status, errors } = await post(plant.plant.url, { query, variables: { samples: 1000 } });
    expect(status).toBe(400);
    expect(errors).toEqual([
      {
        message: 'Query cost 20022002 exceeds the limit 100000',
        extensions: { code: 'QUERY_TOO_COMPLEX', cost: 20_022_002, limit: 100_000 },
      },
    ]);
    const small = await post(plant.plant.url, { query, variables: { samples: 2 } });
    expect(small.errors).toBeUndefined();
  });

  it('applies to subscriptions before they are planned', async () => {
    const url = await gatewayWith({ limits: { maxDepth: 2 } });
    const { client, closed } = connect(url);
    const refused = subscribe(client, STATE_CHANGES);
    await eventually(async () => refused.state.error, 10_000, 'the refusal');
    expect(refused.state.error).toEqual([
      {
        message: 'Query depth 3 exceeds the limit 2',
        extensions: { code: 'QUERY_TOO_COMPLEX', depth: 3, limit: 2 },
      },
    ]);
    expect(closed()).toBe(false);
  });
});

describe('request body size', () => {
  it('answers a body over the limit with 413 and a JSON GraphQL error', async () => {
    const query = `{ platform { version } } # ${'x'.repeat(1024 * 1024)}`;
    const { status, errors } = await post(plant.plant.url, { query });
    expect(status).toBe(413);
    expect(errors).toEqual([
      {
        message: 'The request body is larger than the limit of 1048576 bytes',
        extensions: { code: 'PAYLOAD_TOO_LARGE', limit: 1_048_576 },
      },
    ]);
  });

  it('answers a body that is not JSON with 400 and a JSON GraphQL error', async () => {
    const response = await fetch(plant.plant.url, {
      method: 'POST',
      headers: plant.headers,
      body: '{ "query": ',
    });
    expect(response.status).toBe(400);
    const { errors } = (await response.json()) as { errors: GraphQLFormattedError[] };
    expect(errors[0]?.extensions?.code).toBe('BAD_REQUEST');
  });
});

describe('rate limits', () => {
  const viewerKey = async (label: string) =>
    (await createApiKey(plant.database.sql, { role: 'viewer', sites: null, label })).key;
  const as = (key: string, extra: Record<string, string> = {}) => ({
    ...plant.headers,
    authorization: `Bearer ${key}`,
    ...extra,
  });

  it('answers 429 with Retry-After once a caller used its burst, and recovers', async () => {
    // One request a second, three at once; every caller here comes from the same address.
    const url = await gatewayWith({ limits: { rateLimit: { perMinute: 60, burst: 3 } } });
    const burst = await Promise.all([1, 2, 3, 4].map(() => post(url, { query: PLATFORM })));
    expect(burst.map(({ status }) => status).sort()).toEqual([200, 200, 200, 429]);
    const refused = burst.find(({ status }) => status === 429)!;
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(refused.errors).toEqual([
      {
        message: 'Rate limit of 60 requests per minute exceeded; retry in 1 s',
        extensions: { code: 'RATE_LIMITED', limit: 60, retryAfter: 1 },
      },
    ]);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const recovered = await post(url, { query: PLATFORM });
    expect(recovered.status).toBe(200);
    expect(recovered.data).toMatchObject({ platform: { version: expect.any(String) } });
  });

  it('counts per caller after authentication, not per address', async () => {
    const url = await gatewayWith({ limits: { rateLimit: { perMinute: 60, burst: 2 } } });
    const [first, second] = [await viewerKey('first caller'), await viewerKey('second caller')];
    const statuses = async (key: string) => {
      const answers = [];
      for (let request = 0; request < 3; request++) {
        answers.push((await post(url, { query: PLATFORM }, as(key))).status);
      }
      return answers;
    };
    // Both come from 127.0.0.1, as users behind one proxy would; each has a bucket of its own.
    expect(await statuses(first)).toEqual([200, 200, 429]);
    expect(await statuses(second)).toEqual([200, 200, 429]);
  });

  it('limits failed authentications per address, apart from valid callers', async () => {
    const url = await gatewayWith({
      limits: { failedAuthenticationLimit: { perMinute: 60, burst: 2 } },
    });
    const id = randomBytes(8).toString('hex');
    const forged = `pgk_${id}_${randomBytes(32).toString('base64url')}`;
    const refusals = async () =>
      Number(
        (
          await plant.database.sql.query<{ count: string }>(
            `select count(*) as count from audit_log where operation = 'authenticate' and actor = $1`,
            [`key:${id}`],
          )
        )[0]!.count,
      );
    const attempts = [];
    for (let attempt = 0; attempt < 4; attempt++) {
      attempts.push(await post(url, { query: PLATFORM }, as(forged)));
    }
    expect(attempts.map(({ status }) => status)).toEqual([401, 401, 429, 429]);
    expect(attempts[0]!.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(attempts[2]!.headers.get('retry-after')).toBe('1');
    expect(attempts[2]!.errors).toEqual([
      {
        message: 'Too many failed authentications from this address (60 per minute); retry in 1 s',
        extensions: { code: 'RATE_LIMITED', limit: 60, retryAfter: 1 },
      },
    ]);
    // Refusals over the limit are not written to the audit log, so a flood cannot fill it.
    expect(await refusals()).toBe(2);
    expect((await post(url, { query: PLATFORM }, as(await viewerKey('same address')))).status).toBe(
      200,
    );
    const { closeCode } = await handshake(url, { authorization: `Bearer ${forged}` });
    expect(closeCode).toBe(4403);
  });

  it('believes X-Forwarded-For only from trusted proxies', async () => {
    const limits = { failedAuthenticationLimit: { perMinute: 60, burst: 1 } };
    const trusting = await gatewayWith({ limits: { ...limits, trustedProxies: ['127.0.0.1'] } });
    const ignoring = await gatewayWith({ limits });
    const anonymous = (forwardedFor: string) => ({
      'content-type': 'application/json',
      'x-forwarded-for': forwardedFor,
    });
    const status = async (url: string, forwardedFor: string) =>
      (await post(url, { query: PLATFORM }, anonymous(forwardedFor))).status;
    expect(await status(trusting, '198.51.100.1')).toBe(401);
    expect(await status(trusting, '198.51.100.1')).toBe(429);
    // Another client behind the trusted proxy: a budget of its own.
    expect(await status(trusting, '198.51.100.2')).toBe(401);
    // A client claiming to be someone else, behind the proxy: the proxy saw it as .1.
    expect(await status(trusting, '203.0.113.5, 198.51.100.1')).toBe(429);
    expect(await status(ignoring, '198.51.100.1')).toBe(401);
    expect(await status(ignoring, '198.51.100.2')).toBe(429);
  });

  it('refuses a viewer’s subscription over the per-caller limit and keeps the connection', async () => {
    const url = await gatewayWith({ limits: { maxSubscriptionsPerCaller: 2 } });
    // Viewers may subscribe; the per-caller limit is what bounds what one of them costs.
    const { key } = await createApiKey(plant.database.sql, {
      role: 'viewer',
      sites: null,
      label: 'viewer at its subscription limit',
    });
    const { client, closed } = connect(url, { authorization: `Bearer ${key}` });
    const clientSubscriptions = () => gauge(url, 'plantgraph_gateway_subscriptions');
    const first = subscribe(client, STATE_CHANGES);
    subscribe(client, STATE_CHANGES);
    await eventually(async () => (await clientSubscriptions()) === 2, 10_000, 'two subscriptions');

    const third = subscribe(client, STATE_CHANGES);
    await eventually(async () => third.state.completed, 10_000, 'the refusal');
    expect(third.state.results).toEqual([
      {
        errors: [
          {
            message: 'At most 2 subscriptions at once per caller; end one to start another',
            extensions: { code: 'RATE_LIMITED', limit: 2 },
          },
        ],
      },
    ]);

    first.dispose();
    await eventually(async () => (await clientSubscriptions()) === 1, 10_000, 'one ended');
    const fourth = subscribe(client, STATE_CHANGES);
    await eventually(async () => (await clientSubscriptions()) === 2, 10_000, 'a new one');
    expect(fourth.state).toMatchObject({ results: [], error: undefined, completed: false });
    expect(closed()).toBe(false);
  });
});

const redisUrl = process.env.TEST_REDIS_URL;

describe.skipIf(!redisUrl)('limits shared by two gateways in Redis (TEST_REDIS_URL)', () => {
  let gatewayUrls: string[];
  let key: string;

  beforeAll(async () => {
    const limits = {
      redisUrl,
      rateLimit: { perMinute: 4, burst: 4 },
      maxSubscriptionsPerCaller: 2,
    };
    gatewayUrls = [await gatewayWith({ limits }), await gatewayWith({ limits })];
    // A caller of its own, so that no other run against the same Redis shares its counts.
    ({ key } = await createApiKey(plant.database.sql, {
      role: 'operator',
      sites: null,
      label: 'two gateways',
    }));
  });

  it('allow a caller its rate limit once between them, not once each', async () => {
    const headers = { ...plant.headers, authorization: `Bearer ${key}` };
    const statuses = [];
    for (let request = 0; request < 6; request++) {
      const url = gatewayUrls[request % 2]!;
      statuses.push((await post(url, { query: PLATFORM }, headers)).status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
  });

  it('count a caller’s subscriptions over both gateways', async () => {
    const connectionParams = { authorization: `Bearer ${key}` };
    const open = (url: string) =>
      createClient({
        url: url.replace(/^http/, 'ws'),
        webSocketImpl: WebSocket,
        connectionParams,
        lazy: false,
        retryAttempts: 0,
      });
    const [first, second] = gatewayUrls.map(open) as [Client, Client];
    clients.push(first, second);
    subscribe(first, STATE_CHANGES);
    subscribe(second, STATE_CHANGES);
    const held = async () =>
      (await gauge(gatewayUrls[0]!, 'plantgraph_gateway_subscriptions')) +
      (await gauge(gatewayUrls[1]!, 'plantgraph_gateway_subscriptions'));
    await eventually(async () => (await held()) === 2, 10_000, 'one subscription on each');
    const third = subscribe(first, STATE_CHANGES);
    await eventually(async () => third.state.completed, 10_000, 'the refusal');
    expect(third.state.results[0]?.errors?.[0]?.extensions).toEqual({
      code: 'RATE_LIMITED',
      limit: 2,
    });
  });
});

describe('persisted queries', () => {
  const persisted = (query: string) => ({
    persistedQuery: { version: 1, sha256Hash: operationHash(query) },
  });

  it('runs a query by its hash once it was registered (APQ)', async () => {
    const query = '{ platform { storage } }';
    const unknown = await post(plant.plant.url, { extensions: persisted(query) });
    expect(unknown.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    const registered = await post(plant.plant.url, { query, extensions: persisted(query) });
    expect(registered.errors).toBeUndefined();
    const byHash = await post(plant.plant.url, { extensions: persisted(query) });
    expect(byHash.errors).toBeUndefined();
    expect(byHash.data).toEqual(registered.data);
  });

  describe('allow-list mode', () => {
    let url: string;

    beforeAll(async () => {
      const allowList = new OperationsAllowList({
        [operationHash(PLATFORM)]: PLATFORM,
        [operationHash(STATE_CHANGES)]: STATE_CHANGES,
      });
      url = await gatewayWith({ limits: { allowList } });
    });

    it('runs listed operations by text or by hash alone, over POST and GET', async () => {
      const byText = await post(url, { query: PLATFORM });
      expect(byText.errors).toBeUndefined();
      expect(byText.data).toMatchObject({ platform: { version: expect.any(String) } });
      const byHash = await post(url, { extensions: persisted(PLATFORM) });
      expect(byHash.data).toEqual(byText.data);
      const extensions = encodeURIComponent(JSON.stringify(persisted(PLATFORM)));
      const get = await fetch(`${url}?extensions=${extensions}`, {
        headers: { authorization: plant.headers.authorization!, 'apollo-require-preflight': '1' },
      });
      expect(get.status).toBe(200);
      expect(await get.json()).toEqual({ data: byText.data });
    });

    it('refuses anything else with PERSISTED_QUERY_NOT_ALLOWED', async () => {
      const other = '{ platform { storage } }';
      for (const body of [{ query: other }, { extensions: persisted(other) }]) {
        const { status, errors } = await post(url, body);
        expect(status).toBe(400);
        expect(errors?.[0]?.extensions).toEqual({
          code: 'PERSISTED_QUERY_NOT_ALLOWED',
          sha256Hash: operationHash(other),
        });
      }
    });

    it('refuses unlisted subscriptions and runs listed ones', async () => {
      const { client, closed } = connect(url);
      const refused = subscribe(client, 'subscription { machineStateChanged { state } }');
      await eventually(async () => refused.state.error, 10_000, 'the refusal');
      expect((refused.state.error as GraphQLFormattedError[])[0]?.extensions?.code).toBe(
        'PERSISTED_QUERY_NOT_ALLOWED',
      );
      const listed = subscribe(client, STATE_CHANGES);
      await eventually(
        async () => (await gauge(url, 'plantgraph_gateway_subscriptions')) === 1,
        10_000,
        'the listed subscription',
      );
      expect(listed.state.error).toBeUndefined();
      expect(closed()).toBe(false);
    });
  });
});

describe('production mode', () => {
  let url: string;

  beforeAll(async () => {
    url = await gatewayWith(
      limitsFromEnvironment(loadConfig(limitsEnvironment, { NODE_ENV: 'production' })),
    );
  });

  it('refuses introspection', async () => {
    const { status, errors } = await post(url, { query: '{ __schema { types { name } } }' });
    expect(status).toBe(400);
    expect(errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(errors?.[0]?.message).toMatch(/introspection is not allowed/);
    expect(
      (await post(plant.plant.url, { query: '{ __schema { queryType { name } } }' })).data,
    ).toEqual({ __schema: { queryType: { name: 'Query' } } });
  });

  it('suggests no field names in validation errors, yet names the unknown field', async () => {
    const misspelt = '{ platfrom { version } }';
    const { status, errors } = await post(url, { query: misspelt });
    expect(status).toBe(400);
    expect(errors).toHaveLength(1);
    expect(errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(errors?.[0]?.message).toBe('Cannot query field "platfrom" on type "Query".');
    // In development the suggestion helps whoever writes the query.
    const development = await post(plant.plant.url, { query: misspelt });
    expect(development.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(development.errors?.[0]?.message).toMatch(
      /^Cannot query field "platfrom" on type "Query"\. Did you mean "platform"/,
    );
  });

  it('suggests no field names over the WebSocket either', async () => {
    const refusal = (at: string) =>
      new Promise<unknown>((resolve) => {
        connect(at).client.subscribe(
          { query: 'subscription { machineStateChange { state } }' },
          { next: () => undefined, error: resolve, complete: () => resolve(undefined) },
        );
      });
    const messages = (errors: unknown) =>
      (errors as GraphQLFormattedError[]).map((error) => error.message);
    expect(messages(await refusal(url))).toEqual([
      'Cannot query field "machineStateChange" on type "Subscription".',
    ]);
    const [suggested] = messages(await refusal(plant.plant.url));
    expect(suggested).toMatch(
      /^Cannot query field "machineStateChange" on type "Subscription"\. Did you mean "machineStateChanged"/,
    );
  });

  it('serves no Sandbox', async () => {
    const page = (at: string) => fetch(at, { headers: { accept: 'text/html' } });
    expect(await (await page(plant.plant.url)).text()).toContain('embeddableSandbox');
    expect(await (await page(url)).text()).not.toContain('embeddableSandbox');
  });
});

describe('CSRF prevention', () => {
  it('refuses a GET and a simple POST without a preflight header', async () => {
    const auth = { authorization: plant.headers.authorization! };
    const get = await fetch(`${plant.plant.url}?query=${encodeURIComponent(PLATFORM)}`, {
      headers: auth,
    });
    expect(get.status).toBe(400);
    expect(await get.text()).toMatch(/Cross-Site Request Forgery/);
    const simplePost = await fetch(plant.plant.url, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'text/plain' },
      body: JSON.stringify({ query: PLATFORM }),
    });
    expect(simplePost.status).toBe(400);
    expect(await simplePost.text()).toMatch(/Cross-Site Request Forgery/);
    const preflighted = await fetch(`${plant.plant.url}?query=${encodeURIComponent(PLATFORM)}`, {
      headers: { ...auth, 'apollo-require-preflight': '1' },
    });
    expect(preflighted.status).toBe(200);
  });
});

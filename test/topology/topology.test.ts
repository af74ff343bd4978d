import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, mkdtempSync } from 'node:fs';
import {
  connect,
  createServer as createTcpServer,
  type AddressInfo,
  type Server,
  type Socket,
} from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createClient } from 'graphql-ws';
import { connectAsync, type MqttClient } from 'mqtt';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { unsTopic } from '@plantgraph/demo-catalog';
import { composeServices, type ServiceProcess } from './compose-services.ts';
import { DedicatedBroker } from './faults/fault-harness.ts';
import { readyz, RoleProcess, startInOrder } from './processes.ts';

/**
 * The production layout as separate OS processes, from the build output and compose.yaml's own
 * commands and environments: migrate, seed, two replicas of each subgraph, two gateways,
 * connectors with the example plant file and the simulator, on PostgreSQL and Mosquitto. The broker
 * is one of the test's own, run with deploy/mosquitto.conf as compose runs it: the connectors'
 * persistent session must hold what the simulator publishes while they restart, and the default
 * queue of a stock Mosquitto (1,000 messages) does not.
 *
 * Departures from compose, all outside the topology: the simulator runs at 600× plant speed (an
 * order completes in seconds), and the gateways' rate limit is off (the test is one client).
 */
const root = fileURLToPath(new URL('../../', import.meta.url));
const cli = join(root, 'dist/plantgraph.js');
const databaseServer = process.env.TEST_DATABASE_URL;
/** In place of compose's redis service; without it the gateways count their limits alone. */
const redisUrl = process.env.TEST_REDIS_URL;
const run = promisify(execFile);

if (!databaseServer || !existsSync(cli)) {
  throw new Error(
    'The topology test needs TEST_DATABASE_URL, mosquitto on PATH and the build output: ' +
      '`npm run build && TEST_DATABASE_URL=… npm run test:topology`.',
  );
}

const databaseName = `plantgraph_topology_${randomBytes(4).toString('hex')}`;
const databaseUrl = (() => {
  const url = new URL(databaseServer);
  url.pathname = `/${databaseName}`;
  return url.toString();
})();
const gatewaySecret = randomBytes(48).toString('base64');
const logDirectory = mkdtempSync(join(tmpdir(), 'plantgraph-topology-'));
const extra: RoleProcess[] = [];

let broker: DedicatedBroker;
let brokerUrl: string;
let services: ServiceProcess[];
let processes: Map<string, RoleProcess>;
let apiKey: string;

async function freePort(): Promise<number> {
  const server = createTcpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function admin<T>(statement: string, url = databaseServer ?? ''): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(statement)).rows as T[];
  } finally {
    await client.end();
  }
}

const service = (name: string) => {
  const found = processes.get(name);
  if (!found) throw new Error(`no service ${name} in compose.yaml`);
  return found;
};
const gatewayUrl = (name: string) => `http://127.0.0.1:${service(name).service.port}/graphql`;

interface GraphQLResponse<T> {
  data?: T;
  errors?: { message: string; extensions?: { code?: string } }[];
}

async function query<T>(
  url: string,
  document: string,
  variables = {},
): Promise<GraphQLResponse<T>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
    body: JSON.stringify({ query: document, variables }),
    signal: AbortSignal.timeout(15_000),
  });
  return (await response.json()) as GraphQLResponse<T>;
}

async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`not reached within ${timeoutMs} ms`);
    await sleep(250);
  }
}

beforeAll(async () => {
  await admin(`create database ${databaseName}`);
  broker = await DedicatedBroker.start();
  brokerUrl = broker.url;
  services = await composeServices(join(root, 'compose.yaml'), {
    databaseUrl,
    mqttUrl: brokerUrl,
    redisUrl,
    variables: { POSTGRES_PASSWORD: 'unused', PLANTGRAPH_GATEWAY_SECRET: gatewaySecret },
    allocatePort: freePort,
  });
  processes = await startInOrder(services, {
    cli,
    logDirectory,
    env: (name) => ({
      PLANTGRAPH_DATA_DIR: join(logDirectory, `${name}-data`),
      ...(name === 'simulator' ? { PLANTGRAPH_SIMULATOR_SPEED: '600' } : {}),
      ...(name.startsWith('gateway') ? { PLANTGRAPH_RATE_LIMIT: '0' } : {}),
    }),
  });
  // Start time per role (spawn to ready, or to exit for one-shot roles), for docs/deploy.md.
  console.log(
    [...processes.values()]
      .map((role) => `${role.service.name}: ${role.readyAfterMs ?? 'running'} ms`)
      .join('\n'),
  );
  const created = await run(process.execPath, [cli, 'keys', 'create', '--role', 'admin'], {
    env: { PATH: process.env.PATH, DATABASE_URL: databaseUrl },
  });
  apiKey = /pgk_\S+/.exec(created.stdout)?.[0] ?? '';
  expect(apiKey).toMatch(/^pgk_/);
}, 300_000);

afterAll(async () => {
  for (const role of [...(processes?.values() ?? []), ...extra]) role.kill('SIGKILL');
  await Promise.all([...(processes?.values() ?? []), ...extra].map((role) => role.exited));
  await admin(`drop database if exists ${databaseName} with (force)`);
  await broker?.down();
  console.log(`topology logs: ${logDirectory}`);
}, 60_000);

describe('the production topology, as separate processes', () => {
  it('starts every role from compose.yaml from the build output', () => {
    const expected = ['migrate', 'seed', 'gateway-1', 'gateway-2', 'connectors', 'simulator'];
    for (const subgraph of ['assets', 'orders', 'quality', 'alarms', 'timeseries']) {
      expected.push(`${subgraph}-1`, `${subgraph}-2`);
    }
    expect([...processes.keys()].sort()).toEqual(expected.sort());
    for (const role of processes.values()) {
      if (role.service.port !== undefined) expect(role.running, role.service.name).toBe(true);
    }
  });

  it('answers a federated query through each gateway', async () => {
    for (const gateway of ['gateway-1', 'gateway-2']) {
      const result = await query<{
        assets: { totalCount: number; edges: { node: { path: string; state: unknown } }[] };
      }>(
        gatewayUrl(gateway),
        `{ assets(kind: EQUIPMENT, first: 3) { totalCount edges { node { path
             state { state } orders { number } activeAlarms { code } } } } }`,
      );
      expect(result.errors).toBeUndefined();
      expect(result.data?.assets.totalCount).toBeGreaterThan(20);
      expect(result.data?.assets.edges[0]?.node.path).toMatch(/^Acme Manufacturing\//);
    }
  });

  it('delivers simulator values through connectors, bus, subgraph and gateway to a subscription', async () => {
    const press = 'Acme Manufacturing/Dresden/Body Shop/Line 1/Press 01';
    const found = await query<{ assetByPath: { tags: { id: string; name: string }[] } }>(
      gatewayUrl('gateway-1'),
      `query ($path: String!) { assetByPath(path: $path) { tags { id name } } }`,
      { path: press },
    );
    const tag = found.data?.assetByPath.tags.find(
      (candidate) => candidate.name === 'Motor Current',
    );
    expect(tag, JSON.stringify(found)).toBeDefined();
    const client = createClient({
      url: gatewayUrl('gateway-2').replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${apiKey}` },
      retryAttempts: 0,
    });
    try {
      const event = await new Promise<{
        tagValues: { value: number; tag: { name: string; asset: { path: string } } };
      }>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no tag value within 30 s')), 30_000);
        client.subscribe(
          {
            query: `subscription ($tags: [ID!]!) { tagValues(tagIds: $tags) {
                value tag { name asset { path } } } }`,
            variables: { tags: [tag?.id] },
          },
          {
            next: (result) => {
              clearTimeout(timer);
              if (result.errors) reject(new Error(JSON.stringify(result.errors)));
              else resolve(result.data as never);
            },
            error: reject,
            complete: () => undefined,
          },
        );
      });
      expect(event.tagValues.tag).toEqual({ name: 'Motor Current', asset: { path: press } });
      expect(typeof event.tagValues.value).toBe('number');
    } finally {
      await client.dispose();
    }
  });

  it.skipIf(!redisUrl)(
    "counts both gateways' limits in the redis service (TEST_REDIS_URL)",
    async () => {
      for (const gateway of ['gateway-1', 'gateway-2']) {
        const metrics = await (
          await fetch(gatewayUrl(gateway).replace(/graphql$/, 'metrics'))
        ).text();
        expect(metrics).toMatch(/^plantgraph_gateway_limit_store_up\{store="redis"\} 1$/m);
        expect(metrics).toMatch(
          /^plantgraph_gateway_limit_store_failures_total\{store="redis"\} 0$/m,
        );
      }
    },
  );

  it('downloads an order to a simulated machine and follows it to COMPLETED', async () => {
    const adapter = await run(
      process.execPath,
      ['--import', 'tsx', join(root, 'docs/examples/erp-adapter.ts'), '--quantity', '2'],
      {
        cwd: root,
        env: {
          PATH: process.env.PATH,
          PLANTGRAPH_URL: gatewayUrl('gateway-2'),
          PLANTGRAPH_TOKEN: apiKey,
        },
        timeout: 240_000,
      },
    );
    expect(adapter.stdout).toMatch(/COMPLETED/);
  }, 300_000);

  it('keeps a gateway and a subgraph not ready while their database is away, ready after', async () => {
    // A TCP relay in front of PostgreSQL that the test can cut: the database "goes away".
    const target = new URL(databaseUrl);
    const relayPort = await freePort();
    const sockets = new Set<Socket>();
    let relay: Server | undefined;
    const openRelay = () =>
      new Promise<void>((resolve) => {
        relay = createTcpServer((socket) => {
          const upstream = connect(Number(target.port || 5432), target.hostname);
          for (const end of [socket, upstream]) {
            sockets.add(end);
            end.on('error', () => undefined);
            end.on('close', () => sockets.delete(end));
          }
          socket.pipe(upstream).pipe(socket);
        });
        relay.listen(relayPort, '127.0.0.1', resolve);
      });
    const cutRelay = () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        relay?.close(() => resolve());
      });
    const relayed = new URL(databaseUrl);
    relayed.port = String(relayPort);
    relayed.hostname = '127.0.0.1';

    await openRelay();
    const assets = services.find((candidate) => candidate.name === 'assets-1') as ServiceProcess;
    const gateway = services.find((candidate) => candidate.name === 'gateway-1') as ServiceProcess;
    const port = await freePort();
    const relayedSubgraph = new RoleProcess(
      { ...assets, name: 'assets-relayed', port },
      join(logDirectory, 'assets-relayed.log'),
      cli,
      { DATABASE_URL: relayed.toString(), PORT: String(port) },
    );
    extra.push(relayedSubgraph);
    await relayedSubgraph.ready();
    const gatewayPort = await freePort();
    const standby = new RoleProcess(
      { ...gateway, name: 'gateway-relayed', port: gatewayPort },
      join(logDirectory, 'gateway-relayed.log'),
      cli,
      { PORT: String(gatewayPort), ASSETS_URL: `http://127.0.0.1:${port}/graphql` },
    );
    extra.push(standby);
    await standby.ready();

    await cutRelay();
    await eventually(async () => ((await readyz(port)) === 503 ? true : undefined), 15_000);
    await eventually(async () => ((await readyz(gatewayPort)) === 503 ? true : undefined), 15_000);
    expect(relayedSubgraph.running).toBe(true);
    expect(standby.running).toBe(true);

    await openRelay();
    await eventually(async () => ((await readyz(port)) === 200 ? true : undefined), 30_000);
    await eventually(async () => ((await readyz(gatewayPort)) === 200 ? true : undefined), 30_000);
    await cutRelay();
  }, 180_000);

  it('keeps a gateway whose subgraph does not answer running and not ready', async () => {
    const gateway = services.find((candidate) => candidate.name === 'gateway-1') as ServiceProcess;
    const port = await freePort();
    const deadSubgraph = `http://127.0.0.1:${await freePort()}/graphql`;
    const lonely = new RoleProcess(
      { ...gateway, name: 'gateway-dead-subgraph', port },
      join(logDirectory, 'gateway-dead-subgraph.log'),
      cli,
      { PORT: String(port), TIMESERIES_URL: deadSubgraph },
    );
    extra.push(lonely);
    await eventually(async () => ((await readyz(port)) === 503 ? true : undefined), 60_000);
    await sleep(3_000);
    expect(await readyz(port)).toBe(503);
    expect(lonely.running).toBe(true);
  }, 90_000);

  it('answers from the other replica after one subgraph replica is killed with kill -9', async () => {
    const victim = service('assets-1');
    victim.kill('SIGKILL');
    await victim.exited;
    const outcomes: string[] = [];
    for (let attempt = 0; attempt < 20; attempt += 1) {
      const result = await query<{ assets: { totalCount: number } }>(
        gatewayUrl('gateway-1'),
        '{ assets(kind: EQUIPMENT, first: 1) { totalCount } }',
      );
      outcomes.push(result.errors ? `error ${result.errors[0]?.extensions?.code}` : 'answered');
    }
    expect(outcomes).toEqual(Array.from({ length: 20 }, () => 'answered'));
  }, 120_000);

  it('runs a template instance applied with `plantgraph config apply` without restarting the connectors', async () => {
    const line = 'Acme Manufacturing/Dresden/Body Shop/Line 2';
    const twin = `${line}/Press 02 Twin`;
    const found = await query<{ assetByPath: { id: string } }>(
      gatewayUrl('gateway-1'),
      `query ($path: String!) { assetByPath(path: $path) { id } }`,
      { path: line },
    );
    const created = await query<{ createAsset: { path: string } }>(
      gatewayUrl('gateway-1'),
      `mutation ($input: CreateAssetInput!) { createAsset(input: $input) { path } }`,
      { input: { parentId: found.data?.assetByPath.id, kind: 'EQUIPMENT', name: 'Press 02 Twin' } },
    );
    expect(created.data?.createAsset.path).toBe(twin);
    const file = join(logDirectory, 'plant-with-twin.yaml');
    const cliEnv = { PATH: process.env.PATH, DATABASE_URL: databaseUrl };
    await run(process.execPath, [cli, 'config', 'export', '-o', file], { env: cliEnv });
    // Instances come last in the exported document: one more line adds a machine.
    const instance = `  - { template: press-opcua, asset: ${twin}, connection: dresden-opcua, prefix: Dresden.BodyShop.Line2.Press02 }\n`;
    appendFileSync(file, instance);
    const connectors = service('connectors');
    const appliedAt = new Date();
    const applied = await run(
      process.execPath,
      [cli, 'config', 'apply', file, '-m', 'Press 02 twin', '--by', 'topology-test'],
      { env: cliEnv },
    );
    expect(applied.stdout).toContain(`+ instances[`);
    expect(applied.stdout).toMatch(/stored version \d+/);
    await eventually(async () => {
      const [row] = await admin<{ time: Date | null }>(
        `select max(d.time) as time from datapoint d join tag t on t.id = d.tag_id
          join asset a on a.id = t.asset_id
          where a.path = '${twin}' and d.time > '${appliedAt.toISOString()}'`,
        databaseUrl,
      );
      return row?.time ?? undefined;
    }, 10_000);
    console.log(
      `config apply to the twin's first datapoint: ${Date.now() - appliedAt.getTime()} ms`,
    );
    expect(connectors.running).toBe(true);
    expect(service('connectors')).toBe(connectors);
  }, 60_000);

  it('loses no datapoint when the connectors process is stopped with SIGTERM during ingest', async () => {
    const robot = 'Acme Manufacturing/Lyon/Paint Shop/Line 1/Paint Robot 01';
    const topic = unsTopic(robot, 'Topology Probe');
    const publisher: MqttClient = await connectAsync(brokerUrl, {
      clientId: `topology-publisher-${randomBytes(4).toString('hex')}`,
    });
    const start = Date.now() - 60_000;
    let published = 0;
    const publish = async (count: number) => {
      for (let index = 0; index < count; index += 1) {
        const timestamp = new Date(start + published).toISOString();
        await publisher.publishAsync(topic, JSON.stringify({ value: published, timestamp }), {
          qos: 1,
        });
        published += 1;
        if (published % 50 === 0) await sleep(20);
      }
    };
    try {
      // Discovery creates the tag on the first message; wait for it before measuring.
      await publish(1);
      const tagId = await eventually(async () => {
        const rows = await admin<{ id: string }>(
          `select t.id from tag t join asset a on a.id = t.asset_id
            where a.path = '${robot}' and t.name ilike '%probe%'`,
          databaseUrl,
        );
        return rows[0]?.id;
      }, 30_000);
      await publish(600);
      const connectors = service('connectors');
      connectors.kill('SIGTERM');
      await publish(300);
      expect(await connectors.exited).toBe(0);
      await publish(300);
      const restarted = new RoleProcess(
        connectors.service,
        join(logDirectory, 'connectors-restarted.log'),
        cli,
        { PLANTGRAPH_DATA_DIR: join(logDirectory, 'connectors-data') },
      );
      extra.push(restarted);
      await restarted.ready();
      await publish(300);
      const stored = await eventually(async () => {
        const [row] = await admin<{ count: string }>(
          `select count(*) from datapoint where tag_id = '${tagId}'`,
          databaseUrl,
        );
        return Number(row?.count) === published ? published : undefined;
      }, 60_000).catch(async () => {
        const [row] = await admin<{ count: string }>(
          `select count(*) from datapoint where tag_id = '${tagId}'`,
          databaseUrl,
        );
        return Number(row?.count);
      });
      expect({ published, stored }).toEqual({ published, stored: published });
    } finally {
      await publisher.endAsync();
    }
  }, 180_000);
});

/**
 * Graph benchmark: federated reads on the production topology, each role an OS process of the
 * build output, against the same subgraph requests sent straight to the owning subgraphs.
 *
 * One replica of each subgraph (assets-1, orders-1, quality-1, alarms-1, timeseries-1) and one
 * gateway (gateway-1) from compose.yaml, with the environment compose gives them, on a scratch
 * database with the demo seed. Targets, each loaded by closed-loop clients for a fixed time:
 *
 * - gateway `{ __typename }` (the floor: authentication, limits, no subgraph);
 * - gateway `assets(kind: EQUIPMENT, first: 10) { id name path }` and the assets subgraph
 *   answering the same directly;
 * - gateway, the same ten assets with `state { state }`, `orders { number }` and
 *   `activeAlarms { code }`; the three `_entities` requests its plan sends, each straight to its
 *   subgraph; and the whole plan run by the client (assets, then the three at once).
 *
 * Requests straight to a subgraph are signed as the gateway signs them. Every target runs `runs`
 * times, the targets in turn in each round so that drifting load hits all alike.
 *
 *   npm run build && npm run bench:graph [-- --seconds 8 --runs 3 --connections 10 --warm-up 3
 *     --cpu-prof <dir>]
 *
 * --database-url (default BENCH_DATABASE_URL, else TEST_DATABASE_URL, else
 * postgres://postgres@127.0.0.1:5432/test): the scratch database is created next to it and
 * dropped afterwards. --cpu-prof writes a V8 CPU profile of every role into <dir>.
 *
 * --tracing measures what OpenTelemetry tracing costs instead: the floor and the federated query,
 * first with tracing off (no OTEL_* variables), then on a second start of the same topology with
 * every role exporting every trace (OTLP/HTTP protobuf, always sampled) to a sink on loopback
 * that accepts and discards them; it reports both side by side with their ratio. --trace-ratio
 * 0.1 samples one request in ten instead.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { Worker } from 'node:worker_threads';
import pg from 'pg';
import { signIdentity, type Identity } from '@plantgraph/auth';
import type { ServiceProcess } from '../test/topology/compose-services.ts';
import {
  cli,
  createApiKey,
  DedicatedBroker,
  scrape,
  scratchDatabase,
  type RoleSet,
} from '../test/topology/faults/fault-harness.ts';
import {
  cpuTicks,
  GATEWAY_ROLE as GATEWAY,
  machineTicks,
  startBenchTopology,
  stopBenchTopology,
  TOPOLOGY_ROLES as ROLES,
} from './topology.ts';
import { count, option } from './arguments.ts';

const run = promisify(execFile);

const settings = {
  seconds: count('seconds', 8),
  runs: count('runs', 3),
  connections: count('connections', 10),
  warmUp: count('warm-up', 3),
  cpuProfileDirectory: option('cpu-prof'),
  /** Only the targets whose name contains this text (e.g. for a profile of one of them). */
  only: option('only'),
  tracing: process.argv.includes('--tracing'),
  /** With --tracing: the share of requests traced (default every one). */
  traceRatio: option('trace-ratio'),
};
const adminUrl =
  option('database-url') ??
  process.env.BENCH_DATABASE_URL ??
  process.env.TEST_DATABASE_URL ??
  'postgres://postgres@127.0.0.1:5432/test';

/** The goals of the issue: the federated query's rate and tail, the gateway against a subgraph. */
const GOAL = { federatedRate: 500, federatedP99Ms: 100, throughputRatio: 0.5, directRatio: 0.8 };
/** Environment of the roles that departs from compose.yaml's, stated in the report. */
const GATEWAY_ENV = {
  // One caller sends every request here; 1,200 a minute would cap it at 20/s.
  PLANTGRAPH_RATE_LIMIT: '0',
};
/** A signature expires after 30 s; a load run must end before its requests' signatures do. */
const MAX_SECONDS = 25;

const FLOOR = '{ __typename }';
const ASSETS =
  'query Assets { assets(kind: EQUIPMENT, first: 10) { edges { node { id name path } } } }';
const FEDERATED =
  'query Graph { assets(kind: EQUIPMENT, first: 10) { edges { node { id name path ' +
  'state { state } orders { number } activeAlarms { code } } } } }';
/** What the gateway's plan for FEDERATED asks the assets subgraph (its own part). */
const ASSETS_PART =
  'query Graph__assets__0 { assets(kind: EQUIPMENT, first: 10) { edges { node { __typename id name path } } } }';
const entities = (subgraph: string, index: number, selection: string) =>
  `query Graph__${subgraph}__${index}($representations: [_Any!]!) { _entities(representations: $representations) { ... on Asset { ${selection} } } }`;
const ENTITY_PARTS = {
  timeseries: entities('timeseries', 1, 'state { state }'),
  orders: entities('orders', 2, 'orders { number }'),
  alarms: entities('alarms', 3, 'activeAlarms { code }'),
};

interface HttpRequest {
  port: number;
  path: string;
  headers: Record<string, string>;
  body: string;
}

/** One target of the load: its requests in steps (see graph-load.mjs), made fresh for each run. */
interface Target {
  name: string;
  /** Fresh each run: a signature expires after SIGNATURE_TTL_MS. */
  requests(): HttpRequest[][];
}

interface Load {
  latencies: number[];
  failed: number;
  firstError: string | undefined;
  seconds: number;
}

/** `connections` closed-loop clients repeating the target's requests for `seconds`. */
function load(target: Target, seconds: number): Promise<Load> {
  return new Promise((resolveLoad, reject) => {
    const worker = new Worker(new URL('./graph-load.mjs', import.meta.url), {
      workerData: { steps: target.requests(), connections: settings.connections, seconds },
    });
    worker.once('message', (message: Load) => resolveLoad(message));
    worker.once('error', reject);
  });
}

/**
 * Every PostgreSQL server process's CPU ticks, summed, with those of backends that ended (the
 * postmaster reaps them): the database's share of the machine, steady while connections come
 * and go.
 */
function postgresTicks(): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (stat.includes('(postgres)')) total += cpuTicks(Number(entry), true);
    } catch {
      // The process ended between listing and reading.
    }
  }
  return total;
}

/** Clock ticks per second of /proc (USER_HZ). */
async function ticksPerSecond(): Promise<number> {
  const { stdout } = await run('getconf', ['CLK_TCK']).catch(() => ({ stdout: '100' }));
  return Number(stdout.trim()) || 100;
}

interface CpuSnapshot {
  at: number;
  roles: Map<string, number>;
  postgres: number;
  /** This process: the load generator's thread and the sampling. */
  bench: number;
  machine: { busy: number; total: number };
}

function cpuSnapshot(roles: RoleSet): CpuSnapshot {
  return {
    at: performance.now(),
    roles: new Map(ROLES.map((name) => [name, cpuTicks(roles.role(name).pid ?? 0)])),
    postgres: postgresTicks(),
    bench: cpuTicks('self'),
    machine: machineTicks(),
  };
}

/** CPU between two snapshots: per process in % of one core, and the machine's busy share. */
interface CpuUse {
  roles: Map<string, number>;
  postgres: number;
  bench: number;
  /** Busy share of all cores, in % of the machine (100 = every core busy). */
  machine: number;
}

function cpuBetween(before: CpuSnapshot, after: CpuSnapshot, hz: number): CpuUse {
  const seconds = (after.at - before.at) / 1000;
  const percent = (ticks: number) => (100 * ticks) / hz / seconds;
  return {
    roles: new Map(
      ROLES.map((name) => [
        name,
        percent((after.roles.get(name) ?? 0) - (before.roles.get(name) ?? 0)),
      ]),
    ),
    postgres: percent(after.postgres - before.postgres),
    bench: percent(after.bench - before.bench),
    machine:
      (100 * (after.machine.busy - before.machine.busy)) /
      Math.max(1, after.machine.total - before.machine.total),
  };
}

/** Connections of the scratch database by state, sampled every 200 ms while `work` runs. */
async function sampleConnections<T>(
  databaseUrl: string,
  work: Promise<T>,
): Promise<{ result: T; active: number; idle: number; waiting: number }> {
  const client = new pg.Client({ connectionString: databaseUrl, application_name: 'bench:graph' });
  await client.connect();
  const samples: { active: number; idle: number; waiting: number }[] = [];
  let done = false;
  const sampling = (async () => {
    while (!done) {
      const { rows } = await client.query<{ active: string; idle: string; waiting: string }>(
        `select count(*) filter (where state = 'active') as active,
                count(*) filter (where state = 'idle') as idle,
                count(*) filter (where state = 'active' and wait_event_type = 'Lock') as waiting
           from pg_stat_activity
          where datname = current_database() and pid <> pg_backend_pid()`,
      );
      const [row] = rows;
      if (row) {
        samples.push({
          active: Number(row.active),
          idle: Number(row.idle),
          waiting: Number(row.waiting),
        });
      }
      await sleep(200);
    }
  })();
  try {
    const result = await work;
    return {
      result,
      active: mean(samples.map((sample) => sample.active)),
      idle: mean(samples.map((sample) => sample.idle)),
      waiting: mean(samples.map((sample) => sample.waiting)),
    };
  } finally {
    done = true;
    await sampling;
    await client.end();
  }
}

const mean = (values: number[]) =>
  values.length === 0 ? NaN : values.reduce((sum, value) => sum + value, 0) / values.length;
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? NaN;
};
function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/** One run of one target: its rate and latency percentiles, and what the processes did. */
interface Measured {
  rate: number;
  p50: number;
  p99: number;
  failed: number;
  firstError: string | undefined;
  cpu: CpuUse;
  /** Mean connections of the scratch database active / idle / waiting on a lock. */
  connections: { active: number; idle: number; waiting: number };
  /** Event-loop delay p99 of each role over the run, in ms (prom-client, from /metrics). */
  loopDelayP99: Map<string, number>;
}

async function measure(
  target: Target,
  roles: RoleSet,
  databaseUrl: string,
  hz: number,
): Promise<Measured> {
  // Reading /metrics resets prom-client's event-loop histogram: the next read covers this run.
  await Promise.all(ROLES.map((name) => scrape(roleOf(roles, name).port ?? 0)));
  const before = cpuSnapshot(roles);
  const sampled = await sampleConnections(databaseUrl, load(target, settings.seconds));
  const after = cpuSnapshot(roles);
  const metrics = await Promise.all(
    ROLES.map(async (name) => [name, await scrape(roleOf(roles, name).port ?? 0)] as const),
  );
  const loaded = sampled.result;
  const sorted = [...loaded.latencies].sort((a, b) => a - b);
  return {
    rate: loaded.latencies.length / loaded.seconds,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    failed: loaded.failed,
    firstError: loaded.firstError,
    cpu: cpuBetween(before, after, hz),
    connections: { active: sampled.active, idle: sampled.idle, waiting: sampled.waiting },
    loopDelayP99: new Map(
      metrics.map(([name, read]) => [
        name,
        1000 * (read?.('plantgraph_nodejs_eventloop_lag_p99_seconds') ?? NaN),
      ]),
    ),
  };
}

function roleOf(roles: RoleSet, name: string): ServiceProcess {
  return roles.role(name).service;
}

/** Migrates and seeds the scratch database with the CLI, as an operator does. */
async function prepareDatabase(databaseUrl: string): Promise<string> {
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: databaseUrl };
  await run(process.execPath, [cli, 'migrate'], { env });
  const seeded = await run(process.execPath, [cli, 'seed'], { env });
  const summary = /"counts":\{[^}]*\}/.exec(seeded.stdout + seeded.stderr)?.[0];
  return summary ?? 'demo plant seeded';
}

interface GraphReply<TData> {
  data?: TData;
  errors?: { message: string }[];
}

/** Sends one request and parses it, failing loudly: the targets must work before they are timed. */
async function check<TData>(request: HttpRequest): Promise<TData> {
  const response = await fetch(`http://127.0.0.1:${request.port}${request.path}`, {
    method: 'POST',
    headers: request.headers,
    body: request.body,
  });
  const reply = (await response.json()) as GraphReply<TData>;
  if (!response.ok || reply.errors?.length || !reply.data) {
    throw new Error(
      `${request.port}${request.path}: ${response.status} ${reply.errors?.[0]?.message ?? 'no data'}`,
    );
  }
  return reply.data;
}

interface AssetsReply {
  assets: {
    edges: {
      node: {
        id: string;
        state?: { state: string } | null;
        orders?: { number: string }[];
        activeAlarms?: { code: string }[];
      };
    }[];
  };
}

function targetsOf(roles: RoleSet, apiKey: string, gatewaySecret: string, identity: Identity) {
  const gatewayPort = roleOf(roles, GATEWAY).port ?? 0;
  const portOf = (name: string) => roleOf(roles, `${name}-1`).port ?? 0;
  const viaGateway = (query: string): HttpRequest => ({
    port: gatewayPort,
    path: '/graphql',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
    body: JSON.stringify({ query }),
  });
  // The body as the gateway's data source serialises it: query first, then variables.
  const direct = (subgraph: string, query: string, variables?: object): HttpRequest => {
    const body = JSON.stringify(variables ? { query, variables } : { query });
    return {
      port: portOf(subgraph),
      path: '/graphql',
      headers: {
        'content-type': 'application/json',
        ...signIdentity(gatewaySecret, identity, body),
      },
      body,
    };
  };
  return { viaGateway, direct };
}

interface Results {
  loadAtStart: string;
  seeded: string;
  targets: { target: Target; runs: Measured[] }[];
  entitiesPerAsset: { orders: number; alarms: number; states: number };
}

const whole = (value: number) =>
  Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : 'n/a';
const ms = (value: number) =>
  Number.isFinite(value) ? (value < 10 ? `${value.toFixed(1)} ms` : `${whole(value)} ms`) : 'n/a';
const loads = () =>
  loadavg()
    .map((value) => value.toFixed(2))
    .join(' / ');
const range = (values: number[], format: (value: number) => string) =>
  `${format(median(values))} (${format(Math.min(...values))}–${format(Math.max(...values))})`;

function report(results: Results): string {
  const { seconds, runs, connections, warmUp } = settings;
  const row = ({ target, runs: measured }: Results['targets'][number]) => {
    const failed = measured.reduce((sum, one) => sum + one.failed, 0);
    const error = measured.find((one) => one.firstError)?.firstError;
    return `| ${target.name} | ${range(
      measured.map((one) => one.rate),
      whole,
    )} | ${range(
      measured.map((one) => one.p50),
      ms,
    )} | ${range(
      measured.map((one) => one.p99),
      ms,
    )} | ${failed}${error ? ` (${error.slice(0, 120)})` : ''} |`;
  };
  const byName = (name: string) => results.targets.find((entry) => entry.target.name === name);
  const cpuRow = (entry: Results['targets'][number] | undefined) => {
    if (!entry) return '';
    const percent = (value: number) => `${whole(value)} %`;
    const roleCells = ROLES.map((name) =>
      percent(median(entry.runs.map((one) => one.cpu.roles.get(name) ?? NaN))),
    );
    const all = median(
      entry.runs.map(
        (one) =>
          [...one.cpu.roles.values()].reduce((sum, value) => sum + value, 0) + one.cpu.postgres,
      ),
    );
    return `| ${entry.target.name} | ${roleCells.join(' | ')} | ${percent(
      median(entry.runs.map((one) => one.cpu.postgres)),
    )} | ${percent(all)} | ${percent(median(entry.runs.map((one) => one.cpu.bench)))} | ${percent(
      median(entry.runs.map((one) => one.cpu.machine)),
    )} |`;
  };
  const loopRow = (entry: Results['targets'][number] | undefined) =>
    entry
      ? `| ${entry.target.name} | ${ROLES.map((name) =>
          ms(median(entry.runs.map((one) => one.loopDelayP99.get(name) ?? NaN))),
        ).join(
          ' | ',
        )} | ${median(entry.runs.map((one) => one.connections.active)).toFixed(1)} / ${median(
          entry.runs.map((one) => one.connections.idle),
        ).toFixed(1)} / ${median(entry.runs.map((one) => one.connections.waiting)).toFixed(1)} |`
      : '';
  const federated = byName('gateway: ten assets, state, orders, alarms');
  const assets = byName('gateway: ten assets');
  const assetsDirect = byName('assets subgraph directly: ten assets');
  const byHand = byName('the plan by hand: assets, then the three _entities at once');
  const rateOf = (entry: typeof federated) => median(entry?.runs.map((one) => one.rate) ?? []);
  const p99Of = (entry: typeof federated) => median(entry?.runs.map((one) => one.p99) ?? []);
  const verdict = (met: boolean) => (met ? 'PASS' : 'MISS');
  const assetsRatio = rateOf(assets) / rateOf(assetsDirect);
  const federatedRatio = rateOf(federated) / rateOf(assetsDirect);
  const byHandRatio = rateOf(federated) / rateOf(byHand);
  const roleHeader = ROLES.join(' | ');
  const roleRule = ROLES.map(() => '---').join('|');
  const { orders, alarms, states } = results.entitiesPerAsset;
  return `
Graph benchmark (${cpus().length} cores, Node ${process.version}, PostgreSQL at ${new URL(adminUrl).host})
Load average (1 / 5 / 15 min): ${results.loadAtStart} at the start, ${loads()} at the end.
Topology: ${ROLES.join(', ')} from compose.yaml as processes of dist/plantgraph.js (NODE_ENV=production), on a
scratch database migrated and seeded with \`plantgraph migrate\` and \`plantgraph seed\` (${results.seeded}).
Settings departing from compose.yaml: the gateway's per-caller rate limit off (PLANTGRAPH_RATE_LIMIT=0); its subgraph URLs
name the one replica started of each; no Redis (REDIS_URL empty: limits count in the gateway's memory); the bus on a broker of
the benchmark's own${settings.cpuProfileDirectory ? `; every role under --cpu-prof (${settings.cpuProfileDirectory})` : ''}.
Load: ${connections} closed-loop clients on keep-alive sockets (node:http, in a worker thread), ${seconds} s per run after one ${warmUp} s warm-up per target,
${runs} runs, the targets in turn in each run; an answer counts only with HTTP 200 and no errors. One admin API key through the
gateway; requests straight to a subgraph carry the gateway's signature. The ten assets have ${states} states, ${orders} orders and ${alarms} active alarms.
Figures: median of the runs (lowest–highest).

| target | requests/s | p50 | p99 | failed |
|---|---|---|---|---|
${results.targets.map(row).join('\n')}

CPU during the runs, % of one core (median of the runs; PostgreSQL: every server process; sum: roles and PostgreSQL; load
generator: the benchmark's process; machine: % of all cores):

| target | ${roleHeader} | PostgreSQL | sum | load generator | machine busy |
|---|${roleRule}|---|---|---|---|
${results.targets.map(cpuRow).join('\n')}

Event-loop delay p99 per process over the run (prom-client on /metrics), and the scratch database's connections (mean of
200 ms samples of pg_stat_activity: active / idle / waiting on a lock):

| target | ${roleHeader} | connections |
|---|${roleRule}|---|
${results.targets.map(loopRow).join('\n')}

| goal | measured | result |
|---|---|---|
| federated query >= ${GOAL.federatedRate} requests/s | ${whole(rateOf(federated))} | ${verdict(rateOf(federated) >= GOAL.federatedRate)} |
| federated query p99 <= ${GOAL.federatedP99Ms} ms | ${ms(p99Of(federated))} | ${verdict(p99Of(federated) <= GOAL.federatedP99Ms)} |
| gateway ten assets >= ${GOAL.throughputRatio} × the assets subgraph's | ${assetsRatio.toFixed(2)} | ${verdict(assetsRatio >= GOAL.throughputRatio)} |
| federated query >= ${GOAL.throughputRatio} × the assets subgraph's part | ${federatedRatio.toFixed(2)} | ${verdict(federatedRatio >= GOAL.throughputRatio)} |
| federated query >= ${GOAL.directRatio} × the plan by hand | ${byHandRatio.toFixed(2)} | ${verdict(byHandRatio >= GOAL.directRatio)} |
`;
}

interface Topology {
  roles: RoleSet;
  targets: Target[];
  nodes: AssetsReply['assets']['edges'][number]['node'][];
}

/** Starts the roles with `env` and checks every target answers before anything is timed. */
async function startTopology(
  databaseUrl: string,
  mqttUrl: string,
  apiKey: string,
  env: Record<string, string> = {},
): Promise<Topology> {
  const gatewaySecret = randomBytes(48).toString('base64');
  const roles = await startBenchTopology({
    databaseUrl,
    mqttUrl,
    gatewaySecret,
    gatewayEnv: GATEWAY_ENV,
    env,
    cpuProfileDirectory: settings.cpuProfileDirectory,
  });
  try {
    const keyId = /^pgk_([0-9a-f]+)_/.exec(apiKey)?.[1] ?? 'bench';
    const identity: Identity = { subject: `key:${keyId}`, role: 'admin', sites: null };
    const { viaGateway, direct } = targetsOf(roles, apiKey, gatewaySecret, identity);

    // The ten assets, and what the federated query finds on them.
    const reply = await check<AssetsReply>(viaGateway(FEDERATED));
    const nodes = reply.assets.edges.map((edge) => edge.node);
    if (nodes.length !== 10)
      throw new Error(`the seed has ${nodes.length} equipment assets, not 10+`);
    const representations = nodes.map((node) => ({ __typename: 'Asset', id: node.id }));
    const entityRequest = (subgraph: keyof typeof ENTITY_PARTS) =>
      direct(subgraph, ENTITY_PARTS[subgraph], { representations });
    const targets: Target[] = [
      { name: FLOOR_TARGET, requests: () => [[viaGateway(FLOOR)]] },
      { name: 'gateway: ten assets', requests: () => [[viaGateway(ASSETS)]] },
      {
        name: 'assets subgraph directly: ten assets',
        requests: () => [[direct('assets', ASSETS)]],
      },
      { name: FEDERATED_TARGET, requests: () => [[viaGateway(FEDERATED)]] },
      {
        name: 'assets subgraph directly: its part',
        requests: () => [[direct('assets', ASSETS_PART)]],
      },
      {
        name: 'timeseries subgraph directly: _entities state',
        requests: () => [[entityRequest('timeseries')]],
      },
      {
        name: 'orders subgraph directly: _entities orders',
        requests: () => [[entityRequest('orders')]],
      },
      {
        name: 'alarms subgraph directly: _entities activeAlarms',
        requests: () => [[entityRequest('alarms')]],
      },
      {
        name: 'the plan by hand: assets, then the three _entities at once',
        requests: () => [
          [direct('assets', ASSETS_PART)],
          [entityRequest('timeseries'), entityRequest('orders'), entityRequest('alarms')],
        ],
      },
    ];
    for (const target of targets)
      for (const step of target.requests()) await Promise.all(step.map(check));
    return { roles, targets, nodes };
  } catch (error) {
    await stopBenchTopology(roles, false);
    throw error;
  }
}

/** Warms each target up once, then measures them in turn, `runs` rounds. */
async function measureTargets(topology: Topology, databaseUrl: string, hz: number, only?: string) {
  const chosen = topology.targets.filter((target) => !only || target.name.includes(only));
  for (const target of chosen) await load(target, settings.warmUp);
  const measured = chosen.map((target) => ({ target, runs: [] as Measured[] }));
  for (let round = 0; round < settings.runs; round += 1) {
    for (const entry of measured) {
      entry.runs.push(await measure(entry.target, topology.roles, databaseUrl, hz));
    }
  }
  return measured;
}

async function main(): Promise<void> {
  if (settings.seconds > MAX_SECONDS) {
    throw new Error(`--seconds must be at most ${MAX_SECONDS}: signatures expire after 30 s`);
  }
  if (!existsSync(cli)) throw new Error('bench:graph runs the build output: `npm run build` first');
  // @apollo/gateway otherwise reports usage off this machine.
  process.env.APOLLO_TELEMETRY_DISABLED ??= 'true';
  const loadAtStart = loads();
  const hz = await ticksPerSecond();
  const broker = await DedicatedBroker.start();
  const database = await scratchDatabase(adminUrl, 'bench_graph');
  let topology: Topology | undefined;
  try {
    const seeded = await prepareDatabase(database.url);
    const apiKey = await createApiKey(database.url, 'admin');
    if (settings.tracing) {
      console.log(await compareTracing(database.url, broker.url, apiKey, hz, loadAtStart));
      return;
    }
    topology = await startTopology(database.url, broker.url, apiKey);
    const measured = await measureTargets(topology, database.url, hz, settings.only);
    const { nodes } = topology;
    console.log(
      report({
        loadAtStart,
        seeded,
        targets: measured,
        entitiesPerAsset: {
          states: nodes.filter((node) => node.state).length,
          orders: nodes.reduce((sum, node) => sum + (node.orders?.length ?? 0), 0),
          alarms: nodes.reduce((sum, node) => sum + (node.activeAlarms?.length ?? 0), 0),
        },
      }),
    );
    if (settings.cpuProfileDirectory) {
      console.log(
        `CPU profiles (written on exit): ${resolve(settings.cpuProfileDirectory)}/<role>/`,
      );
    }
  } finally {
    if (topology) {
      await stopBenchTopology(topology.roles, Boolean(settings.cpuProfileDirectory));
    }
    await database.drop().catch((error: unknown) => console.error('could not drop', error));
    await broker.down();
  }
}

/**
 * A loopback OTLP/HTTP receiver that answers every export with 200 and an empty body (an empty
 * ExportTraceServiceResponse) and keeps only counts: the exporters do their whole work, and the
 * sink costs the machine as little as a collector on another host would.
 */
async function startTraceSink(): Promise<{
  url: string;
  received: () => { requests: number; bytes: number };
  close(): Promise<void>;
}> {
  let requests = 0;
  let bytes = 0;
  const server = createHttpServer((request, response) => {
    request.on('data', (chunk: Buffer) => (bytes += chunk.length));
    request.on('end', () => {
      requests += 1;
      response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((resolveListen) => server.listen(0, '127.0.0.1', resolveListen));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received: () => ({ requests, bytes }),
    close: () =>
      new Promise((resolveClose) => {
        server.closeAllConnections();
        server.close(() => resolveClose());
      }),
  };
}

/** Environment that turns tracing on in every role, stated in the report. */
const tracingEnv = (endpoint: string) => ({
  OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
  ...(settings.traceRatio
    ? { OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: settings.traceRatio }
    : { OTEL_TRACES_SAMPLER: 'always_on' }),
  // Room for every span of a busy second: the default queue (2048) would drop spans under this
  // load, and a dropped span costs less than an exported one.
  OTEL_BSP_MAX_QUEUE_SIZE: '65536',
  OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '2048',
  OTEL_BSP_SCHEDULE_DELAY: '1000',
});

const FLOOR_TARGET = 'gateway: { __typename }';
const FEDERATED_TARGET = 'gateway: ten assets, state, orders, alarms';

/** The floor and the federated query with tracing off, then on a fresh start with it on. */
async function compareTracing(
  databaseUrl: string,
  mqttUrl: string,
  apiKey: string,
  hz: number,
  loadAtStart: string,
): Promise<string> {
  const only = (target: Target) => target.name === FLOOR_TARGET || target.name === FEDERATED_TARGET;
  const measureWith = async (env: Record<string, string>) => {
    const topology = await startTopology(databaseUrl, mqttUrl, apiKey, env);
    try {
      const chosen = { ...topology, targets: topology.targets.filter(only) };
      return await measureTargets(chosen, databaseUrl, hz);
    } finally {
      await stopBenchTopology(topology.roles, Boolean(settings.cpuProfileDirectory));
    }
  };
  const off = await measureWith({});
  const sink = await startTraceSink();
  let on: Awaited<ReturnType<typeof measureWith>>;
  let exported: { requests: number; bytes: number };
  try {
    on = await measureWith(tracingEnv(sink.url));
    exported = sink.received();
  } finally {
    await sink.close();
  }
  const rateOf = (runs: Measured[]) => median(runs.map((one) => one.rate));
  const p50Of = (runs: Measured[]) => median(runs.map((one) => one.p50));
  const p99Of = (runs: Measured[]) => median(runs.map((one) => one.p99));
  const gatewayCpu = (runs: Measured[]) =>
    median(runs.map((one) => one.cpu.roles.get(GATEWAY) ?? NaN));
  const rows = off.map((entry, index) => {
    const traced = on[index]!.runs;
    const cells = [
      `${whole(rateOf(entry.runs))} / ${whole(rateOf(traced))} (${(rateOf(traced) / rateOf(entry.runs)).toFixed(2)})`,
      `${ms(p50Of(entry.runs))} / ${ms(p50Of(traced))} (${(p50Of(traced) / p50Of(entry.runs)).toFixed(2)})`,
      `${ms(p99Of(entry.runs))} / ${ms(p99Of(traced))} (${(p99Of(traced) / p99Of(entry.runs)).toFixed(2)})`,
      `${whole(gatewayCpu(entry.runs))} % / ${whole(gatewayCpu(traced))} %`,
      `${entry.runs.reduce((sum, one) => sum + one.failed, 0)} / ${traced.reduce((sum, one) => sum + one.failed, 0)}`,
    ];
    return `| ${entry.target.name} | ${cells.join(' | ')} |`;
  });
  const { seconds, runs, connections, warmUp } = settings;
  return `
Tracing cost (${cpus().length} cores, Node ${process.version}, PostgreSQL at ${new URL(adminUrl).host})
Load average (1 / 5 / 15 min): ${loadAtStart} at the start, ${loads()} at the end.
Topology: ${ROLES.join(', ')} as in \`npm run bench:graph\`, started twice: tracing off (no OTEL_* variables), then on with
${Object.entries(tracingEnv('<sink>'))
  .map(([name, value]) => `${name}=${value}`)
  .join(' ')} in every role, exporting OTLP/HTTP protobuf to a
loopback sink that discards it (it received ${whole(exported.requests)} exports, ${whole(exported.bytes / 1024)} KiB).
Load: ${connections} closed-loop clients, ${seconds} s per run after one ${warmUp} s warm-up per target, ${runs} runs per start.
Figures: median of the runs, off / on (on ÷ off).

| target | requests/s | p50 | p99 | gateway CPU (% of a core) | failed |
|---|---|---|---|---|---|
${rows.join('\n')}
`;
}

await main();

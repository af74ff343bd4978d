/**
 * OPC UA scale benchmark: one `plantgraph connectors` process of the build output monitors every
 * variable of a node-opcua server (a process of its own, bench/opcua-server.ts) whose variables
 * all change once a second, and stores them in PostgreSQL. Prints the share stored, the
 * connectors' CPU per 10,000 monitored items (from /proc), stored rows per second, and the
 * subscription plan the connector made within the server's limits; median and spread of `--runs`.
 *
 *   npm run build && npm run bench:opcua [-- --variables 50000 --runs 3 --seconds 30 --warmup 10]
 *   npm run bench:opcua -- --runs 1 --cpu-prof /tmp/opcua-prof   # V8 profile of the connectors
 *
 * The connection uses the configuration defaults (sampling and publishing 1 s, queue 10,
 * maxItemsPerSubscription 500) and the server node-opcua's default capabilities (10
 * subscriptions per session), so the plan is the connector's own, not tuned for the benchmark.
 *
 * BENCH_DATABASE_URL (default TEST_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/test):
 * a scratch database is created next to it and dropped afterwards.
 */
import { spawn, fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { openDatabase, type Sql } from '@plantgraph/db';
import { count, option } from './arguments.ts';
import { cpuTicks } from './topology.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'dist/plantgraph.js');
const CLOCK_TICKS_PER_SECOND = 100;
const CONNECTION_ID = 'bench-opcua';
const TAGS_PER_ASSET = 100;
const INTERVAL_MS = 1000;

/** Settings given on the command line that depart from the defaults, printed with the results. */
const departures: string[] = [];
const setting = (name: string, fallback: number) => {
  const value = count(name, fallback);
  if (value !== fallback) departures.push(`--${name} ${value}`);
  return value;
};
const variables = setting('variables', 50_000);
const runs = setting('runs', 3);
const seconds = setting('seconds', 30);
const warmup = setting('warmup', 10);
const drain = setting('drain', 5);
const profileDir = option('cpu-prof');
if (profileDir) departures.push(`--cpu-prof ${profileDir}`);
const adminUrl =
  process.env.BENCH_DATABASE_URL ??
  process.env.TEST_DATABASE_URL ??
  'postgres://postgres@127.0.0.1:5432/test';
if (process.env.BENCH_DATABASE_URL) departures.push(`BENCH_DATABASE_URL=${adminUrl}`);
if (!existsSync(cli)) throw new Error(`no build output at ${cli}: run \`npm run build\` first`);

async function admin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  await client.query(statement);
  await client.end();
}

async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  await new Promise((done) => server.close(done));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

function plantConfig(endpoint: string) {
  return {
    connections: [{ kind: 'opcua', id: CONNECTION_ID, endpoint }],
    mappings: {
      tags: Array.from({ length: variables }, (_, index) => ({
        connection: CONNECTION_ID,
        source: { nodeId: `ns=2;s=V${index}` },
        asset: `Bench/M${Math.floor(index / TAGS_PER_ASSET)}`,
        tag: `V${index}`,
      })),
    },
  };
}

interface OpcuaServerProcess {
  child: ChildProcess;
  endpoint: string;
  /** Tick times (ms) the server has set every variable at. */
  ticks: number[];
}

async function startOpcuaServer(): Promise<OpcuaServerProcess> {
  const port = await freePort();
  const child = fork(join(root, 'bench/opcua-server.ts'), [], {
    execArgv: ['--import', 'tsx'],
    env: {
      ...process.env,
      TSX_TSCONFIG_PATH: join(root, 'tsconfig.json'),
      VARIABLES: String(variables),
      INTERVAL_MS: String(INTERVAL_MS),
      PORT: String(port),
    },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const ticks: number[] = [];
  const ready = new Promise<string>((done, fail) => {
    child.on('message', (message: { ready?: string; tick?: number }) => {
      if (message.ready) done(message.ready);
      if (message.tick !== undefined) ticks.push(message.tick);
    });
    child.once('exit', (code) => fail(new Error(`OPC UA server exited (${code})`)));
  });
  return { child, endpoint: await ready, ticks };
}

async function stopOpcuaServer(server: OpcuaServerProcess): Promise<void> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return;
  const exited = once(server.child, 'exit');
  server.child.send({ stop: true });
  await Promise.race([exited, sleep(10_000)]);
  server.child.kill('SIGKILL');
}

async function startConnectors(
  databaseUrl: string,
  configFile: string,
  dataDir: string,
  run: number,
): Promise<{ child: ChildProcess; port: number }> {
  const port = await freePort();
  const profile = profileDir
    ? ['--cpu-prof', '--cpu-prof-dir', join(resolve(profileDir), `run-${run}`)]
    : [];
  if (profileDir) mkdirSync(join(resolve(profileDir), `run-${run}`), { recursive: true });
  const child = spawn(process.execPath, [...profile, cli, 'connectors'], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATABASE_URL: databaseUrl,
      PLANTGRAPH_CONFIG: configFile,
      PLANTGRAPH_DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  return { child, port };
}

/** Notifications the connectors process received on the bench connection (its /metrics). */
async function notificationsReceived(port: number): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const line = text
    .split('\n')
    .find((entry) => entry.startsWith('plantgraph_connection_messages_total{'));
  return Number(line?.split(' ').at(-1) ?? NaN);
}

interface StatusRow {
  state: string;
  items: number;
  server_limits: Record<string, number | null> | null;
  subscription_plan: Record<string, number> | null;
}

async function waitSubscribed(sql: Sql, connectors: ChildProcess): Promise<StatusRow> {
  const deadline = Date.now() + 600_000;
  for (;;) {
    const [row] = await sql.query<StatusRow>(
      `select state, items, server_limits, subscription_plan from connection_status where id = $1`,
      [CONNECTION_ID],
    );
    if (row?.state === 'CONNECTED' && row.items === variables && row.subscription_plan) return row;
    if (connectors.exitCode !== null) throw new Error(`connectors exited (${connectors.exitCode})`);
    if (Date.now() > deadline) throw new Error(`not subscribed: ${JSON.stringify(row)}`);
    await sleep(1000);
  }
}

interface RunFigures {
  offered: number;
  /** Notifications the connector received minus all rows stored: its own losses. */
  receivedNotStored: number;
  /** Ticks (one value of every variable) in the window: all stored, some stored. */
  ticks: { offered: number; complete: number; partial: number };
  stored: number;
  windowSeconds: number;
  connectorsCores: number;
  serverCores: number;
  status: StatusRow;
  subscribeSeconds: number;
}

async function oneRun(sql: Sql, databaseUrl: string, run: number): Promise<RunFigures> {
  await sql.exec('truncate datapoint');
  const dataDir = mkdtempSync(join(tmpdir(), 'plantgraph-bench-opcua-'));
  const server = await startOpcuaServer();
  const configFile = join(dataDir, 'plant.json');
  writeFileSync(configFile, JSON.stringify(plantConfig(server.endpoint)));
  const startedAt = Date.now();
  const { child: connectors, port } = await startConnectors(databaseUrl, configFile, dataDir, run);
  const exited = once(connectors, 'exit');
  try {
    const status = await waitSubscribed(sql, connectors);
    const subscribeSeconds = (Date.now() - startedAt) / 1000;
    server.child.send({ start: true });
    await sleep(warmup * 1000);
    const pid = connectors.pid!;
    const serverPid = server.child.pid!;
    const cpu0 = cpuTicks(pid);
    const serverCpu0 = cpuTicks(serverPid);
    const wall0 = performance.now();
    const firstTick = server.ticks.length;
    await sleep(seconds * 1000);
    const lastTick = server.ticks.length;
    const windowSeconds = (performance.now() - wall0) / 1000;
    const connectorsCores = (cpuTicks(pid) - cpu0) / CLOCK_TICKS_PER_SECOND / windowSeconds;
    const serverCores = (cpuTicks(serverPid) - serverCpu0) / CLOCK_TICKS_PER_SECOND / windowSeconds;
    const window = server.ticks.slice(firstTick, lastTick);
    const perTick = await settledCounts(sql, window);
    const stored = perTick.reduce((sum, { rows }) => sum + rows, 0);
    const complete = perTick.filter(({ rows }) => rows === variables).length;
    // With the server gone nothing more arrives: what the connector received and did not store
    // is its own loss; a tick the server's sampling skipped never reached it.
    await stopOpcuaServer(server);
    const allRows = await settledCounts(sql, [], true);
    const received = await notificationsReceived(port);
    return {
      receivedNotStored: received - (allRows[0]?.rows ?? 0),
      offered: window.length * variables,
      stored,
      ticks: { offered: window.length, complete, partial: perTick.length - complete },
      windowSeconds,
      connectorsCores,
      serverCores,
      status,
      subscribeSeconds,
    };
  } finally {
    connectors.kill('SIGTERM');
    await Promise.race([exited, sleep(20_000)]);
    connectors.kill('SIGKILL');
    await stopOpcuaServer(server);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * Rows per tick once storing has settled: after `--drain` seconds, until two counts a second apart
 * agree (at most 60 s), so rows still on their way count as stored and a loss shows as one.
 */
async function settledCounts(sql: Sql, window: readonly number[], allRows = false) {
  const times = window.map((tick) => new Date(tick).toISOString());
  const counts = () =>
    allRows
      ? sql.query<{ time: Date; rows: number }>(
          `select now() as time, count(*)::int as rows from datapoint`,
        )
      : sql.query<{ time: Date; rows: number }>(
          `select time, count(*)::int as rows from datapoint where time = any($1::timestamptz[])
            group by time`,
          [times],
        );
  const total = (rows: readonly { rows: number }[]) => rows.reduce((sum, row) => sum + row.rows, 0);
  await sleep(drain * 1000);
  const deadline = Date.now() + 60_000;
  let previous = await counts();
  for (;;) {
    await sleep(1000);
    const current = await counts();
    if (total(current) === total(previous) || Date.now() > deadline) return current;
    previous = current;
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Median and spread (min–max) of a figure over the runs. */
function summary(values: readonly number[], digits: number, unit = ''): string {
  const fixed = (value: number) => value.toFixed(digits);
  const spread =
    values.length > 1
      ? ` (${fixed(Math.min(...values))}–${fixed(Math.max(...values))}${unit})`
      : '';
  return `${fixed(median(values))}${unit}${spread}`;
}

const name = `plantgraph_bench_${randomBytes(4).toString('hex')}`;
await admin(`create database ${name}`);
const url = new URL(adminUrl);
url.pathname = `/${name}`;
const database = await openDatabase({ databaseUrl: url.toString() });
const { sql } = database;
const figures: RunFigures[] = [];
try {
  await sql.exec(`insert into asset (kind, name, path) values ('ENTERPRISE', 'Bench', 'Bench');
    insert into asset (parent_id, kind, name, path)
      select (select id from asset where path = 'Bench'), 'EQUIPMENT', 'M' || m, 'Bench/M' || m
        from generate_series(0, ${Math.ceil(variables / TAGS_PER_ASSET) - 1}) m;`);
  for (let run = 1; run <= runs; run++) {
    const result = await oneRun(sql, url.toString(), run);
    figures.push(result);
    const share = (100 * result.stored) / result.offered;
    console.log(
      `run ${run}: stored ${result.stored}/${result.offered} (${share.toFixed(2)} %), ` +
        `connectors ${(100 * result.connectorsCores).toFixed(1)} % of a core, ` +
        `server ${(100 * result.serverCores).toFixed(1)} %, subscribed in ${result.subscribeSeconds.toFixed(1)} s; ` +
        `ticks ${result.ticks.offered}: ${result.ticks.complete} complete, ${result.ticks.partial} partial; ` +
        `received but not stored ${result.receivedNotStored}`,
    );
  }
} finally {
  await sql.close();
  await admin(`drop database if exists ${name} with (force)`);
}

const perTenThousand = figures.map((f) => (100 * f.connectorsCores) / (variables / 10_000));
const last = figures.at(-1)!;
console.log(`
OPC UA scale: ${variables} variables changing every ${INTERVAL_MS} ms, one connectors process
(build output), node-opcua server in its own process, PostgreSQL ${adminUrl.replace(/\/\/[^@]*@/, '//')}
${runs} run(s) of ${seconds} s measured after ${warmup} s warm-up; ${cpus().length} cores, load ${loadavg()
  .map((load) => load.toFixed(2))
  .join(' ')}
settings departing from defaults: ${departures.length > 0 ? departures.join(' ') : 'none'}
server limits: ${JSON.stringify(last.status.server_limits)}
subscription plan: ${JSON.stringify(last.status.subscription_plan)}

| figure (median, spread of ${runs})              | value |
| ----------------------------------------------- | ----- |
| stored                                          | ${summary(
  figures.map((f) => (100 * f.stored) / f.offered),
  2,
  ' %',
)} |
| offered rows/s (server ticks × variables)       | ${summary(
  figures.map((f) => f.offered / f.windowSeconds),
  0,
)} |
| stored rows/s                                   | ${summary(
  figures.map((f) => f.stored / f.windowSeconds),
  0,
)} |
| connectors CPU, % of a core                     | ${summary(
  figures.map((f) => 100 * f.connectorsCores),
  1,
)} |
| connectors CPU per 10,000 items, % of a core    | ${summary(perTenThousand, 1)} |
| connectors CPU per 10,000 stored rows/s, %     | ${summary(
  figures.map((f) => (100 * f.connectorsCores) / (f.stored / f.windowSeconds / 10_000)),
  1,
)} |
| OPC UA server CPU, % of a core (not the goal's) | ${summary(
  figures.map((f) => 100 * f.serverCores),
  1,
)} |
| connect to subscribed, s                        | ${summary(
  figures.map((f) => f.subscribeSeconds),
  1,
)} |
`);

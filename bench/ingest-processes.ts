/**
 * The ingest benchmark in the deployed layout: `plantgraph connectors` as separate OS processes,
 * each owning a partition of the simulated edge nodes (PLANTGRAPH_CONNECTIONS), against the real
 * PostgreSQL and broker. Run from bench/ingest.ts with `--processes 1|2`; with 2 the one-process
 * baseline runs in the same invocation, the two layouts taking turns, `--runs` times each. After
 * each round the stored rows are loaded again straight into the same table, by `COPY` (the ceiling)
 * and by `unnest`, so the pipeline's ratios compare figures of the same run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Worker } from 'node:worker_threads';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { copyText, type Sql } from '@plantgraph/db';

export interface ProcessBenchOptions {
  sql: Sql;
  databaseUrl: string;
  mqttUrl: string;
  datapoints: number;
  rate: number;
  /** 1: one process; 2: one process, then two, in turns. */
  processes: number;
  runs: number;
  edgeNodes: number;
  devices: number;
  metricsPerDevice: number;
  /** How long after the last publish what has not landed still counts as on its way. */
  drainSeconds: number;
  /** Also give the processes MQTT_URL, so every stored row goes out on the event bus. */
  bus: boolean;
  /** Settings given on the command line that depart from the defaults, for the report. */
  departures: string[];
  postgresVersion: string;
  /** What the broker is, for the report. */
  broker: string;
  /** Where the connectors processes write their V8 CPU profiles (`node --cpu-prof`), if asked. */
  profileDir: string | undefined;
}

/**
 * Where the connectors' own lost-message counters would show: Prometheus series of each process
 * whose name says it counts lost, dropped or skipped messages. Printed next to published minus
 * stored; "none exported" while the connectors have no such counter.
 */
export const LOSS_COUNTER_PATTERN = /^plantgraph_[a-z_]*(lost|dropped|skipped|gap)[a-z_]*$/;

const POLL_MS = 100;
const root = fileURLToPath(new URL('..', import.meta.url));

interface EdgeNode {
  id: string;
  name: string;
  /** Global device numbers of this edge node. */
  devices: number[];
}

interface ProcessFigures {
  connections: string[];
  offered: number;
  stored: number;
  seconds: number;
  latencies: number[];
  recordsMetric: number | undefined;
  lossCounters: Map<string, number>;
  rss: number | undefined;
}

/** The same rows loaded straight into the same table, after a round of runs. */
interface RawLoads {
  rows: number;
  copyRate: number;
  unnestRate: number;
}

interface RunFigures {
  processes: number;
  offered: number;
  stored: number;
  seconds: number;
  latencies: number[];
  publisherSeconds: number;
  /** CPU seconds each part spent from the first publish to the end of the drain. */
  cpu: Map<string, number>;
  /** DDATA datapoints published over the slowest publisher thread's time. */
  publishRate: number;
  raw?: RawLoads;
  rebirths: number;
  perProcess: ProcessFigures[];
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Prometheus text format: summed value per series name, labels dropped. */
function parseMetrics(text: string): Map<string, number> {
  const sums = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    const match = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!match) continue;
    sums.set(match[1]!, (sums.get(match[1]!) ?? 0) + Number(match[3]));
  }
  return sums;
}

async function metricsOf(port: number): Promise<Map<string, number>> {
  const response = await fetch(`http://127.0.0.1:${port}/metrics`);
  return parseMetrics(await response.text());
}

/** Up gauges per connection, for waiting until every host application is subscribed. */
async function connectionsUp(port: number): Promise<number> {
  const response = await fetch(`http://127.0.0.1:${port}/metrics`).catch(() => undefined);
  if (!response?.ok) return 0;
  return (await response.text())
    .split('\n')
    .filter((line) => line.startsWith('plantgraph_connection_up{') && / 1$/.test(line)).length;
}

interface ConnectorsProcess {
  child: ChildProcess;
  port: number;
  connections: string[];
  exited: Promise<unknown>;
}

async function startConnectorsProcess(
  options: ProcessBenchOptions,
  configFile: string,
  dataDir: string,
  connections: string[],
  partitioned: boolean,
): Promise<ConnectorsProcess> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TSX_TSCONFIG_PATH: join(root, 'tsconfig.json'),
    DATABASE_URL: options.databaseUrl,
    PLANTGRAPH_CONFIG: configFile,
    PLANTGRAPH_DATA_DIR: dataDir,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    ...(partitioned ? { PLANTGRAPH_CONNECTIONS: connections.join(',') } : {}),
    ...(options.bus ? { MQTT_URL: options.mqttUrl } : {}),
  };
  const profile = options.profileDir ? ['--cpu-prof', '--cpu-prof-dir', options.profileDir] : [];
  const child = spawn(
    process.execPath,
    [...profile, '--import', 'tsx', join(root, 'cli/src/main.ts'), 'connectors'],
    { cwd: root, env, stdio: ['ignore', 'inherit', 'inherit'] },
  );
  const exited = once(child, 'exit');
  const deadline = Date.now() + 180_000;
  while ((await connectionsUp(port)) < connections.length) {
    if (child.exitCode !== null) throw new Error(`connectors process exited (${child.exitCode})`);
    if (Date.now() > deadline) throw new Error(`connectors on port ${port} did not come up`);
    await sleep(200);
  }
  return { child, port, connections, exited };
}

function plantConfig(group: string, edgeNodes: EdgeNode[], options: ProcessBenchOptions) {
  return {
    connections: edgeNodes.map((node) => ({
      kind: 'mqtt',
      id: node.id,
      url: options.mqttUrl,
      clientId: `bench-host-${group}-${node.name}`,
      // One edge node per connection: the unit a partition owns, so its order holds.
      topics: [`spBv1.0/${group}/+/${node.name}/#`],
      format: 'sparkplug',
    })),
    mappings: {
      tags: edgeNodes.flatMap((node) =>
        node.devices.flatMap((device) =>
          Array.from({ length: options.metricsPerDevice }, (_, metric) => ({
            connection: node.id,
            source: {
              sparkplug: { group, edgeNode: node.name, device: `D${device}`, metric: `T${metric}` },
            },
            asset: `Bench/D${device}`,
            tag: `T${metric}`,
          })),
        ),
      ),
    },
  };
}

interface Published {
  ms: number;
  ddata: number;
  rebirths: number;
  datapoints: number;
  timestamps: Float64Array;
}

/**
 * Publish-to-row latency from the database: every POLL_MS the newest stored time of each device's
 * first metric. Rows of one device commit in publish order (one process owns it), so a message
 * counts as stored at the first poll that sees its timestamp; resolution is the poll interval.
 */
async function oneRun(
  options: ProcessBenchOptions,
  processes: number,
  dataDir: string,
): Promise<RunFigures> {
  const { sql } = options;
  const group = `Bench${randomBytes(3).toString('hex')}`;
  const perNode = options.devices / options.edgeNodes;
  const edgeNodes: EdgeNode[] = Array.from({ length: options.edgeNodes }, (_, index) => ({
    id: `edge-${index}`,
    name: `E${index}`,
    devices: Array.from({ length: perNode }, (_, device) => index * perNode + device),
  }));
  const configFile = join(dataDir, `plant-${group}.json`);
  writeFileSync(configFile, JSON.stringify(plantConfig(group, edgeNodes, options)));
  await sql.exec('truncate datapoint');

  const owners = Array.from({ length: processes }, (_, index) =>
    edgeNodes.filter((_, node) => node % processes === index),
  );
  const running: ConnectorsProcess[] = [];
  try {
    for (const owned of owners) {
      running.push(
        await startConnectorsProcess(
          options,
          configFile,
          dataDir,
          owned.map((node) => node.id),
          processes > 1,
        ),
      );
    }
    const tagRows = await sql.query<{ id: string; path: string; name: string }>(
      `select t.id, a.path, t.name from tag t join asset a on a.id = t.asset_id
        where a.path like 'Bench/%'`,
    );
    const tagsOfDevice = (device: number) =>
      tagRows.filter((row) => row.path === `Bench/D${device}`).map((row) => row.id);
    const probe = new Map<string, number>();
    for (let device = 0; device < options.devices; device++) {
      const first = tagRows.find((row) => row.path === `Bench/D${device}` && row.name === 'T0');
      if (first) probe.set(first.id, device);
    }

    const messages = Math.ceil(options.datapoints / options.metricsPerDevice / options.edgeNodes);
    const publishers = edgeNodes.map(
      (node) =>
        new Worker(new URL('./ingest-publisher.mjs', import.meta.url), {
          workerData: {
            url: options.mqttUrl,
            group,
            edgeNode: node.name,
            firstDevice: node.devices[0],
            devices: perNode,
            metricsPerDevice: options.metricsPerDevice,
            messages,
            messagesPerSecond: options.rate / options.edgeNodes / options.metricsPerDevice,
            recordTimestamps: true,
          },
        }),
    );
    await Promise.all(
      publishers.map((worker) => new Promise((resolve) => worker.once('message', resolve))),
    );
    await sleep(500);
    const results = publishers.map(
      (worker) =>
        new Promise<Published>((resolve) =>
          worker.on('message', (message: Published & { kind: string }) => {
            if (message.kind === 'published') resolve(message);
          }),
        ),
    );
    const database = new URL(options.databaseUrl).pathname.slice(1);
    const cpuBefore = cpuSnapshot(running, database);
    const started = Date.now();
    for (const worker of publishers) worker.postMessage('go');

    // Poll the newest stored time per device until all is in or the drain time is over.
    const polls: { at: number; newest: Map<number, number> }[] = [];
    let publishedAt: number | undefined;
    let published: Published[] | undefined;
    void Promise.all(results).then((all) => {
      published = all;
      publishedAt = Date.now();
    });
    for (;;) {
      const rows = await sql.query<{ tag_id: string; newest: Date }>(
        `select tag_id, max(time) as newest from datapoint
          where tag_id = any($1::uuid[]) group by tag_id`,
        [[...probe.keys()]],
      );
      const at = Date.now();
      const newest = new Map(
        rows.map((row) => [probe.get(row.tag_id)!, new Date(row.newest).getTime()]),
      );
      polls.push({ at, newest });
      if (published) {
        const complete = edgeNodes.every((node, index) =>
          node.devices.every((device, local) => {
            const stamps = published![index]!.timestamps;
            const last =
              stamps[local + perNode * Math.floor((stamps.length - 1 - local) / perNode)];
            return (newest.get(device) ?? 0) >= (last ?? 0);
          }),
        );
        if (complete || at - publishedAt! > options.drainSeconds * 1000) break;
      }
      await sleep(POLL_MS);
    }
    const cpuAfter = cpuSnapshot(running, database);
    const cpu = new Map(
      [...cpuAfter].map(([part, seconds]) => [part, seconds - (cpuBefore.get(part) ?? 0)]),
    );
    const all = published!;
    await Promise.all(publishers.map((worker) => worker.terminate()));

    const perProcess: ProcessFigures[] = [];
    for (const [index, owned] of owners.entries()) {
      const connectors = running[index]!;
      const metrics = await metricsOf(connectors.port).catch(() => new Map<string, number>());
      const devices = owned.flatMap((node) => node.devices);
      const [{ rows: stored } = { rows: 0 }] = await sql.query<{ rows: number }>(
        'select count(*)::int as rows from datapoint where tag_id = any($1::uuid[])',
        [devices.flatMap(tagsOfDevice)],
      );
      const latencies: number[] = [];
      let lastStoredAt = started;
      for (const node of owned) {
        const stamps = all[edgeNodes.indexOf(node)]!.timestamps;
        node.devices.forEach((device, local) => {
          const mine: number[] = [];
          for (let message = local; message < stamps.length; message += perNode) {
            mine.push(stamps[message]!);
          }
          let next = 0;
          let seen = 0;
          for (const poll of polls) {
            const newest = poll.newest.get(device) ?? 0;
            if (newest > seen) {
              seen = newest;
              lastStoredAt = Math.max(lastStoredAt, poll.at);
            }
            while (next < mine.length && mine[next]! <= newest) {
              latencies.push(poll.at - mine[next]!);
              next++;
            }
          }
        });
      }
      const lossCounters = new Map(
        [...metrics].filter(([name]) => LOSS_COUNTER_PATTERN.test(name)),
      );
      perProcess.push({
        connections: connectors.connections,
        offered: owned.reduce((sum, node) => sum + all[edgeNodes.indexOf(node)]!.datapoints, 0),
        stored,
        seconds: (lastStoredAt - started) / 1000,
        latencies: latencies.sort((a, b) => a - b),
        recordsMetric: metrics.get('plantgraph_ingest_records_total'),
        lossCounters,
        rss: metrics.get('process_resident_memory_bytes'),
      });
    }
    return {
      processes,
      offered: perProcess.reduce((sum, item) => sum + item.offered, 0),
      stored: perProcess.reduce((sum, item) => sum + item.stored, 0),
      seconds: Math.max(...perProcess.map((item) => item.seconds)),
      latencies: perProcess.flatMap((item) => item.latencies).sort((a, b) => a - b),
      publisherSeconds: Math.max(...all.map((item) => item.ms)) / 1000,
      publishRate:
        all.reduce((sum, item) => sum + item.ddata, 0) /
        (Math.max(...all.map((item) => item.ms)) / 1000),
      rebirths: all.reduce((sum, item) => sum + item.rebirths, 0),
      cpu,
      perProcess,
    };
  } finally {
    for (const connectors of running) connectors.child.kill('SIGTERM');
    await Promise.all(running.map((connectors) => connectors.exited));
    rmSync(configFile, { force: true });
  }
}

const RAW_BATCH = 5000;
const DATAPOINT_COLUMNS = [
  { name: 'time', type: 'timestamptz' },
  { name: 'tag_id', type: 'uuid' },
  { name: 'value', type: 'float8' },
  { name: 'text', type: 'text' },
  { name: 'quality', type: 'datapoint_quality' },
];

/**
 * The rows the last run stored, loaded again into the emptied table in batches of the writer's
 * size (5,000), each committed on its own: once by `COPY ... FROM STDIN` (the ceiling for any
 * ingest path) and once by the `unnest ... on conflict do nothing` insert the writer used before.
 */
async function rawLoads(options: ProcessBenchOptions): Promise<RawLoads> {
  const { sql } = options;
  const rows = (
    await sql.query<{
      time: Date;
      tag_id: string;
      value: number | null;
      text: string | null;
      quality: string;
    }>('select time, tag_id, value, text, quality from datapoint order by time')
  ).map((row) => [row.time, row.tag_id, row.value, row.text, row.quality]);
  const batches = Array.from({ length: Math.ceil(rows.length / RAW_BATCH) }, (_, index) =>
    rows.slice(index * RAW_BATCH, (index + 1) * RAW_BATCH),
  );
  const copy = `copy datapoint (${DATAPOINT_COLUMNS.map((column) => column.name).join(', ')}) from stdin`;
  const client = new pg.Client({ connectionString: options.databaseUrl });
  await client.connect();
  try {
    await sql.exec('truncate datapoint');
    const copyStarted = performance.now();
    for (const batch of batches) {
      await pipeline(Readable.from(copyText(batch)), client.query(copyFrom(copy)));
    }
    const copySeconds = (performance.now() - copyStarted) / 1000;
    await sql.exec('truncate datapoint');
    const unnestStarted = performance.now();
    for (const batch of batches) {
      await sql.bulkInsert(
        'datapoint',
        DATAPOINT_COLUMNS,
        batch,
        'on conflict (tag_id, time) do nothing',
      );
    }
    const unnestSeconds = (performance.now() - unnestStarted) / 1000;
    return {
      rows: rows.length,
      copyRate: rows.length / copySeconds,
      unnestRate: rows.length / unnestSeconds,
    };
  } finally {
    await client.end();
  }
}

/** Reads `max_queued_messages` and `max_inflight_messages` of deploy/mosquitto.conf. */
function deployedBrokerLimits(): string[] {
  return readFileSync(join(root, 'deploy/mosquitto.conf'), 'utf8')
    .split('\n')
    .filter((line) => /^(max_queued_messages|max_inflight_messages)\s/.test(line));
}

export interface Broker {
  url: string;
  description: string;
  close(): Promise<void>;
}

/**
 * A Mosquitto of the benchmark's own, as a process on a free loopback port, with the limits of
 * deploy/mosquitto.conf (the deployed broker) and no persistence.
 */
export async function startDeployedBroker(): Promise<Broker> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'plantgraph-bench-mosquitto-'));
  const limits = deployedBrokerLimits();
  const config = join(dir, 'mosquitto.conf');
  writeFileSync(
    config,
    [
      `listener ${port} 127.0.0.1`,
      'allow_anonymous true',
      'persistence false',
      'log_type error',
      'log_type warning',
      ...limits,
      '',
    ].join('\n'),
  );
  const child = spawn('mosquitto', ['-c', config], { stdio: ['ignore', 'ignore', 'inherit'] });
  const exited = once(child, 'exit');
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`mosquitto exited (${child.exitCode})`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) break;
    if (Date.now() > deadline) throw new Error('mosquitto did not listen');
    await sleep(100);
  }
  return {
    url: `mqtt://127.0.0.1:${port}`,
    description: `the benchmark's own mosquitto process (port ${port}) with deploy/mosquitto.conf's ${limits.join(', ')}, persistence off`,
    async close() {
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Kernel clock ticks per second, the unit of /proc/<pid>/stat's CPU times (Linux: 100). */
const CLOCK_TICKS = 100;

/** CPU seconds (user + system) a process has used so far; 0 once it is gone. */
function cpuSecondsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}

/** What each part of the setup has spent on CPU so far, in seconds, from /proc (Linux only). */
function cpuSnapshot(connectors: readonly ConnectorsProcess[], database: string) {
  const parts = new Map<string, number>();
  const add = (part: string, seconds: number) => parts.set(part, (parts.get(part) ?? 0) + seconds);
  for (const running of connectors) add('connectors processes', cpuSecondsOf(running.child.pid!));
  // The first line of /proc/stat: user, nice, system, idle, iowait, irq, softirq, steal ticks.
  const machine = readFileSync('/proc/stat', 'utf8')
    .split('\n')[0]!
    .split(/\s+/)
    .slice(1)
    .map(Number);
  const busy = [0, 1, 2, 5, 6, 7].reduce((sum, index) => sum + (machine[index] ?? 0), 0);
  add('whole machine, every process (other jobs included)', busy / CLOCK_TICKS);
  const own = process.cpuUsage();
  add('benchmark process (publisher threads, polls)', (own.user + own.system) / 1e6);
  for (const entry of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    let command: string;
    try {
      command = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ');
    } catch {
      continue;
    }
    if (command.startsWith('postgres: ') && command.includes(` ${database} `)) {
      add('PostgreSQL backends of the scratch database', cpuSecondsOf(Number(entry)));
    } else if (/^postgres: \S+ (walwriter|checkpointer|background writer)/.test(command)) {
      add('PostgreSQL WAL writer, checkpointer, background writer', cpuSecondsOf(Number(entry)));
    } else if (
      command.startsWith('mosquitto ') &&
      command.includes('plantgraph-bench-mosquitto-')
    ) {
      add('broker (mosquitto)', cpuSecondsOf(Number(entry)));
    }
  }
  return parts;
}

const count = (value: number) => Math.round(value).toLocaleString('en-US');
const pct = (part: number, whole: number) => `${((part / whole) * 100).toFixed(1)} %`;

/** "median (min–max)" over the runs. */
function spread(values: number[], format: (value: number) => string): string {
  if (values.length === 1) return format(values[0]!);
  return `${format(median(values))} (${format(Math.min(...values))}–${format(Math.max(...values))})`;
}

function report(options: ProcessBenchOptions, layouts: Map<number, RunFigures[]>): string {
  const lines: string[] = [];
  const columns = [...layouts.keys()];
  const header = `| measure (median, min–max over ${options.runs} runs) | ${columns
    .map((processes) => `${processes} process${processes > 1 ? 'es' : ''}`)
    .join(' | ')} |`;
  lines.push(header, `|${'---|'.repeat(columns.length + 1)}`);
  const row = (label: string, value: (run: RunFigures) => number, format: (n: number) => string) =>
    lines.push(
      `| ${label} | ${columns.map((key) => spread(layouts.get(key)!.map(value), format)).join(' | ')} |`,
    );
  const ms = (value: number) => `${count(value)} ms`;
  row('datapoints offered (published, incl. births)', (run) => run.offered, count);
  row('datapoints stored', (run) => run.stored, count);
  row('lost (published − stored)', (run) => run.offered - run.stored, count);
  row(
    'lost %',
    (run) => ((run.offered - run.stored) / run.offered) * 100,
    (n) => `${n.toFixed(1)} %`,
  );
  row(
    'publisher finished after',
    (run) => run.publisherSeconds,
    (n) => `${n.toFixed(1)} s`,
  );
  row(
    `publishers' achieved rate (DDATA; target ${count(options.rate)}/s)`,
    (run) => run.publishRate,
    (n) => `${count(n)}/s`,
  );
  row('rebirths requested (sequence gaps)', (run) => run.rebirths, count);
  row(
    'throughput (stored / time to last row)',
    (run) => run.stored / run.seconds,
    (n) => `${count(n)}/s`,
  );
  row('publish → row latency p50', (run) => percentile(run.latencies, 50), ms);
  row('publish → row latency p99', (run) => percentile(run.latencies, 99), ms);
  const rate = (n: number) => `${count(n)}/s`;
  const ratio = (n: number) => `${n.toFixed(0)} %`;
  row('raw COPY of the stored rows (same round)', (run) => run.raw!.copyRate, rate);
  row('raw unnest insert of the stored rows (same round)', (run) => run.raw!.unnestRate, rate);
  row('pipeline / raw COPY', (run) => (run.stored / run.seconds / run.raw!.copyRate) * 100, ratio);
  row(
    'pipeline / raw unnest',
    (run) => (run.stored / run.seconds / run.raw!.unnestRate) * 100,
    ratio,
  );

  const parts = [
    ...new Set([...layouts.values()].flatMap((runs) => runs.flatMap((run) => [...run.cpu.keys()]))),
  ];
  for (const part of parts) {
    row(
      `CPU: ${part} (core-seconds per 100,000 stored)`,
      (run) => ((run.cpu.get(part) ?? 0) / run.stored) * 100_000,
      (n) => n.toFixed(2),
    );
  }
  for (const [processes, runs] of layouts) {
    lines.push(
      '',
      `Per process, ${processes} process${processes > 1 ? 'es' : ''} (median over runs):`,
      '',
    );
    lines.push(
      "| process | connections | offered | stored | lost (published − stored) | connectors' loss counters (their unit: messages) | ingest records metric | throughput | p50 | p99 |",
      '|---|---|---|---|---|---|---|---|---|---|',
    );
    for (let index = 0; index < processes; index++) {
      const of = (value: (item: ProcessFigures) => number) =>
        median(runs.map((run) => value(run.perProcess[index]!)));
      const first = runs[0]!.perProcess[index]!;
      const counters = new Map<string, number[]>();
      for (const run of runs) {
        for (const [name, value] of run.perProcess[index]!.lossCounters) {
          counters.set(name, [...(counters.get(name) ?? []), value]);
        }
      }
      const loss =
        counters.size === 0
          ? 'none exported'
          : [...counters].map(([name, values]) => `${name} ${count(median(values))}`).join(', ');
      const records = runs.map((run) => run.perProcess[index]!.recordsMetric);
      lines.push(
        `| ${index + 1} | ${first.connections.join(', ')} | ${count(of((item) => item.offered))} | ${count(
          of((item) => item.stored),
        )} | ${count(of((item) => item.offered - item.stored))} (${pct(
          of((item) => item.offered - item.stored),
          of((item) => item.offered),
        )}) | ${loss} | ${
          records.every((value) => value !== undefined) ? count(median(records as number[])) : 'n/a'
        } | ${count(of((item) => item.stored / item.seconds))}/s | ${ms(
          of((item) => percentile(item.latencies, 50)),
        )} | ${ms(of((item) => percentile(item.latencies, 99)))} |`,
      );
    }
  }
  return lines.join('\n');
}

export async function runProcessBench(options: ProcessBenchOptions): Promise<void> {
  const layouts = new Map<number, RunFigures[]>(
    (options.processes > 1 ? [1, options.processes] : [1]).map((processes) => [processes, []]),
  );
  const loadBefore = loadavg();
  console.error(
    `load average at start: ${loadBefore.map((value) => value.toFixed(2)).join(' / ')}`,
  );
  const dataDir = mkdtempSync(join(tmpdir(), 'plantgraph-bench-connectors-'));
  try {
    for (let run = 1; run <= options.runs; run++) {
      const round: RunFigures[] = [];
      for (const [processes, figures] of layouts) {
        const figure = await oneRun(options, processes, dataDir);
        figures.push(figure);
        round.push(figure);
        console.error(
          `run ${run}/${options.runs}, ${processes} process(es): ${count(figure.stored)} of ${count(
            figure.offered,
          )} stored, ${count(figure.stored / figure.seconds)}/s, p99 ${count(
            percentile(figure.latencies, 99),
          )} ms, published at ${count(figure.publishRate)}/s`,
        );
      }
      const raw = await rawLoads(options);
      for (const figure of round) figure.raw = raw;
      console.error(
        `run ${run}/${options.runs}, raw loads of ${count(raw.rows)} rows: COPY ${count(
          raw.copyRate,
        )}/s, unnest ${count(raw.unnestRate)}/s; load average ${loadavg()
          .map((value) => value.toFixed(2))
          .join(' / ')}`,
      );
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  const loadAfter = loadavg();
  const load = (values: number[]) => values.map((value) => value.toFixed(2)).join(' / ');
  console.log(`
Ingest benchmark, connectors as separate processes (${cpus().length} cores, PostgreSQL ${options.postgresVersion}, broker ${options.mqttUrl})
Broker: ${options.broker}.
Settings departing from the defaults: ${options.departures.length > 0 ? options.departures.join(' ') : 'none'}${
    options.profileDir
      ? `\nCPU profiles of the connectors processes (node --cpu-prof): ${options.profileDir}`
      : ''
  }
Load average (1 / 5 / 15 min): ${load(loadBefore)} before, ${load(loadAfter)} after.
Method: ${options.edgeNodes} Sparkplug B edge nodes (${options.devices / options.edgeNodes} devices x ${options.metricsPerDevice} aliased metrics each), one publisher
thread per edge node in the benchmark's process, together paced to ${count(options.rate)} datapoints/s at QoS 1 (up to 50 unacknowledged each), ${count(
    options.datapoints,
  )} DDATA datapoints in all.
Each edge node is one MQTT connection of the plant config; \`plantgraph connectors\` (node --import tsx cli/src/main.ts) runs as
${[...layouts.keys()].join(' and ')} OS process(es), edge nodes dealt round-robin by PLANTGRAPH_CONNECTIONS, one data directory (a spool each),
${options.bus ? 'MQTT_URL set (every stored row also goes out on the event bus)' : 'no MQTT_URL (ingest only, no event bus)'}. Latency: publish timestamp to the first of the database polls (every ${POLL_MS} ms)
that sees the device's first metric at that time. Lost: not stored ${options.drainSeconds} s after the last publish. Runs take turns by layout.
After each round the last run's stored rows are loaded again into the emptied table, ${count(RAW_BATCH)} rows per statement, each
committed on its own: by COPY FROM STDIN (text) and by the unnest insert with on conflict do nothing; ratios are of the same round.

${report(options, layouts)}
`);
}

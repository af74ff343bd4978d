/**
 * Live subscriptions benchmark: graphql-ws subscribers of the federated gateway, each following one
 * machine's state changes (an MES screen per machine), while a publisher drives state events over
 * the event bus. Prints publish-to-client latency, deliveries against those expected, CPU per
 * process and memory per held subscription, as the median and spread of several runs.
 *
 * Two layouts, in this order, in the same invocation:
 *
 * - `topology`: the production topology, each role an OS process of the build output (gateway-1
 *   and one replica of each subgraph from compose.yaml), on a Mosquitto of the benchmark's own
 *   outside those processes (or `--mqtt-url`);
 * - `demo`: the one-process demo layout (gateway, subgraphs and an embedded broker in this
 *   process), the baseline.
 *
 * The publisher and the subscribers are worker threads of this process, outside the gateway's and
 * subgraphs' processes but on the same cores. Every subscriber socket connects from an address of
 * its own in 127.0.0.0/8, so that 10,000 sockets do not exhaust the ephemeral ports of one address.
 *
 *   npm run build && npm run bench:live [-- --layout both --runs 3 --subscribers 1000 --rate 1000
 *     --seconds 20 --hold 10000 --hold-rate 100 --hold-seconds 10]
 *   npm run bench:live -- --quick
 *
 * `npm run bench:live` raises the open-file limit to 65,536 (`ulimit -n`) before starting: the
 * roles inherit it, and 10,000 sockets need as many descriptors in the gateway and here.
 * Further flags: --machines (equipment published to and subscribed, round-robin; added under the
 * seeded line where the small seed has fewer), --per-socket (subscriptions per WebSocket, default
 * one), --workers (subscriber threads), --warm-up (seconds), --all-sites (the screens' API key
 * sees every site instead of the machines' one), --cpu-prof <dir> (a V8 CPU profile of every
 * topology role, written when it stops).
 * --database-url (default BENCH_DATABASE_URL, else TEST_DATABASE_URL, else
 * postgres://postgres@127.0.0.1:5432/test): a scratch database per layout is created next to it
 * and dropped afterwards. --mqtt-url (default BENCH_MQTT_URL, else a Mosquitto of the
 * benchmark's own for the topology and a broker embedded in this process for the demo layout);
 * either way the run publishes under a topic prefix of its own.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { type EventLoopUtilization } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import pg from 'pg';
import { createApiKey, SUBSCRIPTION_ROLE } from '@plantgraph/auth';
import { DEFAULT_BUS_PREFIX, EventBus, startEmbeddedBroker } from '@plantgraph/bus';
import { createLogger } from '@plantgraph/config';
import { openDatabase, type Sql, type StorageCapabilities } from '@plantgraph/db';
import { createPrismaClient } from '@plantgraph/db/prisma';
import { seedDemoPlant, startPlant } from '@plantgraph/demo';
import { activeEventStreams } from '@plantgraph/graph';
import { cli, DedicatedBroker } from '../test/topology/faults/fault-harness.ts';
import type { Machine, PublishReport, PublishRequest } from './live-publisher.ts';
import type { Socket, SubscribersReply, SubscribersRequest } from './live-subscribers.ts';
import {
  cpuTicks,
  GATEWAY_ROLE as GATEWAY,
  machineTicks,
  startBenchTopology,
  stopBenchTopology,
  SUBGRAPH_ROLES as SUBGRAPHS,
  TOPOLOGY_ROLES as ROLES,
} from './topology.ts';

// @apollo/gateway otherwise probes cloud metadata endpoints and reports usage to Apollo: traffic
// off this machine, and CPU the measurement would count.
process.env.APOLLO_TELEMETRY_DISABLED ??= 'true';

const quick = process.argv.includes('--quick');
/** Screens' key without a site restriction: the site-scope checks drop out. */
const allSites = process.argv.includes('--all-sites');

function option(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? process.argv[index + 1] : undefined;
}

/** A positive whole-number flag; `--quick` picks the smaller default. */
function count(name: string, fallback: number, quickFallback = fallback): number {
  const given = option(name);
  const value = given === undefined ? (quick ? quickFallback : fallback) : Number(given);
  if (!Number.isInteger(value) || value <= 0) {
    throw new Error(`--${name} must be a positive whole number, not ${given}`);
  }
  return value;
}

type LayoutName = 'topology' | 'demo';

function layouts(): LayoutName[] {
  const given = option('layout') ?? 'both';
  if (given === 'both') return ['topology', 'demo'];
  if (given === 'topology' || given === 'demo') return [given];
  throw new Error(`--layout must be topology, demo or both, not ${given}`);
}

const settings = {
  layouts: layouts(),
  runs: count('runs', 3, 1),
  subscribers: count('subscribers', 1000, 50),
  rate: count('rate', 1000, 100),
  seconds: count('seconds', 20, 3),
  warmUpSeconds: count('warm-up', 3, 1),
  hold: count('hold', 10_000, 500),
  holdRate: count('hold-rate', 100),
  holdSeconds: count('hold-seconds', 10, 3),
  machines: count('machines', 1000, 50),
  perSocket: count('per-socket', 1),
  workers: count('workers', 2),
  cpuProfileDirectory: option('cpu-prof'),
};
const adminUrl =
  option('database-url') ??
  process.env.BENCH_DATABASE_URL ??
  process.env.TEST_DATABASE_URL ??
  'postgres://postgres@127.0.0.1:5432/test';
const externalMqttUrl = option('mqtt-url') ?? process.env.BENCH_MQTT_URL;
/** Confirmation rounds publish one event per machine at this rate. */
const CONFIRM_RATE = 1000;
const GOAL = { p99Ms: 50, subscribers: 1000, rate: 1000, hold: 10_000, holdP99Ms: 100 };
/** Environment of the gateway that departs from compose.yaml's, stated in the report. */
const GATEWAY_ENV = {
  // Every screen presents the same key: 1,200 requests a minute would cap it.
  PLANTGRAPH_RATE_LIMIT: '0',
  // All screens present one key here; in a plant each would have its own.
  PLANTGRAPH_MAX_SUBSCRIPTIONS_PER_CALLER: '100000',
};

const logger = createLogger('bench', 'warn');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function admin(statement: string) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  await client.query(statement);
  await client.end();
}

/** Resources in start order; closed in reverse, also when a later step fails. */
class Resources {
  readonly #closers: (() => Promise<unknown>)[] = [];

  add<T extends { close(): Promise<unknown> }>(resource: T): T {
    this.#closers.push(() => resource.close());
    return resource;
  }

  async close(): Promise<void> {
    for (const close of this.#closers.reverse()) {
      await close().catch((error: unknown) => console.error('close failed:', error));
    }
  }
}

/**
 * A worker thread running one of the benchmark's TypeScript modules, one reply per request.
 * tsx's loader does not reach worker threads on Node 20, so each registers it first.
 */
class Thread<Request, Reply> {
  readonly #pending = new Map<
    number,
    { resolve(reply: Reply): void; reject(error: unknown): void }
  >();
  #next = 0;

  private constructor(readonly worker: Worker) {
    worker.on('message', (message: { id: number; reply: Reply }) => {
      this.#pending.get(message.id)?.resolve(message.reply);
      this.#pending.delete(message.id);
    });
    worker.on('error', (error) => {
      for (const pending of this.#pending.values()) pending.reject(error);
      this.#pending.clear();
    });
  }

  static async start<Request, Reply>(
    module: string,
    workerData: unknown,
  ): Promise<Thread<Request, Reply>> {
    const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
    const entry = JSON.stringify(new URL(module, import.meta.url).href);
    const worker = new Worker(
      `import(${tsx}).then(({ register }) => {
        register({ tsconfig: process.env.TSX_TSCONFIG_PATH });
        return import(${entry});
      })`,
      { eval: true, workerData },
    );
    await new Promise<void>((resolve, reject) => {
      worker.once('message', () => resolve());
      worker.once('error', reject);
    });
    return new Thread<Request, Reply>(worker);
  }

  ask(request: Request): Promise<Reply> {
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, request });
    });
  }

  /** Event loop utilization since `from`, or since the thread started. */
  utilization(from?: EventLoopUtilization): EventLoopUtilization {
    const now = this.worker.performance.eventLoopUtilization();
    return from ? this.worker.performance.eventLoopUtilization(now, from) : now;
  }
}

type Publisher = Thread<PublishRequest | 'close', PublishReport | undefined>;
type Subscribers = Thread<SubscribersRequest, SubscribersReply>;

/** Clock ticks per second of /proc (USER_HZ); 100 on every Linux this runs on. */
const HZ = 100;

/** Resident set size of a process in bytes (VmRSS of /proc/<pid>/status); NaN once it is gone. */
function rssOf(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** Ids of the processes whose command line contains `text`. */
function pidsWith(text: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(text)) found.push(Number(entry));
    } catch {
      // The process ended between listing and reading.
    }
  }
  return found;
}

/** The soft limit on open files of this process, which the roles it starts inherit. */
function openFileLimit(): number {
  const line = /^Max open files\s+(\S+)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
  return line?.[1] === 'unlimited' ? Number.POSITIVE_INFINITY : Number(line?.[1] ?? NaN);
}

/** Descriptors kept free for the database pools, the broker connections and the modules. */
const SPARE_FILES = 2000;

/**
 * Subscriptions per WebSocket in the demo layout: its one process holds both ends of every
 * socket, so where two descriptors per socket would pass the open-file limit, sockets carry more.
 */
function demoPerSocket(subscriptions: number): number {
  const sockets = Math.floor((openFileLimit() - SPARE_FILES) / 2);
  return Math.max(settings.perSocket, Math.ceil(subscriptions / Math.max(1, sockets)));
}

const loads = () =>
  loadavg()
    .map((value) => value.toFixed(2))
    .join(' / ');

/**
 * The processes a layout runs, by the name the report gives them: their CPU and memory are
 * measured separately. `postgres` is matched by the scratch database's name in the backends'
 * process titles (update_process_title), so other databases' work is not counted.
 */
interface Processes {
  roles: Map<string, number>;
  /** This process (publisher and subscriber threads), unless a role already counts it. */
  bench: number | undefined;
  broker: number | undefined;
  database: string;
}

interface CpuSnapshot {
  at: number;
  ticks: Map<string, number>;
  /** The scratch database's PostgreSQL backends by process id: they come and go. */
  backends: Map<number, number>;
  machine: { busy: number; total: number };
}

function cpuSnapshot(processes: Processes): CpuSnapshot {
  const ticks = new Map<string, number>();
  for (const [name, pid] of processes.roles) ticks.set(name, cpuTicks(pid));
  if (processes.bench !== undefined) ticks.set('bench', cpuTicks(processes.bench));
  if (processes.broker !== undefined) ticks.set('broker', cpuTicks(processes.broker));
  const backends = new Map(
    pidsWith(` ${processes.database} `).map((pid) => [pid, cpuTicks(pid)] as const),
  );
  return { at: performance.now(), ticks, backends, machine: machineTicks() };
}

/** CPU between two snapshots: per process in % of one core; `machine` in % of all cores. */
function cpuBetween(before: CpuSnapshot, after: CpuSnapshot): Map<string, number> {
  const seconds = (after.at - before.at) / 1000;
  const used = new Map<string, number>();
  for (const [name, ticks] of after.ticks) {
    used.set(name, (100 * (ticks - (before.ticks.get(name) ?? 0))) / HZ / seconds);
  }
  // A backend that ended meanwhile is not counted; one that started counts from its start.
  let postgres = 0;
  for (const [pid, ticks] of after.backends) postgres += ticks - (before.backends.get(pid) ?? 0);
  used.set('postgres', (100 * postgres) / HZ / seconds);
  used.set(
    'machine',
    (100 * (after.machine.busy - before.machine.busy)) /
      Math.max(1, after.machine.total - before.machine.total),
  );
  return used;
}

function rssOfAll(processes: Processes): Map<string, number> {
  return new Map([...processes.roles].map(([name, pid]) => [name, rssOf(pid)]));
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/**
 * The first `wanted` equipment assets, the seeded ones first; where the small seed has fewer,
 * machines are added under its first line, as a larger plant would have them.
 */
async function benchMachines(sql: Sql, wanted: number): Promise<Machine[]> {
  const seeded = await sql.query<Machine & { parent_id: string }>(
    "select id, path, parent_id from asset where kind = 'EQUIPMENT' order by path",
  );
  const [first] = seeded;
  if (!first) throw new Error('the small seed has no equipment');
  const missing = wanted - seeded.length;
  const added =
    missing > 0
      ? await sql.query<Machine>(
          `insert into asset (parent_id, kind, name, path)
             select $1, 'EQUIPMENT', name, $2 || '/' || name
               from (select 'Bench Machine ' || lpad(n::text, 5, '0') as name
                       from generate_series(1, $3::int) n) names
           returning id, path`,
          [first.parent_id, first.path.slice(0, first.path.lastIndexOf('/')), missing],
        )
      : [];
  return [...seeded, ...added].slice(0, wanted).map(({ id, path }) => ({ id, path }));
}

/**
 * An API key as an MES screen would hold one: the least role that may subscribe, limited to the
 * site of the machines.
 */
async function screenKey(sql: Sql, machines: Machine[]): Promise<string> {
  const [site] = await sql.query<{ id: string }>(
    "select id from asset where kind = 'SITE' and $1 like path || '/%'",
    [machines[0]?.path],
  );
  if (!site) throw new Error('the bench machines lie under no site');
  const { key } = await createApiKey(sql, {
    role: SUBSCRIPTION_ROLE,
    sites: allSites ? null : [site.id],
    label: 'bench:live screens',
  });
  return key;
}

/**
 * The `index`th address of the loopback range after 127.0.0.1 (127.0.0.2, …): every socket comes
 * from an address of its own, like screens on hosts of their own, so that per-client-address
 * limits apply per screen.
 */
function loopbackAddress(index: number): string {
  // Host numbers 1 to 254 in the last octet; 127.0.0.1 stays the gateway's.
  const host = index + 1;
  return `127.0.${Math.floor(host / 254) % 256}.${(host % 254) + 1}`;
}

/** `count` subscriptions' machine ids, round-robin over `machines`. */
function roundRobin(machines: Machine[], count: number): string[] {
  return Array.from({ length: count }, (_, index) => machines[index % machines.length]?.id ?? '');
}

interface Opened {
  subscriptions: number;
  sockets: number;
  /** From opening until every subscription received an event. */
  confirmMs: number;
  unconfirmed: number;
  /** Gateway gauges once confirmed. */
  clients: number | undefined;
  upstream: number | undefined;
  /** Event streams the subgraphs hold on the bus, where this process can count them. */
  streams: number | undefined;
  /** Each role's resident set size before opening and once every subscription was confirmed. */
  rssBefore: Map<string, number>;
  rssHeld: Map<string, number>;
  /** Whether the gateway and subgraphs let go of every subscription once they were closed. */
  released: boolean;
}

interface Measured {
  rate: number;
  published: number;
  expected: number;
  delivered: number;
  latencies: Float64Array;
  incomplete: number;
  errors: number;
  firstError: string | undefined;
  ended: number;
  /** Per process in % of one core, and `machine` in % of all cores. */
  cpu: Map<string, number>;
}

/** One layout running: where its gateway is and which processes it consists of. */
interface Plant {
  layout: LayoutName;
  sql: Sql;
  machines: Machine[];
  wsUrl: string;
  metricsUrl: string;
  processes: Processes;
  /** Bus streams of the subgraphs, where they run in this process. */
  streams(): number | undefined;
  /** Subscriptions per WebSocket when opening `subscriptions`. */
  perSocket(subscriptions: number): number;
  publisher: Publisher;
  threads: Subscribers[];
}

/** The plant under test, the publisher and the subscriber threads, and what is done with them. */
class LiveBench {
  constructor(private readonly plant: Plant) {}

  /**
   * Opens one subscription per entry of `assetIds`, `perSocket` to a WebSocket, the sockets
   * spread over the subscriber threads; then publishes an event to every machine with a
   * subscription that has not received one, until none is left: only an event proves that a
   * subscription is live, whatever the gateway shares upstream.
   */
  async open(assetIds: string[]): Promise<Omit<Opened, 'released'>> {
    const rssBefore = rssOfAll(this.plant.processes);
    const started = Date.now();
    const perSocket = this.plant.perSocket(assetIds.length);
    const { threads, machines } = this.plant;
    const perThread = threads.map((): Socket[] => []);
    for (let offset = 0; offset < assetIds.length; offset += perSocket) {
      const index = offset / perSocket;
      perThread[index % perThread.length]?.push({
        localAddress: loopbackAddress(index),
        assetIds: assetIds.slice(offset, offset + perSocket),
      });
    }
    await Promise.all(
      threads.map((thread, index) => thread.ask({ kind: 'open', sockets: perThread[index] ?? [] })),
    );
    const byId = new Map(machines.map((machine) => [machine.id, machine]));
    const deadline = Date.now() + 300_000;
    let left = Number.POSITIVE_INFINITY;
    let progressAt = 0;
    for (;;) {
      const replies = await this.ask({ kind: 'unconfirmed' });
      const unconfirmed = sum(replies, 'count');
      if (unconfirmed === 0 || Date.now() > deadline) {
        left = unconfirmed;
        break;
      }
      if (unconfirmed < left) {
        left = unconfirmed;
        progressAt = Date.now();
      }
      // Resend only once the last round stopped confirming: a busy gateway is merely behind.
      if (progressAt === 0 || Date.now() - progressAt > 2000) {
        const targets = [...new Set(replies.flatMap((reply) => reply.assetIds ?? []))].flatMap(
          (id) => byId.get(id) ?? [],
        );
        await this.publish(targets, targets.length, CONFIRM_RATE, 'confirm');
        progressAt = Date.now();
      }
      await sleep(250);
    }
    const confirmMs = Date.now() - started;
    await this.drain('confirm', Number.POSITIVE_INFINITY, 1000);
    await this.ask({ kind: 'take', tag: 'confirm' });
    const { clients, upstream } = await this.gauges();
    return {
      subscriptions: assetIds.length,
      sockets: Math.ceil(assetIds.length / perSocket),
      confirmMs,
      unconfirmed: left,
      clients,
      upstream,
      streams: this.plant.streams(),
      rssBefore,
      rssHeld: rssOfAll(this.plant.processes),
    };
  }

  /** Closes every subscription; whether the gateway and the subgraphs let go of all of them. */
  async close(): Promise<boolean> {
    await this.ask({ kind: 'close' });
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const { clients, upstream } = await this.gauges();
      if (!clients && !upstream && !this.plant.streams()) return true;
      await sleep(250);
    }
    return false;
  }

  /** Publishes and discards events tagged `tag` for `seconds`: JIT, pools and caches warm up. */
  async warmUp(perSecond: number, seconds: number): Promise<void> {
    await this.publish(this.plant.machines, perSecond * seconds, perSecond, 'warm-up');
    await this.drain('warm-up', Number.POSITIVE_INFINITY, 2000);
    await this.ask({ kind: 'take', tag: 'warm-up' });
  }

  /** Publishes `perSecond` events for `seconds` to the subscriptions of `assetIds`. */
  async measure(assetIds: string[], perSecond: number, seconds: number, tag: string) {
    const { machines, processes } = this.plant;
    const subscribed = new Map<string, number>();
    for (const id of assetIds) subscribed.set(id, (subscribed.get(id) ?? 0) + 1);
    const from = cpuSnapshot(processes);
    const report = await this.publish(machines, perSecond * seconds, perSecond, tag);
    const cpu = cpuBetween(from, cpuSnapshot(processes));
    const expected = machines.reduce(
      (total, machine, index) =>
        total + (report.perMachine[index] ?? 0) * (subscribed.get(machine.id) ?? 0),
      0,
    );
    // A gateway that fell behind keeps delivering long after the last publish.
    await this.drain(tag, expected, 10_000);
    const replies = await this.ask({ kind: 'take', tag });
    const latencies = new Float64Array(sum(replies, 'count'));
    let offset = 0;
    for (const reply of replies) {
      latencies.set(reply.latencies ?? [], offset);
      offset += reply.latencies?.length ?? 0;
    }
    latencies.sort();
    const measured: Measured = {
      rate: perSecond,
      published: report.perMachine.reduce((total, value) => total + value, 0),
      expected,
      delivered: latencies.length,
      latencies,
      incomplete: sum(replies, 'incomplete'),
      errors: sum(replies, 'errors'),
      firstError: replies.find((reply) => reply.firstError)?.firstError,
      ended: sum(replies, 'ended'),
      cpu,
    };
    return measured;
  }

  /** Waits until `expected` events tagged `tag` arrived, or none arrived for `quietMs`. */
  async drain(tag: string, expected: number, quietMs = 3000): Promise<void> {
    const deadline = Date.now() + 120_000;
    let last = -1;
    let changedAt = Date.now();
    while (Date.now() < deadline) {
      const received = sum(await this.ask({ kind: 'count', tag }), 'count');
      if (received >= expected) return;
      if (received !== last) {
        last = received;
        changedAt = Date.now();
      } else if (Date.now() - changedAt > quietMs) {
        return;
      }
      await sleep(100);
    }
  }

  /** Publishes `total` events round-robin over `targets`, tagged, and waits until all are sent. */
  async publish(targets: Machine[], total: number, perSecond: number, tag: string) {
    const report = await this.plant.publisher.ask({
      machines: targets,
      count: total,
      perSecond,
      tag,
    });
    if (!report) throw new Error('the publisher did not report');
    return report;
  }

  ask(request: SubscribersRequest): Promise<SubscribersReply[]> {
    return Promise.all(this.plant.threads.map((thread) => thread.ask(request)));
  }

  /** The gateway's subscription gauges from its /metrics. */
  async gauges(): Promise<{ clients?: number; upstream?: number }> {
    const text = await (await fetch(this.plant.metricsUrl)).text();
    const read = (metric: string) => {
      const match = new RegExp(`^${metric} (\\S+)$`, 'm').exec(text);
      return match ? Number(match[1]) : undefined;
    };
    return {
      clients: read('plantgraph_gateway_subscriptions'),
      upstream: read('plantgraph_gateway_upstream_subscriptions'),
    };
  }
}

function sum(
  replies: SubscribersReply[],
  field: 'count' | 'incomplete' | 'errors' | 'ended',
): number {
  return replies.reduce((total, reply) => total + (reply[field] ?? 0), 0);
}

/** One run: the load at full rate, then the many held subscriptions. */
interface Round {
  load: Measured;
  loadOpened: Opened;
  hold: Measured;
  holdOpened: Opened;
}

async function round(bench: LiveBench, machines: Machine[]): Promise<Round> {
  const screens = roundRobin(machines, settings.subscribers);
  const loadOpening = await bench.open(screens);
  await bench.warmUp(settings.rate, settings.warmUpSeconds);
  const load = await bench.measure(screens, settings.rate, settings.seconds, 'load');
  const loadOpened = { ...loadOpening, released: await bench.close() };
  const held = roundRobin(machines, settings.hold);
  const holdOpening = await bench.open(held);
  const hold = await bench.measure(held, settings.holdRate, settings.holdSeconds, 'hold');
  const holdOpened = { ...holdOpening, released: await bench.close() };
  return { load, loadOpened, hold, holdOpened };
}

/** A scratch database with the small demo seed, the bench machines and the screens' key. */
interface Database {
  url: string;
  name: string;
  sql: Sql;
  capabilities: StorageCapabilities;
  machines: Machine[];
  apiKey: string;
}

async function prepareDatabase(resources: Resources, layout: LayoutName): Promise<Database> {
  const name = `plantgraph_bench_live_${layout}_${randomBytes(4).toString('hex')}`;
  await admin(`create database ${name}`);
  resources.add({ close: () => admin(`drop database if exists ${name} with (force)`) });
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const { sql, capabilities } = await openDatabase({ databaseUrl: url.toString() });
  resources.add(sql);
  await seedDemoPlant(sql, { size: 'small', now: new Date() });
  const machines = await benchMachines(sql, settings.machines);
  const apiKey = await screenKey(sql, machines);
  return { url: url.toString(), name, sql, capabilities, machines, apiKey };
}

/** The publisher and subscriber threads of this process, for the gateway at `wsUrl`. */
async function startClients(
  resources: Resources,
  mqttUrl: string,
  prefix: string,
  wsUrl: string,
  apiKey: string,
): Promise<{ publisher: Publisher; threads: Subscribers[] }> {
  const publisher: Publisher = await Thread.start('./live-publisher.ts', { mqttUrl, prefix });
  resources.add({
    close: async () => {
      // A clean MQTT disconnect, unless the publisher is gone already.
      await Promise.race([publisher.ask('close'), sleep(2000)]);
      await publisher.worker.terminate();
    },
  });
  const threads: Subscribers[] = [];
  for (let index = 0; index < settings.workers; index++) {
    const thread: Subscribers = await Thread.start('./live-subscribers.ts', {
      url: wsUrl,
      connectionParams: { authorization: `Bearer ${apiKey}` },
    });
    threads.push(thread);
    resources.add({ close: () => thread.worker.terminate() });
  }
  return { publisher, threads };
}

/** gateway-1 and one replica of each subgraph as processes of the build output. */
async function startTopology(resources: Resources, database: Database): Promise<Plant> {
  const broker = externalMqttUrl ? undefined : await DedicatedBroker.start();
  if (broker) resources.add({ close: () => broker.down() });
  const mqttUrl = externalMqttUrl ?? broker?.url ?? '';
  // A namespace of this run's own, so that other traffic on a shared broker stays out.
  const prefix = `bench-${randomBytes(3).toString('hex')}/${DEFAULT_BUS_PREFIX}`;
  const roles = await startBenchTopology({
    databaseUrl: database.url,
    mqttUrl,
    gatewayEnv: GATEWAY_ENV,
    env: { PLANTGRAPH_BUS_PREFIX: prefix },
    cpuProfileDirectory: settings.cpuProfileDirectory,
  });
  resources.add({
    close: () => stopBenchTopology(roles, Boolean(settings.cpuProfileDirectory)),
  });
  const port = roles.role(GATEWAY).service.port;
  const wsUrl = `ws://127.0.0.1:${port}/graphql`;
  const clients = await startClients(resources, mqttUrl, prefix, wsUrl, database.apiKey);
  const brokerPid = broker
    ? pidsWith(broker.directory).find((pid) => pid !== process.pid)
    : undefined;
  return {
    layout: 'topology',
    sql: database.sql,
    machines: database.machines,
    wsUrl,
    metricsUrl: `http://127.0.0.1:${port}/metrics`,
    processes: {
      roles: new Map(ROLES.map((name) => [name, roles.role(name).pid ?? 0])),
      bench: process.pid,
      broker: brokerPid,
      database: database.name,
    },
    streams: () => undefined,
    perSocket: () => settings.perSocket,
    ...clients,
  };
}

/** The demo layout: gateway, subgraphs and broker in this process, as `plantgraph demo` runs. */
async function startDemo(resources: Resources, database: Database): Promise<Plant> {
  const { sql, capabilities } = database;
  const prisma = await createPrismaClient(sql);
  resources.add({ close: () => prisma.$disconnect() });
  const mqttUrl = externalMqttUrl ?? resources.add(await startEmbeddedBroker({ port: 0 })).url;
  const prefix = `bench-${randomBytes(3).toString('hex')}/${DEFAULT_BUS_PREFIX}`;
  const events = resources.add(
    await EventBus.connect({ url: mqttUrl, clientId: `bench-subgraphs-${process.pid}`, prefix }),
  );
  const plant = resources.add(
    await startPlant({
      services: { sql, prisma, capabilities, logger, events },
      port: 0,
      host: '127.0.0.1',
      subgraphPortsFrom: 0,
      sandbox: false,
      // All screens present one key here; in a plant each would have its own.
      limits: { maxSubscriptionsPerCaller: 100_000 },
    }),
  );
  const wsUrl = plant.url.replace(/^http/, 'ws');
  const clients = await startClients(resources, mqttUrl, prefix, wsUrl, database.apiKey);
  return {
    layout: 'demo',
    sql,
    machines: database.machines,
    wsUrl,
    metricsUrl: plant.url.replace(/\/graphql$/, '/metrics'),
    processes: {
      roles: new Map([['demo process', process.pid]]),
      bench: undefined,
      broker: undefined,
      database: database.name,
    },
    streams: activeEventStreams,
    perSocket: demoPerSocket,
    ...clients,
  };
}

interface LayoutResult {
  layout: LayoutName;
  rounds: Round[];
  capabilities: StorageCapabilities;
  broker: string;
}

async function runLayout(layout: LayoutName): Promise<LayoutResult> {
  const resources = new Resources();
  try {
    const database = await prepareDatabase(resources, layout);
    const plant =
      layout === 'topology'
        ? await startTopology(resources, database)
        : await startDemo(resources, database);
    const bench = new LiveBench(plant);
    const rounds: Round[] = [];
    for (let run = 0; run < settings.runs; run++) {
      rounds.push(await round(bench, plant.machines));
      console.error(`bench:live ${layout}: run ${run + 1} of ${settings.runs} done`);
    }
    const broker = externalMqttUrl
      ? `broker ${externalMqttUrl}`
      : layout === 'topology'
        ? 'a Mosquitto process of its own'
        : 'a broker embedded in the process';
    return { layout, rounds, capabilities: database.capabilities, broker };
  } finally {
    await resources.close();
  }
}

const median = (values: number[]) => {
  const sorted = values.filter((value) => !Number.isNaN(value)).sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? NaN;
};

function whole(value: number): string {
  return Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : 'n/a';
}

const ms = (value: number) => (Number.isFinite(value) ? `${whole(value)} ms` : 'n/a');
const percent = (value: number) => (Number.isFinite(value) ? `${value.toFixed(0)} %` : 'n/a');
const megabytes = (bytes: number) =>
  Number.isFinite(bytes) ? `${(bytes / 2 ** 20).toFixed(0)} MB` : 'n/a';
const kilobytes = (bytes: number) =>
  Number.isFinite(bytes) ? `${(bytes / 1024).toFixed(1)} KB` : 'n/a';

/** The median of the runs and their spread, lowest to highest. */
function spread(values: number[], format: (value: number) => string): string {
  if (values.length === 1) return format(values[0] ?? NaN);
  const known = values.filter((value) => !Number.isNaN(value));
  if (known.length === 0) return 'n/a';
  return `${format(median(known))} (${format(Math.min(...known))}–${format(Math.max(...known))})`;
}

const p = (measured: Measured, at: number) => percentile(measured.latencies, at);
const max = (measured: Measured) => measured.latencies[measured.latencies.length - 1] ?? NaN;
const lost = (measured: Measured) => measured.expected - measured.delivered;
const rssDelta = (opened: Opened, names: string[]) =>
  names.reduce(
    (total, name) =>
      total + (opened.rssHeld.get(name) ?? NaN) - (opened.rssBefore.get(name) ?? NaN),
    0,
  );

/** The table of one layout: the load and the hold side by side, median (spread) of the runs. */
function layoutTable({ layout, rounds }: LayoutResult): string {
  const gateway = layout === 'topology' ? GATEWAY : 'demo process';
  const subgraphs = layout === 'topology' ? SUBGRAPHS : [];
  const row = (
    measure: string,
    value: (measured: Measured, opened: Opened) => number,
    format: (value: number) => string,
  ) => {
    const load = rounds.map((one) => value(one.load, one.loadOpened));
    const hold = rounds.map((one) => value(one.hold, one.holdOpened));
    return `| ${measure} | ${spread(load, format)} | ${spread(hold, format)} |`;
  };
  const cpuNames = [...(rounds[0]?.load.cpu.keys() ?? [])];
  const cpuRows = cpuNames.map((name) =>
    row(
      name === 'machine' ? 'machine CPU (all processes, % of all cores)' : `CPU ${name}`,
      (measured) => measured.cpu.get(name) ?? NaN,
      percent,
    ),
  );
  const firstError = (phase: 'load' | 'hold') =>
    rounds.map((one) => one[phase].firstError).find((error) => error) ?? 'none';
  const deliveries = (phase: 'load' | 'hold') =>
    rounds
      .map((one) => `${whole(one[phase].delivered)} of ${whole(one[phase].expected)}`)
      .join(', ');
  return [
    '| measure | load | hold |',
    '|---|---|---|',
    row('subscriptions', (_, opened) => opened.subscriptions, whole),
    row('WebSockets', (_, opened) => opened.sockets, whole),
    row(
      'open until each had an event',
      (_, opened) => opened.confirmMs / 1000,
      (s) => `${s.toFixed(1)} s`,
    ),
    row('never confirmed', (_, opened) => opened.unconfirmed, whole),
    row('gateway client subscriptions', (_, opened) => opened.clients ?? NaN, whole),
    row('gateway upstream subscriptions', (_, opened) => opened.upstream ?? NaN, whole),
    row('events published', (measured) => measured.published, whole),
    `| deliveries, each run | ${deliveries('load')} | ${deliveries('hold')} |`,
    row('lost (expected - delivered)', lost, whole),
    row('latency p50', (measured) => p(measured, 50), ms),
    row('latency p99', (measured) => p(measured, 99), ms),
    row('latency max', max, ms),
    row('error results', (measured) => measured.errors, whole),
    `| first error, any run | ${firstError('load')} | ${firstError('hold')} |`,
    row('subscriptions ended by the gateway', (measured) => measured.ended, whole),
    row('events without asset name', (measured) => measured.incomplete, whole),
    ...cpuRows,
    row(
      `RSS ${gateway} before opening`,
      (_, opened) => opened.rssBefore.get(gateway) ?? NaN,
      megabytes,
    ),
    row(`RSS ${gateway} holding`, (_, opened) => opened.rssHeld.get(gateway) ?? NaN, megabytes),
    row(
      `RSS ${gateway} per held subscription`,
      (_, opened) => rssDelta(opened, [gateway]) / opened.subscriptions,
      kilobytes,
    ),
    ...(subgraphs.length > 0
      ? [
          row('RSS subgraphs (five) delta', (_, opened) => rssDelta(opened, subgraphs), megabytes),
          row(
            'RSS subgraphs per held subscription',
            (_, opened) => rssDelta(opened, subgraphs) / opened.subscriptions,
            kilobytes,
          ),
        ]
      : []),
    row('all released after closing (1 = yes)', (_, opened) => (opened.released ? 1 : 0), whole),
  ].join('\n');
}

function verdict(tested: boolean, met: boolean): string {
  if (!tested) return 'not tested (smaller run)';
  return met ? 'PASS' : 'MISS';
}

/** The issue's goals against the median run of a layout; nothing lost in any run. */
function goals({ layout, rounds }: LayoutResult): string {
  const { subscribers, rate, hold, holdRate } = settings;
  const loadP99 = median(rounds.map((one) => p(one.load, 99)));
  const holdP99 = median(rounds.map((one) => p(one.hold, 99)));
  const loadLost = rounds.reduce((total, one) => total + lost(one.load) + one.load.ended, 0);
  // Ended counts from opening on, so a subscription confirmed and then dropped is not held.
  const heldToTheEnd = Math.min(
    ...rounds.map(
      (one) => one.holdOpened.subscriptions - one.holdOpened.unconfirmed - one.hold.ended,
    ),
  );
  const holdLost = rounds.reduce((total, one) => total + lost(one.hold), 0);
  const loadMet = loadLost === 0 && loadP99 <= GOAL.p99Ms;
  const holdMet = heldToTheEnd === hold && holdLost === 0 && holdP99 <= GOAL.holdP99Ms;
  return [
    `| goal (${layout}) | measured (median of ${rounds.length}; losses over all runs) | result |`,
    '|---|---|---|',
    `| p99 <= ${GOAL.p99Ms} ms, all delivered, ${whole(GOAL.subscribers)} subscriptions x ${whole(GOAL.rate)} events/s | p99 ${ms(loadP99)}, ${whole(loadLost)} lost or ended | ${verdict(subscribers >= GOAL.subscribers && rate >= GOAL.rate, loadMet)} |`,
    `| ${whole(GOAL.hold)} WebSockets, one subscription each, one gateway, p99 <= ${GOAL.holdP99Ms} ms at ${holdRate} events/s | ${whole(heldToTheEnd)} held to the end in every run, p99 ${ms(holdP99)}, ${whole(holdLost)} lost | ${verdict(hold >= GOAL.hold && rounds.every((one) => one.holdOpened.sockets === hold), holdMet)} |`,
  ].join('\n');
}

function report(results: LayoutResult[], loadAtStart: string): string {
  const { subscribers, rate, seconds, warmUpSeconds, hold, holdRate, holdSeconds, perSocket } =
    settings;
  const capabilities = results[0]?.capabilities;
  const storage = capabilities?.timescaleVersion
    ? `PostgreSQL ${capabilities.postgresVersion} + TimescaleDB ${capabilities.timescaleVersion}`
    : `PostgreSQL ${capabilities?.postgresVersion}, plain tables`;
  const sections = results.map(
    (result) =>
      `### ${result.layout === 'topology' ? 'Topology: each role a process' : 'Demo layout: one process (baseline)'} (${result.broker})\n\n${layoutTable(result)}\n\n${goals(result)}`,
  );
  return `
Live subscriptions benchmark (${cpus().length} cores, Node ${process.version}, ${storage})
Load average (1 / 5 / 15 min) at start: ${loadAtStart}; at end: ${loads()}
Method: the small demo seed, ${whole(settings.machines)} machines in all (bench machines added under its line). A worker
thread of the benchmark publishes machine state events round-robin over the machines, each stamped with its publish
instant (its \`since\`); ${settings.workers} subscriber threads hold graphql-ws clients of the gateway, ${perSocket} subscription(s)
per WebSocket unless stated, each socket from a loopback address of its own (127.0.x.y), each
\`machineStateChanged(assetIds: [one machine]) { state since reason asset { id name } }\`, machines round-robin,
all with one ${SUBSCRIPTION_ROLE} API key for ${allSites ? 'every site' : "the machines' site"}. Latency = receive time - since.
A subscription counts as open once it has received an event; deliveries are counted against
events published x subscriptions of their machine.
Each run: load = ${whole(subscribers)} subscriptions, ${warmUpSeconds} s warm-up, then ${whole(rate)} events/s for ${seconds} s; closed;
hold = ${whole(hold)} subscriptions, then ${whole(holdRate)} events/s for ${holdSeconds} s; closed. ${settings.runs} run(s) per layout:
median (lowest–highest).
CPU over the publishing window from /proc, in % of one core per process: the roles, this benchmark's process
(publisher and subscriber threads; in the demo layout it is the demo process), the broker and the scratch
database's PostgreSQL backends. The clients share the machine's ${cpus().length} cores with the gateway.
RSS from /proc/<pid>/status: before opening and once every subscription had an event; per held subscription =
delta / subscriptions (in the demo layout the process also holds the clients' sockets).
Settings departing from defaults: gateway ${Object.entries(GATEWAY_ENV)
    .map(([name, value]) => `${name}=${value}`)
    .join(', ')} (every screen presents one key); demo layout
maxSubscriptionsPerCaller 100000; open files (ulimit -n) of this process and the roles: ${openFileLimit()} (the demo
layout's process holds both ends of every socket: where 2 descriptors per socket would pass that limit, a socket
carries several subscriptions, see "WebSockets");
roles of the topology without Redis (each counts its own limits).

${sections.join('\n\n')}
`;
}

if (settings.layouts.includes('topology') && !existsSync(cli)) {
  throw new Error('bench:live runs the topology from the build output: `npm run build` first');
}
const loadAtStart = loads();
console.error(`bench:live: load average at start ${loadAtStart}`);
const results: LayoutResult[] = [];
for (const layout of settings.layouts) results.push(await runLayout(layout));
console.log(report(results, loadAtStart));

/**
 * Live subscriptions benchmark: graphql-ws subscribers of the federated gateway, each following one
 * machine's state changes (an MES screen per machine), while a publisher drives state events over
 * the event bus. Prints publish-to-client latency, deliveries against those expected, CPU and
 * memory; then holds many subscriptions at once and measures again.
 *
 *   npm run bench:live [-- --subscribers 1000 --rate 1000 --seconds 20 --hold 10000]
 *   npm run bench:live -- --quick
 *
 * Further flags: --machines (equipment published to and subscribed, round-robin; added under the
 * seeded line where the small seed has fewer), --per-socket (subscriptions per WebSocket),
 * --workers (subscriber threads), --warm-up (seconds), --hold-rate, --hold-seconds, --all-sites
 * (the screens' API key sees every site instead of the machines' one).
 * --database-url (default BENCH_DATABASE_URL, else TEST_DATABASE_URL, else
 * postgres://postgres@127.0.0.1:5432/test): a scratch database is created next to it and dropped
 * afterwards. --mqtt-url (default BENCH_MQTT_URL, else a broker embedded in this process, as the
 * demo runs it).
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import pg from 'pg';
import { createApiKey, SUBSCRIPTION_ROLE } from '@plantgraph/auth';
import { DEFAULT_BUS_PREFIX, EventBus, startEmbeddedBroker } from '@plantgraph/bus';
import { createLogger } from '@plantgraph/config';
import { openDatabase, type Sql, type StorageCapabilities } from '@plantgraph/db';
import { createPrismaClient } from '@plantgraph/db/prisma';
import { seedDemoPlant, startPlant } from '@plantgraph/demo';
import { activeEventStreams } from '@plantgraph/graph';
import type { Machine, PublishReport, PublishRequest } from './live-publisher.ts';
import type { Socket, SubscribersReply, SubscribersRequest } from './live-subscribers.ts';

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

const settings = {
  subscribers: count('subscribers', 1000, 50),
  rate: count('rate', 1000, 100),
  seconds: count('seconds', 20, 3),
  warmUpSeconds: count('warm-up', 3, 1),
  hold: count('hold', 10_000, 500),
  holdRate: count('hold-rate', 100),
  holdSeconds: count('hold-seconds', 10, 3),
  machines: count('machines', 1000, 50),
  perSocket: count('per-socket', 100, 25),
  workers: count('workers', 1),
};
const adminUrl =
  option('database-url') ??
  process.env.BENCH_DATABASE_URL ??
  process.env.TEST_DATABASE_URL ??
  'postgres://postgres@127.0.0.1:5432/test';
const externalMqttUrl = option('mqtt-url') ?? process.env.BENCH_MQTT_URL;
/** Confirmation rounds publish one event per machine at this rate. */
const CONFIRM_RATE = 1000;
const GOAL = { p99Ms: 50, subscribers: 1000, rate: 1000, hold: 10_000 };

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

/** CPU time of the whole machine (`/proc/stat`, proc(5)), in clock ticks; Linux only. */
function machineTicks(): { busy: number; total: number } | undefined {
  try {
    const [line = ''] = readFileSync('/proc/stat', 'utf8').split('\n', 1);
    const ticks = line.trim().split(/\s+/).slice(1).map(Number);
    const total = ticks.reduce((sum, value) => sum + value, 0);
    // The fourth and fifth fields are idle and iowait.
    return { busy: total - (ticks[3] ?? 0) - (ticks[4] ?? 0), total };
  } catch {
    return undefined;
  }
}

/**
 * CPU ticks (user + system) of the PostgreSQL backends serving `database`, by process id; Linux
 * only. A backend names its database in its process title (postgres' update_process_title).
 */
function postgresTicks(database: string): Map<number, number> | undefined {
  const ticks = new Map<number, number>();
  try {
    for (const pid of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
      try {
        if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(` ${database} `)) continue;
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        // utime and stime are fields 14 and 15; the text after the command name starts at field 3.
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        ticks.set(Number(pid), Number(fields[11]) + Number(fields[12]));
      } catch {
        // The process ended meanwhile.
      }
    }
    return ticks;
  } catch {
    return undefined;
  }
}

interface CpuSample {
  process: NodeJS.CpuUsage;
  wall: number;
  machine: ReturnType<typeof machineTicks>;
  postgres: Map<number, number> | undefined;
  main: EventLoopUtilization;
  subscribers: EventLoopUtilization[];
  publisher: EventLoopUtilization;
}

/** CPU over a window, in percent of one core; thread shares from event loop utilization. */
interface CpuShares {
  process: number;
  main: number;
  subscribers: number;
  publisher: number;
  postgres: number | undefined;
  machine: number | undefined;
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
  machines: number;
  /** From opening until every subscription received an event. */
  confirmMs: number;
  unconfirmed: number;
  /** Gateway gauges once confirmed; `clients` where the gateway has that gauge. */
  clients: number | undefined;
  upstream: number | undefined;
  /** Event streams the subgraphs hold on the bus. */
  streams: number;
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
  cpu: CpuShares;
  statementsPerDelivery: number;
  rss: number;
  mainHeap: number;
}

/** The plant under test, the publisher and the subscriber threads, and what is done with them. */
class LiveBench {
  constructor(
    private readonly sql: Sql,
    /** The scratch database's name, to find its PostgreSQL backends. */
    private readonly database: string,
    private readonly machines: Machine[],
    private readonly metricsUrl: string,
    private readonly publisher: Publisher,
    private readonly threads: Subscribers[],
  ) {}

  /**
   * Opens one subscription per entry of `assetIds`, `perSocket` to a WebSocket, the sockets
   * spread over the subscriber threads; then publishes an event to every machine with a
   * subscription that has not received one, until none is left: only an event proves that a
   * subscription is live, whatever the gateway shares upstream.
   */
  async open(assetIds: string[]): Promise<Omit<Opened, 'released'>> {
    const started = Date.now();
    const { perSocket } = settings;
    const perThread = this.threads.map((): Socket[] => []);
    for (let offset = 0; offset < assetIds.length; offset += perSocket) {
      const index = offset / perSocket;
      perThread[index % perThread.length]?.push({
        localAddress: loopbackAddress(index),
        assetIds: assetIds.slice(offset, offset + perSocket),
      });
    }
    await Promise.all(
      this.threads.map((thread, index) =>
        thread.ask({ kind: 'open', sockets: perThread[index] ?? [] }),
      ),
    );
    const byId = new Map(this.machines.map((machine) => [machine.id, machine]));
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
      machines: new Set(assetIds).size,
      confirmMs,
      unconfirmed: left,
      clients,
      upstream,
      streams: activeEventStreams(),
    };
  }

  /** Closes every subscription; whether the gateway and the subgraphs let go of all of them. */
  async close(): Promise<boolean> {
    await this.ask({ kind: 'close' });
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const { clients, upstream } = await this.gauges();
      if (!clients && !upstream && activeEventStreams() === 0) return true;
      await sleep(250);
    }
    return false;
  }

  /** Publishes and discards events tagged `tag` for `seconds`: JIT, pools and caches warm up. */
  async warmUp(perSecond: number, seconds: number): Promise<void> {
    await this.publish(this.machines, perSecond * seconds, perSecond, 'warm-up');
    await this.drain('warm-up', Number.POSITIVE_INFINITY, 2000);
    await this.ask({ kind: 'take', tag: 'warm-up' });
  }

  /** Publishes `perSecond` events for `seconds` to the subscriptions of `assetIds`. */
  async measure(assetIds: string[], perSecond: number, seconds: number, tag: string) {
    const subscribed = new Map<string, number>();
    for (const id of assetIds) subscribed.set(id, (subscribed.get(id) ?? 0) + 1);
    let statements = 0;
    const stopCounting = this.sql.observe(() => statements++);
    const from = this.sampleCpu();
    const report = await this.publish(this.machines, perSecond * seconds, perSecond, tag);
    const cpu = this.cpuSince(from);
    const expected = this.machines.reduce(
      (total, machine, index) =>
        total + (report.perMachine[index] ?? 0) * (subscribed.get(machine.id) ?? 0),
      0,
    );
    // A gateway that fell behind keeps delivering long after the last publish.
    await this.drain(tag, expected, 10_000);
    stopCounting();
    const replies = await this.ask({ kind: 'take', tag });
    const latencies = new Float64Array(sum(replies, 'count'));
    let offset = 0;
    for (const reply of replies) {
      latencies.set(reply.latencies ?? [], offset);
      offset += reply.latencies?.length ?? 0;
    }
    latencies.sort();
    const memory = process.memoryUsage();
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
      statementsPerDelivery: statements / Math.max(1, latencies.length),
      rss: memory.rss,
      mainHeap: memory.heapUsed,
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
    const report = await this.publisher.ask({ machines: targets, count: total, perSecond, tag });
    if (!report) throw new Error('the publisher did not report');
    return report;
  }

  ask(request: SubscribersRequest): Promise<SubscribersReply[]> {
    return Promise.all(this.threads.map((thread) => thread.ask(request)));
  }

  /** The gateway's subscription gauges from its /metrics. */
  async gauges(): Promise<{ clients?: number; upstream?: number }> {
    const text = await (await fetch(this.metricsUrl)).text();
    const read = (metric: string) => {
      const match = new RegExp(`^${metric} (\\S+)$`, 'm').exec(text);
      return match ? Number(match[1]) : undefined;
    };
    return {
      clients: read('plantgraph_gateway_subscriptions'),
      upstream: read('plantgraph_gateway_upstream_subscriptions'),
    };
  }

  sampleCpu(): CpuSample {
    return {
      process: process.cpuUsage(),
      wall: performance.now(),
      machine: machineTicks(),
      postgres: postgresTicks(this.database),
      main: performance.eventLoopUtilization(),
      subscribers: this.threads.map((thread) => thread.utilization()),
      publisher: this.publisher.utilization(),
    };
  }

  cpuSince(from: CpuSample): CpuShares {
    const to = this.sampleCpu();
    const used = process.cpuUsage(from.process);
    const ticks = to.machine && from.machine ? to.machine.total - from.machine.total : 0;
    const ticksPerCore = ticks / cpus().length;
    const busy = (utilization: EventLoopUtilization) => utilization.utilization * 100;
    return {
      process: ((used.user + used.system) / 1000 / (to.wall - from.wall)) * 100,
      main: busy(performance.eventLoopUtilization(to.main, from.main)),
      subscribers:
        this.threads.reduce(
          (total, thread, index) => total + busy(thread.utilization(from.subscribers[index])),
          0,
        ) / this.threads.length,
      publisher: busy(this.publisher.utilization(from.publisher)),
      machine:
        to.machine && from.machine && ticksPerCore > 0
          ? ((to.machine.busy - from.machine.busy) / ticksPerCore) * 100
          : undefined,
      postgres:
        to.postgres && from.postgres && ticksPerCore > 0
          ? ([...to.postgres].reduce(
              (total, [pid, own]) => total + own - (from.postgres?.get(pid) ?? 0),
              0,
            ) /
              ticksPerCore) *
            100
          : undefined,
    };
  }
}

function sum(
  replies: SubscribersReply[],
  field: 'count' | 'incomplete' | 'errors' | 'ended',
): number {
  return replies.reduce((total, reply) => total + (reply[field] ?? 0), 0);
}

interface Results {
  load: Measured;
  loadOpened: Opened;
  holding: Measured;
  holdOpened: Opened;
  rssBeforeHold: number;
  capabilities: StorageCapabilities;
  broker: string;
}

function whole(value: number): string {
  return Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : 'n/a';
}

function percent(value: number | undefined): string {
  return value === undefined ? 'n/a' : `${value.toFixed(0)} %`;
}

function megabytes(bytes: number): string {
  return `${whole(bytes / 2 ** 20)} MB`;
}

function latency({ latencies }: Measured): string {
  if (latencies.length === 0) return 'none delivered';
  const max = latencies[latencies.length - 1] ?? NaN;
  return `${[50, 95, 99].map((p) => whole(percentile(latencies, p))).join(' / ')} / ${whole(max)} ms`;
}

function deliveries({ delivered, expected }: Measured): string {
  const share = expected > 0 ? (delivered / expected) * 100 : 100;
  return `${whole(delivered)} of ${whole(expected)} (${share.toFixed(1)} %)`;
}

function gauges({ clients, upstream, streams }: Opened): string {
  const client = clients === undefined ? '' : `${whole(clients)} client / `;
  return `${client}${whole(upstream ?? NaN)} upstream / ${whole(streams)} on the bus`;
}

function confirmed({ confirmMs, unconfirmed }: Opened): string {
  const missing = unconfirmed > 0 ? `, ${whole(unconfirmed)} never` : '';
  return `${(confirmMs / 1000).toFixed(1)} s${missing}`;
}

/** CPU of processes that are neither this one nor PostgreSQL: another job sharing the machine. */
function others(cpu: CpuShares): number | undefined {
  if (cpu.machine === undefined || cpu.postgres === undefined) return undefined;
  return Math.max(0, cpu.machine - cpu.process - cpu.postgres);
}

function verdict(tested: boolean, met: boolean): string {
  if (!tested) return 'not tested (smaller run)';
  return met ? 'PASS' : 'MISS';
}

function report(results: Results): string {
  const { load, loadOpened, holding, holdOpened, rssBeforeHold, capabilities, broker } = results;
  const {
    subscribers,
    rate,
    seconds,
    warmUpSeconds,
    hold,
    holdRate,
    holdSeconds,
    perSocket,
    workers,
  } = settings;
  const row = (measure: string, loaded: string, held: string) =>
    `| ${measure} | ${loaded} | ${held} |`;
  const both = (measure: string, value: (measured: Measured) => string) =>
    row(measure, value(load), value(holding));
  const opens = (measure: string, value: (opened: Opened) => string) =>
    row(measure, value(loadOpened), value(holdOpened));
  const storage = capabilities.timescaleVersion
    ? `PostgreSQL ${capabilities.postgresVersion} + TimescaleDB ${capabilities.timescaleVersion}`
    : `PostgreSQL ${capabilities.postgresVersion}, plain tables`;
  const loadP99 = percentile(load.latencies, 99);
  const loadMet = load.delivered === load.expected && load.ended === 0 && loadP99 <= GOAL.p99Ms;
  // Ended counts from opening on, so a subscription confirmed and then dropped is not held.
  const heldToTheEnd = hold - holdOpened.unconfirmed - holding.ended;
  const holdMet = heldToTheEnd === hold;
  const busiest = Math.max(others(load.cpu) ?? 0, others(holding.cpu) ?? 0);
  const noisy =
    busiest > 20
      ? `\nOther processes used up to ${percent(busiest)} of a core while measuring: these figures are pessimistic.\n`
      : '';
  return `
Live subscriptions benchmark (${cpus().length} cores, Node ${process.version}, ${storage}, ${broker})
Method: the small demo seed, ${whole(settings.machines)} machines in all (bench machines added under its line); five subgraphs and
the gateway in this process on loopback, their subscriptions fed by the event bus. A worker thread publishes machine state
events round-robin over the machines, each stamped with its publish instant (its \`since\`). ${workers} subscriber thread(s)
hold graphql-ws clients of the gateway, ${perSocket} subscriptions per socket, each
\`machineStateChanged(assetIds: [one machine]) { state since reason asset { id name } }\`, machines round-robin,
all with one ${SUBSCRIPTION_ROLE} API key for ${allSites ? 'every site' : "the machines' site"}. Latency = receive time - since.
A subscription counts as open once it has received an event.
Load: ${whole(subscribers)} subscriptions, ${warmUpSeconds} s warm-up, then ${whole(rate)} events/s for ${seconds} s.
Hold: ${whole(hold)} subscriptions, then ${whole(holdRate)} events/s for ${holdSeconds} s.
CPU over the publishing window, in % of one core: the whole process (gateway, subgraphs, broker, publisher and
subscriber threads; Node has no per-thread CPU time), each thread's event loop utilization, and from /proc the
PostgreSQL processes and the whole machine.

| measure | load | hold |
|---|---|---|
${opens('subscriptions (sockets)', (opened) => `${whole(opened.subscriptions)} (${whole(opened.sockets)})`)}
${opens('machines subscribed', (opened) => whole(opened.machines))}
${opens('open until each had an event', confirmed)}
${opens('gateway gauges / subgraph bus streams', gauges)}
${both('events published', (measured) => `${whole(measured.published)} at ${whole(measured.rate)}/s`)}
${both('deliveries', deliveries)}
${both('latency p50 / p95 / p99 / max', latency)}
${both('events without asset name', (measured) => whole(measured.incomplete))}
${both('error results / subscriptions ended', (measured) => `${whole(measured.errors)} / ${whole(measured.ended)}${measured.firstError ? ` (${measured.firstError})` : ''}`)}
${both('SQL statements per delivery', (measured) => measured.statementsPerDelivery.toFixed(2))}
${both('process CPU', (measured) => percent(measured.cpu.process))}
${both('main thread busy (gateway, subgraphs, broker)', (measured) => percent(measured.cpu.main))}
${both('subscriber thread busy', (measured) => percent(measured.cpu.subscribers))}
${both('publisher thread busy', (measured) => percent(measured.cpu.publisher))}
${both('PostgreSQL CPU', (measured) => percent(measured.cpu.postgres))}
${both('machine CPU (all processes)', (measured) => percent(measured.cpu.machine))}
${both('other processes (not this run)', (measured) => percent(others(measured.cpu)))}
${both('process RSS / main-thread heap', (measured) => `${megabytes(measured.rss)} / ${megabytes(measured.mainHeap)}`)}
${row('process RSS before opening / holding', '', `${megabytes(rssBeforeHold)} / ${megabytes(holding.rss)}`)}
${opens('all released after closing', (opened) => (opened.released ? 'yes' : 'NO'))}

| goal | measured | result |
|---|---|---|
| p99 <= ${GOAL.p99Ms} ms, all delivered, ${whole(GOAL.subscribers)} subscribers, ${whole(GOAL.rate)} events/s | p99 ${whole(loadP99)} ms, ${deliveries(load)} | ${verdict(subscribers >= GOAL.subscribers && rate >= GOAL.rate, loadMet)} |
| >= ${whole(GOAL.hold)} subscriptions held by one gateway | ${whole(heldToTheEnd)} held to the end, p99 ${whole(percentile(holding.latencies, 99))} ms | ${verdict(hold >= GOAL.hold, holdMet)} |
${noisy}`;
}

const name = `plantgraph_bench_${randomBytes(4).toString('hex')}`;
await admin(`create database ${name}`);
const resources = new Resources();
resources.add({ close: () => admin(`drop database if exists ${name} with (force)`) });
try {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const { sql, capabilities } = await openDatabase({ databaseUrl: url.toString() });
  resources.add(sql);
  await seedDemoPlant(sql, { size: 'small', now: new Date() });
  const machines = await benchMachines(sql, settings.machines);
  const apiKey = await screenKey(sql, machines);
  const prisma = await createPrismaClient(sql);
  resources.add({ close: () => prisma.$disconnect() });
  const mqttUrl = externalMqttUrl ?? resources.add(await startEmbeddedBroker({ port: 0 })).url;
  // A namespace of this run's own, so that other traffic on a shared broker stays out.
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
      url: plant.url.replace(/^http/, 'ws'),
      connectionParams: { authorization: `Bearer ${apiKey}` },
    });
    threads.push(thread);
    resources.add({ close: () => thread.worker.terminate() });
  }
  const bench = new LiveBench(
    sql,
    name,
    machines,
    plant.url.replace(/\/graphql$/, '/metrics'),
    publisher,
    threads,
  );

  const screens = roundRobin(machines, settings.subscribers);
  const loadOpening = await bench.open(screens);
  await bench.warmUp(settings.rate, settings.warmUpSeconds);
  const load = await bench.measure(screens, settings.rate, settings.seconds, 'load');
  const loadOpened = { ...loadOpening, released: await bench.close() };

  const rssBeforeHold = process.memoryUsage().rss;
  const held = roundRobin(machines, settings.hold);
  const holdOpening = await bench.open(held);
  const holding = await bench.measure(held, settings.holdRate, settings.holdSeconds, 'hold');
  const holdOpened = { ...holdOpening, released: await bench.close() };

  console.log(
    report({
      load,
      loadOpened,
      holding,
      holdOpened,
      rssBeforeHold,
      capabilities,
      broker: externalMqttUrl ? `broker ${externalMqttUrl}` : 'embedded broker',
    }),
  );
} finally {
  await resources.close();
}

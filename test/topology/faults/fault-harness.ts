import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import {
  connect as connectTcp,
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
import { connectAsync, type MqttClient } from 'mqtt';
import pg from 'pg';
import { composeServices, type ServiceProcess } from '../compose-services.ts';
import { RoleProcess, startInOrder } from '../processes.ts';

/**
 * The pieces the fault cases share: a scratch database, roles from compose.yaml as processes, a
 * broker of the test's own, PostgreSQL restarts, a TCP relay that can cut a connection, and a
 * traffic generator whose every datapoint has a key the test can count in the datapoint table.
 */
export const root = fileURLToPath(new URL('../../../', import.meta.url));
export const cli = join(root, 'dist/plantgraph.js');
const run = promisify(execFile);

export interface FaultEnvironment {
  databaseServer: string;
}

/** TEST_DATABASE_URL and the build output, or an error that says how to run the fault cases. */
export function faultEnvironment(): FaultEnvironment {
  const databaseServer = process.env.TEST_DATABASE_URL;
  if (!databaseServer || !existsSync(cli)) {
    throw new Error(
      'The fault cases need TEST_DATABASE_URL and the build output: ' +
        '`npm run build && TEST_DATABASE_URL=… npm run test:faults`.',
    );
  }
  return { databaseServer };
}

export async function freePort(): Promise<number> {
  const server = createTcpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export async function admin<T>(url: string, statement: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return (await client.query(statement)).rows as T[];
  } finally {
    await client.end();
  }
}

/** A database of its own next to TEST_DATABASE_URL's, dropped by `drop()`. */
export async function scratchDatabase(
  server: string,
  prefix: string,
): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  await admin(server, `create database ${name}`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => admin(server, `drop database if exists ${name} with (force)`).then(() => undefined),
  };
}

/** Polls `check` until it returns a value; on timeout the error carries `describe()`. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  timeoutMs: number,
  describe: () => Promise<string> | string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) {
      throw new Error(`not reached within ${timeoutMs} ms: ${await describe()}`);
    }
    await sleep(250);
  }
}

export interface RoleSet {
  services: ServiceProcess[];
  processes: Map<string, RoleProcess>;
  logDirectory: string;
  /** The running process of a service (the latest, after a restart). */
  role(name: string): RoleProcess;
  /** Starts the service again as a new process with the same command and environment. */
  restart(name: string, extraEnv?: Record<string, string>): Promise<RoleProcess>;
  /** SIGKILLs every process it started and waits for them to exit. */
  stop(): Promise<void>;
}

/**
 * The named compose.yaml services as processes, in dependency order, on `databaseUrl` and
 * `mqttUrl`. Dependencies outside `names` are left out (the broker and database are the test's).
 */
export async function startRoles(options: {
  names: string[];
  databaseUrl: string;
  mqttUrl: string;
  gatewaySecret?: string;
  /** Extra environment of a service; `started` are the services `names` selected, with ports. */
  env?: (name: string, started: readonly ServiceProcess[]) => Record<string, string>;
}): Promise<RoleSet> {
  const logDirectory = mkdtempSync(join(tmpdir(), 'plantgraph-faults-'));
  const all = await composeServices(join(root, 'compose.yaml'), {
    databaseUrl: options.databaseUrl,
    mqttUrl: options.mqttUrl,
    variables: {
      POSTGRES_PASSWORD: 'unused',
      PLANTGRAPH_GATEWAY_SECRET: options.gatewaySecret ?? randomBytes(48).toString('base64'),
    },
    allocatePort: freePort,
  });
  const services = all.filter((service) => options.names.includes(service.name));
  const envOf = (name: string) => ({
    PLANTGRAPH_DATA_DIR: join(logDirectory, `${name}-data`),
    // @apollo/gateway otherwise reports usage off this machine.
    APOLLO_TELEMETRY_DISABLED: 'true',
    ...options.env?.(name, services),
  });
  const every: RoleProcess[] = [];
  let stopped = false;
  const killAll = async () => {
    stopped = true;
    for (const role of every) if (role.running) role.kill('SIGKILL');
    await Promise.all(every.map((role) => role.exited));
    console.log(`fault topology logs: ${logDirectory}`);
  };
  let processes: Map<string, RoleProcess>;
  try {
    // Twelve roles starting at once on a small machine: give each more than the usual 90 s.
    processes = await startInOrder(services, {
      cli,
      logDirectory,
      env: envOf,
      readyTimeoutMs: 240_000,
      // A role spawned after a failed start (its dependencies were still starting) dies at once.
      onSpawn: (role) => {
        every.push(role);
        if (stopped) role.kill('SIGKILL');
      },
    });
  } catch (error) {
    await killAll();
    throw error;
  }
  const restarts = new Map<string, number>();
  const set: RoleSet = {
    services,
    processes,
    logDirectory,
    role(name) {
      const found = processes.get(name);
      if (!found) throw new Error(`no service ${name} started`);
      return found;
    },
    async restart(name, extraEnv = {}) {
      const previous = set.role(name);
      const count = (restarts.get(name) ?? 0) + 1;
      restarts.set(name, count);
      const next = new RoleProcess(
        previous.service,
        join(logDirectory, `${name}-restart-${count}.log`),
        cli,
        { ...envOf(name), ...extraEnv },
      );
      every.push(next);
      processes.set(name, next);
      if (previous.service.port !== undefined) await next.ready(240_000);
      return next;
    },
    stop: killAll,
  };
  return set;
}

/** An API key of `role` made with the CLI, as an operator does. */
export async function createApiKey(databaseUrl: string, role = 'admin'): Promise<string> {
  const created = await run(process.execPath, [cli, 'keys', 'create', '--role', role], {
    env: { PATH: process.env.PATH, DATABASE_URL: databaseUrl },
  });
  const key = /pgk_\S+/.exec(created.stdout)?.[0];
  if (!key) throw new Error(`keys create printed no key:\n${created.stdout}${created.stderr}`);
  return key;
}

/**
 * A Mosquitto of the test's own, run with deploy/mosquitto.conf on a free loopback port and with
 * persistence in a temporary directory, so the test can stop and restart it without touching the
 * broker other tests use, and the limits it runs under are the ones a deployment gets.
 */
export class DedicatedBroker {
  #child: ChildProcess | undefined;
  #exited: Promise<void> = Promise.resolve();
  #starts = 0;

  private constructor(
    readonly port: number,
    readonly directory: string,
  ) {}

  static async start(): Promise<DedicatedBroker> {
    const directory = mkdtempSync(join(tmpdir(), 'plantgraph-faults-broker-'));
    // Started as root, Mosquitto drops to its own user, which must be able to save its database.
    chmodSync(directory, 0o777);
    const broker = new DedicatedBroker(await freePort(), directory);
    // The shipped configuration (queue and in-flight limits included), on a port and in a
    // directory of the test's own.
    const shipped = readFileSync(join(root, 'deploy/mosquitto.conf'), 'utf8');
    const config = shipped
      .replace(/^listener 1883$/m, `listener ${broker.port} 127.0.0.1`)
      .replace(/^persistence_location .*$/m, `persistence_location ${directory}/`);
    if (!config.includes(`listener ${broker.port} `) || !config.includes(directory)) {
      throw new Error('deploy/mosquitto.conf no longer has the listener and persistence lines');
    }
    writeFileSync(join(directory, 'mosquitto.conf'), config);
    await broker.up();
    return broker;
  }

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.#child !== undefined && this.#child.exitCode === null && !this.#child.signalCode;
  }

  /** Starts the broker process and waits until it accepts TCP connections. */
  async up(): Promise<void> {
    if (this.running) throw new Error('the dedicated broker is already running');
    this.#starts += 1;
    const log = createWriteStream(join(this.directory, `mosquitto-${this.#starts}.log`));
    const child = spawn('mosquitto', ['-c', join(this.directory, 'mosquitto.conf')], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.pipe(log);
    child.stderr.pipe(log);
    this.#child = child;
    this.#exited = new Promise((resolve) => child.once('exit', () => resolve()));
    await eventually(
      async () => ((await tcpAccepts(this.port)) ? true : undefined),
      10_000,
      () => `mosquitto on ${this.port} (log in ${this.directory})`,
    );
  }

  /** Stops the broker: SIGTERM saves its persistence file first, SIGKILL does not. */
  async down(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    this.#child?.kill(signal);
    await this.#exited;
  }
}

async function tcpAccepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connectTcp(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

const PG_CLUSTER = ['15', 'main'];

async function pgCtl(action: 'start' | 'stop' | 'restart'): Promise<void> {
  await run('pg_ctlcluster', ['--skip-systemctl-redirect', ...PG_CLUSTER, action], {
    timeout: 120_000,
  });
}

/** Whether the machine's PostgreSQL cluster is running (pg_lsclusters). */
export async function postgresOnline(): Promise<boolean> {
  const { stdout } = await run('pg_lsclusters', ['--no-header', ...PG_CLUSTER]).catch(() => ({
    stdout: '',
  }));
  return /\bonline\b/.test(stdout);
}

/** Restarts the machine's PostgreSQL cluster; returns the milliseconds it was away. */
export async function restartPostgres(): Promise<number> {
  const started = Date.now();
  await pgCtl('restart');
  return Date.now() - started;
}

/** Starts the PostgreSQL cluster when it is down: every fault case ends with this. */
export async function ensurePostgresUp(): Promise<void> {
  if (!(await postgresOnline())) await pgCtl('start');
}

/** A TCP relay to `target` that the test can cut (every connection reset) and open again. */
export class TcpRelay {
  readonly #sockets = new Set<Socket>();
  #server: Server | undefined;

  private constructor(
    readonly port: number,
    readonly target: { host: string; port: number },
  ) {}

  static async open(target: { host: string; port: number }): Promise<TcpRelay> {
    const relay = new TcpRelay(await freePort(), target);
    await relay.resume();
    return relay;
  }

  async resume(): Promise<void> {
    const server = createTcpServer((socket) => {
      const upstream = connectTcp(this.target.port, this.target.host);
      for (const end of [socket, upstream]) {
        this.#sockets.add(end);
        end.on('error', () => undefined);
        end.on('close', () => {
          this.#sockets.delete(end);
          socket.destroy();
          upstream.destroy();
        });
      }
      socket.pipe(upstream).pipe(socket);
    });
    this.#server = server;
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
  }

  async cut(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    const server = this.#server;
    this.#server = undefined;
    if (server) await new Promise((resolve) => server.close(resolve));
  }

  /** `url` with its host and port replaced by the relay's. */
  relayed(url: string): string {
    const relayed = new URL(url);
    relayed.hostname = '127.0.0.1';
    relayed.port = String(this.port);
    return relayed.toString();
  }
}

/** The asset path of a fault plant's device. */
export function devicePath(plant: Pick<FaultPlant, 'root'>, device: number): string {
  return `${plant.root}/Site/Area/Line/D${device}`;
}

/** A plant of `devices` assets with `metrics` tags each, fed by UNS JSON on `prefix/d<n>`. */
export interface FaultPlant {
  devices: number;
  metrics: number;
  /** Enterprise asset name; the devices are `<root>/Site/Area/Line/D<n>`. */
  root: string;
  topicPrefix: string;
  /** The connectors' plant file. */
  configFile: string;
}

/**
 * Writes a connections-and-mappings file with one UNS JSON connection on the platform bus: each
 * device's message is an object of `metrics` readings plus a timestamp, each reading mapped by
 * jsonPath to a tag of its own. Creates the assets the mappings point at.
 */
export async function faultPlant(
  databaseUrl: string,
  options: { devices: number; metrics: number; clientId: string },
): Promise<FaultPlant> {
  const suffix = randomBytes(3).toString('hex');
  const plant: FaultPlant = {
    devices: options.devices,
    metrics: options.metrics,
    root: `Fault${suffix}`,
    topicPrefix: `fault-${suffix}`,
    configFile: join(mkdtempSync(join(tmpdir(), 'plantgraph-faults-plant-')), 'plant.json'),
  };
  // Enterprise, site, area and line above the devices: the hierarchy site scopes and bus topics
  // are built on.
  const line = `${plant.root}/Site/Area/Line`;
  await admin(
    databaseUrl,
    `insert into asset (kind, name, path) values ('ENTERPRISE', '${plant.root}', '${plant.root}');
     insert into asset (parent_id, kind, name, path)
       select id, 'SITE', 'Site', path || '/Site' from asset where path = '${plant.root}';
     insert into asset (parent_id, kind, name, path)
       select id, 'AREA', 'Area', path || '/Area' from asset where path = '${plant.root}/Site';
     insert into asset (parent_id, kind, name, path)
       select id, 'LINE', 'Line', path || '/Line' from asset where path = '${plant.root}/Site/Area';
     insert into asset (parent_id, kind, name, path)
       select (select id from asset where path = '${line}'), 'EQUIPMENT', 'D' || d,
              '${line}/D' || d
         from generate_series(0, ${options.devices - 1}) d;`,
  );
  const tags = [];
  for (let device = 0; device < options.devices; device += 1) {
    for (let metric = 0; metric < options.metrics; metric += 1) {
      tags.push({
        connection: 'faults',
        source: { topic: `${plant.topicPrefix}/d${device}`, jsonPath: `m${metric}` },
        asset: devicePath(plant, device),
        tag: `M${metric}`,
      });
    }
  }
  const config = {
    connections: [
      {
        kind: 'mqtt',
        id: 'faults',
        clientId: options.clientId,
        topics: [`${plant.topicPrefix}/#`],
        format: 'uns-json',
      },
    ],
    mappings: { tags },
  };
  writeFileSync(plant.configFile, JSON.stringify(config));
  return plant;
}

export interface TrafficCounts {
  /** Datapoints whose message the broker acknowledged (PUBACK). */
  published: number;
  /** Datapoints in messages handed to the client but not acknowledged yet. */
  pending: number;
  /** Messages the client reported failed. */
  failed: number;
}

/**
 * Publishes UNS JSON at QoS 1, paced to `datapointsPerSecond`: one message per device per tick
 * carrying every metric. The n-th message of a device carries value n in every metric and time
 * `epoch + n` ms, so each datapoint's key (tag, time) and value are known in advance. A datapoint
 * counts as published once the broker acknowledged its message; mqtt.js resends unacknowledged
 * messages after a reconnect, as MQTT 3.1.1 §4.4 asks of a QoS 1 sender.
 */
export class TrafficGenerator {
  readonly #plant: FaultPlant;
  readonly #client: MqttClient;
  readonly #perDevice: number[];
  readonly #epoch: number;
  #timer: NodeJS.Timeout | undefined;
  #published = 0;
  #pending = 0;
  #failed = 0;

  private constructor(plant: FaultPlant, client: MqttClient) {
    this.#plant = plant;
    this.#client = client;
    this.#perDevice = Array.from({ length: plant.devices }, () => 0);
    // Whole seconds in the past, so the times never run ahead of the clock.
    this.#epoch = Math.floor(Date.now() / 1000) * 1000 - 3_600_000;
  }

  static async connect(plant: FaultPlant, brokerUrl: string): Promise<TrafficGenerator> {
    const client = await connectAsync(brokerUrl, {
      clientId: `fault-traffic-${randomBytes(4).toString('hex')}`,
      clean: false,
      reconnectPeriod: 250,
      connectTimeout: 5_000,
    });
    client.on('error', () => undefined);
    return new TrafficGenerator(plant, client);
  }

  get counts(): TrafficCounts {
    return { published: this.#published, pending: this.#pending, failed: this.#failed };
  }

  /** Starts publishing at `datapointsPerSecond` until `stop()`. */
  start(datapointsPerSecond: number): void {
    if (this.#timer) throw new Error('the traffic generator is already running');
    const messagesPerSecond = datapointsPerSecond / this.#plant.metrics;
    const started = Date.now();
    let sent = 0;
    this.#timer = setInterval(() => {
      // Everything due by now goes out at once: timers fire late under load, the rate must hold.
      const due = Math.floor(((Date.now() - started) * messagesPerSecond) / 1000);
      for (; sent < due; sent += 1) this.#publishNext(sent % this.#plant.devices);
    }, 10);
  }

  /** Publishes exactly `messages` more messages (round-robin over the devices), unpaced. */
  burst(messages: number): void {
    for (let index = 0; index < messages; index += 1) {
      this.#publishNext(index % this.#plant.devices);
    }
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Resolves once every message handed to the client was acknowledged or failed. */
  async settled(timeoutMs: number): Promise<TrafficCounts> {
    await eventually(
      async () => (this.#pending === 0 ? true : undefined),
      timeoutMs,
      () => `traffic not acknowledged: ${JSON.stringify(this.counts)}`,
    );
    return this.counts;
  }

  async close(): Promise<void> {
    this.stop();
    await this.#client.endAsync(true).catch(() => undefined);
  }

  #publishNext(device: number): void {
    const nth = this.#perDevice[device] ?? 0;
    this.#perDevice[device] = nth + 1;
    const reading: Record<string, number> = { timestamp: this.#epoch + nth };
    for (let metric = 0; metric < this.#plant.metrics; metric += 1) reading[`m${metric}`] = nth;
    const size = this.#plant.metrics;
    this.#pending += size;
    this.#client.publish(
      `${this.#plant.topicPrefix}/d${device}`,
      JSON.stringify(reading),
      { qos: 1 },
      (error) => {
        this.#pending -= size;
        if (error) this.#failed += 1;
        else this.#published += size;
      },
    );
  }

  /** Datapoints sent per device, for comparing with what each device's tags stored. */
  get messagesPerDevice(): readonly number[] {
    return this.#perDevice;
  }
}

export interface StoredCounts {
  /** Rows of the plant's tags. */
  stored: number;
  /** Distinct (tag, value) keys among them. */
  distinct: number;
  /** Rows beyond the first with the same (tag, value): the same datapoint stored twice. */
  doubled: number;
  /** Rows whose key the generator never sent. */
  unexpected: number;
}

/** Counts the plant's datapoints by key against what the generator sent. */
export async function storedCounts(
  databaseUrl: string,
  plant: FaultPlant,
  traffic: TrafficGenerator,
): Promise<StoredCounts> {
  const sent = traffic.messagesPerDevice
    .map((count, device) => `('${devicePath(plant, device)}', ${count})`)
    .join(', ');
  const [row] = await admin<{
    stored: string;
    distinct: string;
    unexpected: string;
  }>(
    databaseUrl,
    `with sent (path, messages) as (values ${sent}),
          rows as (
            select d.tag_id, d.value, d.time, a.path from datapoint d
              join tag t on t.id = d.tag_id join asset a on a.id = t.asset_id
             where a.path like '${plant.root}/%')
     select count(*) as stored,
            count(distinct (tag_id, value)) as distinct,
            count(*) filter (where value >= (select messages from sent where sent.path = rows.path)
                              or value < 0) as unexpected
       from rows`,
  );
  const stored = Number(row?.stored ?? 0);
  const distinct = Number(row?.distinct ?? 0);
  return {
    stored,
    distinct,
    doubled: stored - distinct,
    unexpected: Number(row?.unexpected ?? 0),
  };
}

/** A directory for a role's data, created. */
export function dataDirectory(prefix: string): string {
  const directory = mkdtempSync(join(tmpdir(), `plantgraph-faults-${prefix}-`));
  mkdirSync(directory, { recursive: true });
  return directory;
}

/**
 * One scrape of `port`'s /metrics: a function giving a sample's value (summed over labels), or
 * undefined when the process does not answer. Read several values from one scrape: prom-client
 * resets its event-loop histogram on every scrape, so a second one right after reads an empty one.
 */
export async function scrape(
  port: number,
): Promise<((name: string) => number | undefined) | undefined> {
  const response = await fetch(`http://127.0.0.1:${port}/metrics`, {
    signal: AbortSignal.timeout(2_000),
  }).catch(() => undefined);
  if (!response?.ok) return undefined;
  const lines = (await response.text()).split('\n');
  return (name) => {
    let sum: number | undefined;
    for (const line of lines) {
      if (!line.startsWith(name)) continue;
      const rest = line.slice(name.length);
      if (rest[0] !== ' ' && rest[0] !== '{') continue;
      sum = (sum ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1));
    }
    return sum;
  };
}

/** The value of one Prometheus sample on `port`'s /metrics (summed over labels), or undefined. */
export async function metric(port: number, name: string): Promise<number | undefined> {
  return (await scrape(port))?.(name);
}

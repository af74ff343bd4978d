/**
 * Query benchmark: what the federated gateway adds to the SQL behind a time-series read, on the
 * production topology (each role an OS process of the build output), with the demo's one-process
 * figures next to it.
 *
 * (a) One tag's 24 h of one-minute averages (`tag(id) { aggregate }`) and 50 tags' 24 h
 *     (`timeseriesFrame`): through the gateway, straight to the timeseries subgraph (the request
 *     the gateway's plan sends it), and the statements that read the samples via pg.
 * (b) 100,000 raw samples of one tag: `Tag.historyFrame` pages through the gateway, the same
 *     from `Tag.history` pages of at most 1,000 samples, and the statement via pg.
 * (c) Throughput of the one-tag aggregate: the gateway against the timeseries subgraph directly.
 *
 * The SQL is recorded once from an in-process plant on the same database (the statements that
 * read samples), then replayed with its values on one pg connection, in turn with the requests.
 * That in-process plant (the demo: five subgraphs and the gateway in one process) also gives the
 * one-process figures of (a) and (b).
 *
 *   npm run build && npm run bench:query [-- --runs 3 --iterations 20 --warm-up 3 --passes 3
 *     --connections 8 --seconds 5 --cpu-prof <dir>]
 *
 * --database-url (default BENCH_DATABASE_URL, else TEST_DATABASE_URL, else
 * postgres://postgres@127.0.0.1:5432/test): a scratch database is created next to it, seeded with
 * the demo plant and dropped afterwards. --cpu-prof writes a V8 CPU profile of every role.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import pg from 'pg';
import { createApiKey as createKeyInProcess, signIdentity, type Identity } from '@plantgraph/auth';
import { createLogger } from '@plantgraph/config';
import { openDatabase, type Sql } from '@plantgraph/db';
import { createPrismaClient } from '@plantgraph/db/prisma';
import { seedDemoPlant, startPlant, type SeedSummary } from '@plantgraph/demo';
import { DEFAULT_LIMITS } from '@plantgraph/gateway';
import { MAX_PAGE_SIZE } from '@plantgraph/graph';
import {
  cli,
  createApiKey,
  DedicatedBroker,
  scratchDatabase,
  type RoleSet,
} from '../test/topology/faults/fault-harness.ts';
import {
  GATEWAY_ROLE as GATEWAY,
  startBenchTopology,
  stopBenchTopology,
  TOPOLOGY_ROLES as ROLES,
} from './topology.ts';
import { count, option } from './arguments.ts';

// @apollo/gateway otherwise probes cloud metadata endpoints and reports usage to Apollo: traffic
// off this machine, and CPU the measurement would count.
process.env.APOLLO_TELEMETRY_DISABLED ??= 'true';

const settings = {
  /** Each run measures every target once; figures are the median of the runs. */
  runs: count('runs', 3),
  /** Measured rounds of (a) per run, after `warmUp` unmeasured ones (before the first run). */
  iterations: count('iterations', 20),
  warmUp: count('warm-up', 3),
  /** Measured rounds of (b) per run, after one unmeasured one (before the first run). */
  passes: count('passes', 3),
  /** Closed-loop clients of (c) and the seconds of each of its runs. */
  connections: count('connections', 8),
  seconds: count('seconds', 5),
  cpuProfileDirectory: option('cpu-prof'),
};
const adminUrl =
  option('database-url') ??
  process.env.BENCH_DATABASE_URL ??
  process.env.TEST_DATABASE_URL ??
  'postgres://postgres@127.0.0.1:5432/test';

/** The issue's goals: SQL + 5 ms for one tag, 1.3× SQL for 50 tags, 100,000 raw in < 1 s. */
const GOAL = { smallOverheadMs: 5, heavyRatio: 1.3, rawMs: 1000 };
const TAGS = 50;
const MINUTE_MS = 60_000;
const DAY_MINUTES = 24 * 60;
/** The raw tag: 100,000 samples, one a second, every 1,000th null and BAD. */
const RAW_SAMPLES = 100_000;
const RAW_TAG_NAME = 'Bench raw 1 Hz';
/** Largest historyFrame page the graph allows; fewer pages when the cost model allows more. */
const RAW_PAGE = 100_000;
/** Environment of the roles that departs from compose.yaml's, stated in the report. */
const GATEWAY_ENV = {
  // One caller sends every request here; 1,200 a minute would cap it.
  PLANTGRAPH_RATE_LIMIT: '0',
};

const AGGREGATE_FIELDS = `aggregate(from: $from, to: $to, interval: "1 minute", functions: [AVG]) {
  start
  avg
}`;
const TAG_AGGREGATE = `query TagAggregate($id: ID!, $from: DateTime!, $to: DateTime!) {
  tag(id: $id) { ${AGGREGATE_FIELDS} }
}`;
/** What a gateway that fetches the tag from assets first asks the timeseries subgraph. */
const TAG_AGGREGATE_ENTITY = `query TagAggregate($representations: [_Any!]!, $from: DateTime!, $to: DateTime!) {
  _entities(representations: $representations) { ... on Tag { ${AGGREGATE_FIELDS} } }
}`;
const FRAME = `query Frame($tagIds: [ID!]!, $from: DateTime!, $to: DateTime!) {
  timeseriesFrame(tagIds: $tagIds, from: $from, to: $to, interval: "1 minute", functions: [AVG]) {
    timestamps
    columns { tagId values }
    pageInfo { hasNextPage }
  }
}`;
const HISTORY = `query History($id: ID!, $from: DateTime!, $to: DateTime!, $after: String) {
  tag(id: $id) {
    history(from: $from, to: $to, first: ${MAX_PAGE_SIZE}, after: $after) {
      edges { node { time value quality } }
      pageInfo { hasNextPage endCursor }
    }
  }
}`;
const HISTORY_FRAME = `query HistoryFrame($id: ID!, $from: DateTime!, $to: DateTime!, $after: String) {
  tag(id: $id) {
    historyFrame(from: $from, to: $to, first: ${RAW_PAGE}, after: $after) {
      timestamps
      values
      qualities
      pageInfo { hasNextPage endCursor }
    }
  }
}`;

interface HistoryPage {
  edges: { node: { time: string } }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}
interface HistoryFramePage {
  timestamps: string[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/**
 * Sends an operation to one endpoint; rejects on HTTP and GraphQL errors, so that no failure
 * passes for a fast answer.
 */
type Client = <TData>(query: string, variables?: Record<string, unknown>) => Promise<TData>;

function client(url: string, headersFor: (body: string) => Record<string, string>): Client {
  return async <TData>(query: string, variables: Record<string, unknown> = {}) => {
    const body = JSON.stringify({ query, variables });
    const response = await fetch(url, { method: 'POST', headers: headersFor(body), body });
    const reply = (await response.json()) as { data?: TData; errors?: { message: string }[] };
    if (!response.ok || reply.errors?.length || !reply.data) {
      throw new Error(`${url}: ${response.status} ${reply.errors?.[0]?.message ?? 'no data'}`);
    }
    return reply.data;
  };
}

interface Statement {
  text: string;
  values: readonly unknown[];
}

/** `sql` that, while `record` runs, keeps the text and values of every statement sent. */
function recordingSql(sql: Sql) {
  let recording: Statement[] | undefined;
  const recorder: Sql = {
    ...sql,
    query: <T extends object>(text: string, values: readonly unknown[] = []) => {
      recording?.push({ text, values });
      return sql.query<T>(text, values);
    },
  };
  return {
    sql: recorder,
    async record(work: () => Promise<unknown>): Promise<Statement[]> {
      recording = [];
      try {
        await work();
        return recording;
      } finally {
        recording = undefined;
      }
    },
  };
}

/** The statements that read samples (raw or rolled up): what a client with pg would send. */
const readsSamples = (statement: Statement) => /\bfrom datapoint/.test(statement.text);

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}
const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? NaN;
};

/** One work measured in one run: durations in ms, ascending, and what it delivered last. */
interface Timings {
  sorted: number[];
  points: number;
}

/** A work: a request (or several) returning how many points it delivered. */
type Work = () => Promise<number>;

/**
 * Runs every work `warmUp + rounds` times, round by round, so that load drifting over the run
 * hits all of them alike; the measured rounds' durations per work.
 */
async function interleaved(works: Work[], rounds: number, warmUp: number): Promise<Timings[]> {
  const timings = works.map((): Timings => ({ sorted: [], points: 0 }));
  for (let round = 0; round < warmUp + rounds; round++) {
    for (const [index, work] of works.entries()) {
      const timing = timings[index];
      const started = performance.now();
      const points = await work();
      if (!timing || round < warmUp) continue;
      timing.sorted.push(performance.now() - started);
      timing.points = points;
    }
  }
  for (const timing of timings) timing.sorted.sort((a, b) => a - b);
  return timings;
}

/** `interleaved` `runs` times (the warm-up only before the first): each work's runs. */
async function inRuns(
  works: Work[],
  runs: number,
  rounds: number,
  warmUp: number,
): Promise<Timings[][]> {
  const perWork = works.map((): Timings[] => []);
  for (let run = 0; run < runs; run++) {
    const timings = await interleaved(works, rounds, run === 0 ? warmUp : 0);
    for (const [index, timing] of timings.entries()) perWork[index]?.push(timing);
  }
  return perWork;
}

interface Window {
  from: string;
  to: string;
}

/**
 * The 50 numeric tags with the most samples in `window`; each must have one per minute, so that
 * every bucket of (a) is a real sample.
 */
async function benchTags(sql: Sql, window: Window): Promise<string[]> {
  const rows = await sql.query<{ id: string; samples: number }>(
    `select t.id, count(*) as samples
       from tag t
       join asset a on a.id = t.asset_id
       join datapoint d on d.tag_id = t.id and d.time >= $1 and d.time < $2
      where t.data_type = 'FLOAT'
      group by t.id, a.path, t.name
      order by count(*) desc, a.path, t.name
      limit $3`,
    [window.from, window.to, TAGS],
  );
  const complete = rows.filter((row) => Number(row.samples) === DAY_MINUTES);
  if (complete.length < TAGS) {
    throw new Error(`the seed has ${complete.length} tags with a sample every minute, not ${TAGS}`);
  }
  return complete.map((row) => row.id);
}

/**
 * A tag of the asset of `besideTag` with RAW_SAMPLES samples one second apart ending at `end`;
 * every 1,000th null and BAD, so that the raw forms carry both. The window that holds them all.
 */
async function rawTag(sql: Sql, besideTag: string, end: Date): Promise<{ id: string } & Window> {
  const [tag] = await sql.query<{ id: string }>(
    `insert into tag (asset_id, name, data_type, unit)
     select asset_id, $2, 'FLOAT', 'bar' from tag where id = $1
     returning id`,
    [besideTag, RAW_TAG_NAME],
  );
  if (!tag) throw new Error('could not create the raw tag');
  const first = new Date(end.getTime() - RAW_SAMPLES * 1000);
  await sql.query(
    `insert into datapoint (time, tag_id, value, quality)
     select $2::timestamptz + make_interval(secs => n),
            $1,
            case when n % 1000 = 999 then null else sin(n / 60.0) * 10 + 50 end,
            case when n % 1000 = 999 then 'BAD' else 'GOOD' end::datapoint_quality
       from generate_series(0, $3 - 1) as n`,
    [tag.id, first.toISOString(), RAW_SAMPLES],
  );
  return { id: tag.id, from: first.toISOString(), to: end.toISOString() };
}

/** The `minutes` before the end of the seeded history. */
function windowBefore(seed: SeedSummary, minutes: number): Window {
  const to = seed.to.getTime() + MINUTE_MS;
  return { from: new Date(to - minutes * MINUTE_MS).toISOString(), to: new Date(to).toISOString() };
}

/** The works every endpoint offers, on one gateway and one timeseries subgraph. */
interface Works {
  one: Work;
  oneSubgraph: Work;
  frame: Work;
  frameSubgraph: Work;
  historyFrame: Work | undefined;
  history: Work;
}

interface Targets {
  oneTag: string;
  tagIds: string[];
  day: Window;
  raw: { id: string } & Window;
}

/** The one-tag aggregate straight to the subgraph: as `tag(id)` when it has one, else entities. */
async function subgraphAggregate(timeseries: Client, targets: Targets) {
  const variables = { id: targets.oneTag, ...targets.day };
  const asRoot: Work = async () =>
    (await timeseries<{ tag: { aggregate: unknown[] } }>(TAG_AGGREGATE, variables)).tag.aggregate
      .length;
  const asEntity: Work = async () => {
    const reply = await timeseries<{ _entities: { aggregate: unknown[] }[] }>(
      TAG_AGGREGATE_ENTITY,
      { representations: [{ __typename: 'Tag', id: targets.oneTag }], ...targets.day },
    );
    return reply._entities[0]?.aggregate.length ?? 0;
  };
  const hasRootField = await asRoot().then(
    () => true,
    () => false,
  );
  return { work: hasRootField ? asRoot : asEntity, form: hasRootField ? 'tag(id)' : '_entities' };
}

/** Every raw sample of the raw tag in historyFrame pages; the samples read. */
const historyFrameWork =
  (gateway: Client, raw: Targets['raw']): Work =>
  async () => {
    let samples = 0;
    let after: string | null = null;
    do {
      const reply: { tag: { historyFrame: HistoryFramePage } } = await gateway(HISTORY_FRAME, {
        id: raw.id,
        from: raw.from,
        to: raw.to,
        after,
      });
      const { timestamps, pageInfo } = reply.tag.historyFrame;
      samples += timestamps.length;
      after = pageInfo.hasNextPage ? pageInfo.endCursor : null;
    } while (after);
    return samples;
  };

/** Every raw sample of the raw tag in Tag.history pages, one request per page. */
const historyWork =
  (gateway: Client, raw: Targets['raw']): Work =>
  async () => {
    let samples = 0;
    let after: string | null = null;
    do {
      const reply: { tag: { history: HistoryPage } } = await gateway(HISTORY, {
        id: raw.id,
        from: raw.from,
        to: raw.to,
        after,
      });
      const { edges, pageInfo } = reply.tag.history;
      samples += edges.length;
      after = pageInfo.hasNextPage ? pageInfo.endCursor : null;
    } while (after);
    return samples;
  };

async function worksOf(gateway: Client, timeseries: Client, targets: Targets) {
  const frame =
    (endpoint: Client): Work =>
    async () => {
      const reply = await endpoint<{
        timeseriesFrame: { timestamps: string[]; columns: unknown[] };
      }>(FRAME, { tagIds: targets.tagIds, ...targets.day });
      return reply.timeseriesFrame.timestamps.length * reply.timeseriesFrame.columns.length;
    };
  const one: Work = async () =>
    (
      await gateway<{ tag: { aggregate: unknown[] } }>(TAG_AGGREGATE, {
        id: targets.oneTag,
        ...targets.day,
      })
    ).tag.aggregate.length;
  const historyFrame = historyFrameWork(gateway, targets.raw);
  // Without Tag.historyFrame (an older graph), (b) has only Tag.history.
  const offersHistoryFrame = await historyFrame().then(
    () => true,
    () => false,
  );
  const oneSubgraph = await subgraphAggregate(timeseries, targets);
  const works: Works = {
    one,
    oneSubgraph: oneSubgraph.work,
    frame: frame(gateway),
    frameSubgraph: frame(timeseries),
    historyFrame: offersHistoryFrame ? historyFrame : undefined,
    history: historyWork(gateway, targets.raw),
  };
  return { works, subgraphForm: oneSubgraph.form };
}

interface Replay {
  replay: Work;
  recorded: number;
  replayed: number;
}

/** The SQL of the three reads, and the demo's one-process figures of (a) and (b). */
interface InProcess {
  one: Replay;
  frame: Replay;
  raw: Replay;
  demo: { one: Timings; frame: Timings; historyFrame: Timings | undefined; history: Timings };
}

/**
 * The demo plant in this process on the database: the statements its requests send (replayed
 * later with `direct`), and its own figures.
 */
async function inProcess(
  services: { sql: Sql; capabilities: Awaited<ReturnType<typeof openDatabase>>['capabilities'] },
  direct: pg.Client,
  targets: Targets,
): Promise<InProcess> {
  const prisma = await createPrismaClient(services.sql);
  const recorder = recordingSql(services.sql);
  const plant = await startPlant({
    services: {
      sql: recorder.sql,
      prisma,
      capabilities: services.capabilities,
      logger: createLogger('bench', 'warn'),
    },
    port: 0,
    host: '127.0.0.1',
    subgraphPortsFrom: 0,
    sandbox: false,
    // The per-caller rate limit would measure itself: every client here is one caller.
    limits: { ...DEFAULT_LIMITS, rateLimit: { ...DEFAULT_LIMITS.rateLimit, perMinute: 0 } },
  });
  try {
    const { key } = await createKeyInProcess(services.sql, {
      role: 'admin',
      sites: null,
      label: 'bench',
    });
    const gateway = client(plant.url, () => ({
      'content-type': 'application/json',
      authorization: `Bearer ${key}`,
    }));
    const server = plant.subgraphs.timeseries;
    if (!server) throw new Error('no timeseries subgraph in the plant');
    const identity: Identity = { subject: 'bench:query', role: 'admin', sites: null };
    const timeseries = client(server.url, (body) => ({
      'content-type': 'application/json',
      ...signIdentity(plant.gatewaySecret, identity, body),
    }));
    const { works } = await worksOf(gateway, timeseries, targets);
    const replayOf = async (request: Work): Promise<Replay> => {
      await request();
      const recorded = await recorder.record(request);
      const statements = recorded.filter(readsSamples);
      const replay = async () => {
        let rows = 0;
        for (const { text, values } of statements) {
          rows += (await direct.query(text, [...values])).rowCount ?? 0;
        }
        return rows;
      };
      return { replay, recorded: recorded.length, replayed: statements.length };
    };
    const rawRead = works.historyFrame ?? works.history;
    const replays = {
      one: await replayOf(works.one),
      frame: await replayOf(works.frame),
      raw: await replayOf(rawRead),
    };
    const [one, frame] = await interleaved(
      [works.one, works.frame],
      settings.iterations,
      settings.warmUp,
    );
    const raws = [works.history, ...(works.historyFrame ? [works.historyFrame] : [])];
    const [history, historyFrame] = await interleaved(raws, settings.passes, 1);
    if (!one || !frame || !history) throw new Error('an in-process measurement is missing');
    return { ...replays, demo: { one, frame, history, historyFrame } };
  } finally {
    await plant.close();
    await prisma.$disconnect();
  }
}

interface HttpRequest {
  port: number;
  path: string;
  headers: Record<string, string>;
  body: string;
}

interface Load {
  latencies: number[];
  failed: number;
  firstError: string | undefined;
  seconds: number;
}

/** `connections` closed-loop clients repeating `request` for `seconds` (see graph-load.mjs). */
function load(request: HttpRequest, seconds: number): Promise<Load> {
  return new Promise((resolveLoad, reject) => {
    const worker = new Worker(new URL('./graph-load.mjs', import.meta.url), {
      workerData: { steps: [[request]], connections: settings.connections, seconds },
    });
    worker.once('message', (message: Load) => resolveLoad(message));
    worker.once('error', reject);
  });
}

/** The topology's figures: per work, one Timings per run; (c) one Load per run. */
interface Topology {
  subgraphForm: string;
  one: Timings[];
  oneSubgraph: Timings[];
  oneSql: Timings[];
  frame: Timings[];
  frameSubgraph: Timings[];
  frameSql: Timings[];
  historyFrame: Timings[] | undefined;
  history: Timings[];
  rawSql: Timings[];
  throughput: { gateway: Load[]; subgraph: Load[] };
}

async function onTopology(
  roles: RoleSet,
  apiKey: string,
  gatewaySecret: string,
  targets: Targets,
  sql: InProcess,
): Promise<Topology> {
  const portOf = (name: string) => roles.role(name).service.port ?? 0;
  const gatewayUrl = `http://127.0.0.1:${portOf(GATEWAY)}/graphql`;
  const timeseriesUrl = `http://127.0.0.1:${portOf('timeseries-1')}/graphql`;
  const keyId = /^pgk_([0-9a-f]+)_/.exec(apiKey)?.[1] ?? 'bench';
  const identity: Identity = { subject: `key:${keyId}`, role: 'admin', sites: null };
  const gatewayHeaders = { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` };
  const signed = (body: string) => ({
    'content-type': 'application/json',
    ...signIdentity(gatewaySecret, identity, body),
  });
  const gateway = client(gatewayUrl, () => gatewayHeaders);
  const timeseries = client(timeseriesUrl, signed);
  const { works, subgraphForm } = await worksOf(gateway, timeseries, targets);

  const { runs, iterations, warmUp, passes, seconds } = settings;
  const [one, oneSubgraph, oneSql, frame, frameSubgraph, frameSql] = await inRuns(
    [
      works.one,
      works.oneSubgraph,
      sql.one.replay,
      works.frame,
      works.frameSubgraph,
      sql.frame.replay,
    ],
    runs,
    iterations,
    warmUp,
  );
  const raws = [works.history, sql.raw.replay, ...(works.historyFrame ? [works.historyFrame] : [])];
  const [history, rawSql, historyFrame] = await inRuns(raws, runs, passes, 1);

  // (c): the same request, signed afresh per run since a signature expires after 30 s.
  const aggregateBody = JSON.stringify({
    query: TAG_AGGREGATE,
    variables: { id: targets.oneTag, ...targets.day },
  });
  const entityBody = JSON.stringify({
    query: subgraphForm === 'tag(id)' ? TAG_AGGREGATE : TAG_AGGREGATE_ENTITY,
    variables:
      subgraphForm === 'tag(id)'
        ? { id: targets.oneTag, ...targets.day }
        : { representations: [{ __typename: 'Tag', id: targets.oneTag }], ...targets.day },
  });
  const viaGateway = (): HttpRequest => ({
    port: portOf(GATEWAY),
    path: '/graphql',
    headers: gatewayHeaders,
    body: aggregateBody,
  });
  const direct = (): HttpRequest => ({
    port: portOf('timeseries-1'),
    path: '/graphql',
    headers: signed(entityBody),
    body: entityBody,
  });
  await load(viaGateway(), 2);
  await load(direct(), 2);
  const throughput = { gateway: [] as Load[], subgraph: [] as Load[] };
  for (let run = 0; run < runs; run++) {
    throughput.gateway.push(await load(viaGateway(), seconds));
    throughput.subgraph.push(await load(direct(), seconds));
  }
  if (!one || !oneSubgraph || !oneSql || !frame || !frameSubgraph || !frameSql) {
    throw new Error('a measurement of (a) is missing');
  }
  if (!history || !rawSql) throw new Error('a measurement of (b) is missing');
  return {
    subgraphForm,
    one,
    oneSubgraph,
    oneSql,
    frame,
    frameSubgraph,
    frameSql,
    historyFrame,
    history,
    rawSql,
    throughput,
  };
}

const whole = (value: number) =>
  Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : 'n/a';
const ms = (value: number) =>
  Number.isFinite(value) ? (value < 10 ? `${value.toFixed(1)} ms` : `${whole(value)} ms`) : 'n/a';
const loads = () =>
  loadavg()
    .map((value) => value.toFixed(2))
    .join(' / ');
const p50 = (timings: Timings) => percentile(timings.sorted, 50);
const p95 = (timings: Timings) => percentile(timings.sorted, 95);
/** Median of the runs, with the lowest and highest run. */
const range = (values: number[], format: (value: number) => string) =>
  values.length === 0
    ? 'n/a'
    : `${format(median(values))} (${format(Math.min(...values))}–${format(Math.max(...values))})`;
const runsOf = (runs: Timings[] | undefined, pick: (timings: Timings) => number) =>
  (runs ?? []).map(pick);
const rate = (measured: Load) => measured.latencies.length / measured.seconds;
const verdict = (met: boolean) => (met ? 'PASS' : 'MISS');

interface Results {
  storage: string;
  loadAtStart: string;
  seed: SeedSummary;
  targets: Targets;
  sql: InProcess;
  topology: Topology;
}

function report(results: Results): string {
  const { seed, sql, topology } = results;
  const { runs, iterations, warmUp, passes, connections, seconds } = settings;
  const latencyRow = (name: string, measured: Timings[] | undefined) =>
    `| ${name} | ${range(runsOf(measured, p50), ms)} | ${range(runsOf(measured, p95), ms)} | ${whole(measured?.[0]?.points ?? NaN)} |`;
  const rawRow = (name: string, measured: Timings[] | undefined) =>
    `| ${name} | ${range(runsOf(measured, p50), ms)} | ${range(
      runsOf(measured, (timings) => timings.sorted.at(-1) ?? NaN),
      ms,
    )} | ${whole(measured?.[0]?.points ?? NaN)} |`;
  const demoRow = (name: string, timings: Timings | undefined) =>
    `| ${name} | ${timings ? ms(p50(timings)) : 'n/a'} | ${timings ? ms(p95(timings)) : 'n/a'} |`;
  const medianP50 = (measured: Timings[] | undefined) => median(runsOf(measured, p50));
  const oneGap = medianP50(topology.one) - medianP50(topology.oneSql);
  const oneRatio = medianP50(topology.one) / medianP50(topology.oneSql);
  const frameRatio = medianP50(topology.frame) / medianP50(topology.frameSql);
  const rawMs = medianP50(topology.historyFrame);
  const gatewayRates = topology.throughput.gateway.map(rate);
  const subgraphRates = topology.throughput.subgraph.map(rate);
  const throughputRatio = median(gatewayRates) / median(subgraphRates);
  const loadRow = (name: string, measured: Load[]) => {
    const failed = measured.reduce((sum, one) => sum + one.failed, 0);
    const error = measured.find((one) => one.firstError)?.firstError;
    const sorted = (one: Load) => [...one.latencies].sort((a, b) => a - b);
    return `| ${name} | ${range(measured.map(rate), whole)} | ${range(
      measured.map((one) => percentile(sorted(one), 50)),
      ms,
    )} | ${failed}${error ? ` (${error.slice(0, 100)})` : ''} |`;
  };
  return `
Query benchmark (${cpus().length} cores, Node ${process.version}, ${results.storage})
Load average (1 / 5 / 15 min): ${results.loadAtStart} at the start, ${loads()} at the end.
Data: a scratch database with the demo seed (${whole(seed.counts.tag)} tags, ${whole(seed.counts.datapoint)} datapoints: three days at one minute), plus one
tag with ${whole(RAW_SAMPLES)} samples one second apart (every 1,000th null and BAD). The ${TAGS} tags are numeric ones with a sample every
minute of the last 24 h; the one tag is the first of them.
Topology: ${ROLES.join(', ')} from compose.yaml as processes of dist/plantgraph.js (NODE_ENV=production).
Departures from compose.yaml: the gateway's per-caller rate limit off (PLANTGRAPH_RATE_LIMIT=0); its subgraph URLs name the
one replica started of each; no Redis (limits count in the gateway's memory); the bus on a broker of the benchmark's own${settings.cpuProfileDirectory ? `; every role under --cpu-prof (${settings.cpuProfileDirectory})` : ''}.
Clients: this process (fetch, JSON parsed), one request at a time, an admin API key through the gateway; requests straight
to the timeseries subgraph carry the gateway's signature (one-tag aggregate sent as ${topology.subgraphForm}, the form the gateway's plan uses).
SQL via pg: the statements reading samples that the subgraph sent for the same request (recorded from the in-process plant,
replayed with their values on one pg connection: ${sql.one.replayed} of ${sql.one.recorded}, ${sql.frame.replayed} of ${sql.frame.recorded} and ${sql.raw.replayed} of ${sql.raw.recorded} statements).
(a) ${runs} runs of ${iterations} rounds (after ${warmUp} warm-up rounds), the six requests in turn each round. (b) ${runs} runs of ${passes} rounds (after one
warm-up round): all ${whole(RAW_SAMPLES)} samples as historyFrame pages of up to ${whole(RAW_PAGE)}, as Tag.history pages of ${whole(MAX_PAGE_SIZE)}, and the raw
statement(s) via pg. (c) ${connections} closed-loop clients (node:http keep-alive, a worker thread), ${runs} runs of ${seconds} s per target in turn, after 2 s each.
Figures: median of the runs (lowest–highest run).

| (a) 24 h at one minute, topology | p50 | p95 | points |
|---|---|---|---|
${latencyRow('1 tag, Tag.aggregate, gateway', topology.one)}
${latencyRow('1 tag, Tag.aggregate, timeseries subgraph', topology.oneSubgraph)}
${latencyRow('1 tag, SQL via pg', topology.oneSql)}
${latencyRow(`${TAGS} tags, timeseriesFrame, gateway`, topology.frame)}
${latencyRow(`${TAGS} tags, timeseriesFrame, timeseries subgraph`, topology.frameSubgraph)}
${latencyRow(`${TAGS} tags, SQL via pg`, topology.frameSql)}

| (b) ${whole(RAW_SAMPLES)} raw samples of one tag, topology | p50 | slowest | samples |
|---|---|---|---|
${rawRow(`Tag.historyFrame, gateway, pages of up to ${whole(RAW_PAGE)}`, topology.historyFrame)}
${rawRow(`Tag.history, gateway, pages of ${whole(MAX_PAGE_SIZE)}`, topology.history)}
${rawRow('SQL via pg', topology.rawSql)}

| (c) 1 tag, Tag.aggregate, ${connections} clients, topology | requests/s | p50 | failed |
|---|---|---|---|
${loadRow('gateway', topology.throughput.gateway)}
${loadRow('timeseries subgraph directly', topology.throughput.subgraph)}

| in-process demo (one process), gateway | p50 | p95 |
|---|---|---|
${demoRow('1 tag, Tag.aggregate', sql.demo.one)}
${demoRow(`${TAGS} tags, timeseriesFrame`, sql.demo.frame)}
${demoRow(`${whole(RAW_SAMPLES)} raw samples, Tag.historyFrame`, sql.demo.historyFrame)}
${demoRow(`${whole(RAW_SAMPLES)} raw samples, Tag.history`, sql.demo.history)}

| goal (topology) | measured | result |
|---|---|---|
| (a) 1 tag: gateway <= SQL + ${GOAL.smallOverheadMs} ms at p50 | SQL + ${ms(oneGap)} (${oneRatio.toFixed(2)}×) | ${verdict(oneGap <= GOAL.smallOverheadMs)} |
| (a) ${TAGS} tags: gateway <= ${GOAL.heavyRatio}× SQL at p50 | ${frameRatio.toFixed(2)}× | ${verdict(frameRatio <= GOAL.heavyRatio)} |
| (b) ${whole(RAW_SAMPLES)} raw samples through the gateway < ${whole(GOAL.rawMs)} ms | ${ms(rawMs)} | ${verdict(rawMs < GOAL.rawMs)} |
| (c) gateway / timeseries subgraph, requests/s | ${throughputRatio.toFixed(2)} | (reported) |
`;
}

async function main(): Promise<void> {
  if (!existsSync(cli)) throw new Error('bench:query runs the build output: `npm run build` first');
  const loadAtStart = loads();
  const broker = await DedicatedBroker.start();
  const database = await scratchDatabase(adminUrl, 'bench_query');
  const closers: (() => Promise<unknown>)[] = [() => broker.down(), () => database.drop()];
  try {
    const { sql, capabilities } = await openDatabase({ databaseUrl: database.url });
    closers.push(() => sql.close());
    const seed = await seedDemoPlant(sql, { size: 'demo', now: new Date() });
    const day = windowBefore(seed, DAY_MINUTES);
    const tagIds = await benchTags(sql, day);
    const [oneTag = ''] = tagIds;
    const raw = await rawTag(sql, oneTag, new Date(seed.to.getTime() + MINUTE_MS));
    const targets: Targets = { oneTag, tagIds, day, raw };
    const direct = new pg.Client({ connectionString: database.url });
    await direct.connect();
    closers.push(() => direct.end());

    const recorded = await inProcess({ sql, capabilities }, direct, targets);
    const apiKey = await createApiKey(database.url, 'admin');
    const gatewaySecret = randomBytes(48).toString('base64');
    const roles = await startBenchTopology({
      databaseUrl: database.url,
      mqttUrl: broker.url,
      gatewaySecret,
      gatewayEnv: GATEWAY_ENV,
      cpuProfileDirectory: settings.cpuProfileDirectory,
    });
    closers.push(() => stopBenchTopology(roles, Boolean(settings.cpuProfileDirectory)));
    const topology = await onTopology(roles, apiKey, gatewaySecret, targets, recorded);
    console.log(
      report({
        storage: capabilities.timescaleVersion
          ? `PostgreSQL ${capabilities.postgresVersion} + TimescaleDB ${capabilities.timescaleVersion}`
          : `PostgreSQL ${capabilities.postgresVersion}, plain tables`,
        loadAtStart,
        seed,
        targets,
        sql: recorded,
        topology,
      }),
    );
    if (settings.cpuProfileDirectory) {
      console.log(
        `CPU profiles (written on exit): ${resolve(settings.cpuProfileDirectory)}/<role>/`,
      );
    }
  } finally {
    for (const close of closers.reverse()) {
      await close().catch((error: unknown) => console.error('close failed:', error));
    }
  }
}

await main();

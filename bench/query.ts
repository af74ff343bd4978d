/**
 * Query benchmark: what the federated gateway adds to the work behind it.
 *
 * (a) A day of one-minute averages of one tag (`Tag.aggregate`) and of 50 tags
 *     (`timeseriesFrame`) through the gateway, against the statements that read the samples for
 *     that very request, recorded and replayed through pg.
 * (b) A page of 100,000 points through the gateway, and 100,000 raw samples as `Tag.history`'s
 *     pages (1,000 samples at most) allow.
 * (c) A federated query (assets with their tags, active order and active alarms) through the
 *     gateway, against the owning assets subgraph answering its own part directly, and against
 *     the client itself asking the three subgraphs what the gateway asks them; requests signed as
 *     the gateway signs them.
 *
 *   npm run bench:query [-- --iterations 30 --warm-up 5 --passes 5 --clients 8 --seconds 10]
 *
 * --database-url (default BENCH_DATABASE_URL, else TEST_DATABASE_URL, else
 * postgres://postgres@127.0.0.1:5432/test): a scratch database is created next to it, seeded with
 * the demo plant and dropped afterwards.
 */
import { randomBytes } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { createApiKey, signIdentity, type Identity } from '@plantgraph/auth';
import { createLogger } from '@plantgraph/config';
import { openDatabase, type Sql } from '@plantgraph/db';
import { createPrismaClient } from '@plantgraph/db/prisma';
import { seedDemoPlant, startPlant, type SeedSummary } from '@plantgraph/demo';
import { DEFAULT_LIMITS } from '@plantgraph/gateway';
import { MAX_PAGE_SIZE } from '@plantgraph/graph';

// @apollo/gateway otherwise probes cloud metadata endpoints and reports usage to Apollo: traffic
// off this machine, and CPU the measurement would count.
process.env.APOLLO_TELEMETRY_DISABLED ??= 'true';

function option(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? process.argv[index + 1] : undefined;
}

function count(name: string, fallback: number): number {
  const given = option(name);
  const value = given === undefined ? fallback : Number(given);
  if (!Number.isInteger(value) || value <= 0) {
    throw new Error(`--${name} must be a positive whole number, not ${given}`);
  }
  return value;
}

const settings = {
  /** Measured rounds of (a), after `warmUp` unmeasured ones. */
  iterations: count('iterations', 30),
  warmUp: count('warm-up', 5),
  /** Measured rounds of (b), after one unmeasured one. */
  passes: count('passes', 5),
  /** Concurrent clients of (c) and the seconds each target is loaded for. */
  clients: count('clients', 8),
  seconds: count('seconds', 10),
};
const adminUrl =
  option('database-url') ??
  process.env.BENCH_DATABASE_URL ??
  process.env.TEST_DATABASE_URL ??
  'postgres://postgres@127.0.0.1:5432/test';

const GOAL = { overhead: 1.3, pageMs: 1000, throughputRatio: 0.5 };
const TAGS = 50;
const MINUTE_MS = 60_000;
const DAY_MINUTES = 24 * 60;
/** The (b) frame: 50 tags × 2,000 one-minute buckets make the 100,000 points a page may hold. */
const PAGE_POINTS = 100_000;
const PAGE_MINUTES = PAGE_POINTS / TAGS;
/**
 * Aliased history pages per request. A page of 1,000 samples costs 3,006 in the gateway's cost
 * model, which allows 100,000 (33 pages); 25 split the 50 tags evenly.
 */
const PAGES_PER_REQUEST = 25;
/** (c) alternates its targets in slices of this length, so drifting load hits all alike. */
const SLICE_SECONDS = 2;
const IDENTITY: Identity = { subject: 'bench:query', role: 'admin', sites: null };

const AGGREGATE_FIELDS = `aggregate(from: $from, to: $to, interval: "1 minute", functions: [AVG]) {
  start
  avg
}`;
const TAG_AGGREGATE = `query TagAggregate($id: ID!, $from: DateTime!, $to: DateTime!) {
  tag(id: $id) { ${AGGREGATE_FIELDS} }
}`;
/** What the gateway asks the timeseries subgraph for `TAG_AGGREGATE`. */
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
const HISTORY_FIELDS = `history(from: $from, to: $to, first: ${MAX_PAGE_SIZE}, after: $after) {
  edges { node { time value } }
  pageInfo { hasNextPage endCursor }
}`;
const HISTORY = `query History($id: ID!, $from: DateTime!, $to: DateTime!, $after: String) {
  tag(id: $id) { ${HISTORY_FIELDS} }
}`;
const ASSETS = `query Assets {
  assets(first: 50) {
    edges { node { id name tags { name } activeOrder { number } activeAlarms { code } } }
  }
}`;
/** What of `ASSETS` the assets subgraph answers itself. */
const OWN_ASSETS = `query Assets { assets(first: 50) { edges { node { id name tags { name } } } } }`;
const entities = (selection: string) => `query Entities($representations: [_Any!]!) {
  _entities(representations: $representations) { ... on Asset { ${selection} } }
}`;
const ACTIVE_ORDERS = entities('activeOrder { number }');
const ACTIVE_ALARMS = entities('activeAlarms { code }');

/** `pages` history pages of different tags in one request, as aliases t0, t1, … */
function aliasedHistory(pages: number): string {
  const indexes = Array.from({ length: pages }, (_, index) => index);
  const variables = indexes.map((index) => `$id${index}: ID!, $after${index}: String`);
  const fields = indexes.map(
    (index) =>
      `t${index}: tag(id: $id${index}) { ${HISTORY_FIELDS.replace('$after', `$after${index}`)} }`,
  );
  return `query HistoryPages($from: DateTime!, $to: DateTime!, ${variables.join(', ')}) {
  ${fields.join('\n  ')}
}`;
}

interface HistoryPage {
  edges: { node: { time: string; value: number | null } }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}
interface FrameReply {
  timeseriesFrame: { timestamps: string[]; columns: { values: unknown[] }[] };
}
interface AssetsReply {
  assets: { edges: { node: { id: string } }[] };
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

interface Timings {
  /** Durations of the measured rounds in ms, ascending. */
  sorted: number[];
  /** What the last round returned: the points it delivered. */
  points: number;
}

/**
 * Runs every work `warmUp + rounds` times, round by round, so that load drifting over the run
 * hits all of them alike; the measured rounds' durations per work.
 */
async function interleaved(
  works: (() => Promise<number>)[],
  rounds: number,
  warmUp: number,
): Promise<Timings[]> {
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

interface Load {
  latencies: number[];
  seconds: number;
  failed: number;
  firstError: string | undefined;
}

/** `clients` closed-loop clients repeating `work` for `seconds`. */
async function load(work: () => Promise<unknown>, clients: number, seconds: number) {
  const measured: Load = { latencies: [], seconds: 0, failed: 0, firstError: undefined };
  const started = performance.now();
  const end = started + seconds * 1000;
  const loop = async () => {
    while (performance.now() < end) {
      const sent = performance.now();
      try {
        await work();
        measured.latencies.push(performance.now() - sent);
      } catch (error) {
        measured.failed++;
        measured.firstError ??= String(error);
      }
    }
  };
  await Promise.all(Array.from({ length: clients }, loop));
  measured.seconds = (performance.now() - started) / 1000;
  return measured;
}

/**
 * Throughput of each work under `clients` clients for `seconds` in all, in slices taken in turn
 * after a warm-up slice each.
 */
async function throughputs(
  works: (() => Promise<unknown>)[],
  clients: number,
  seconds: number,
): Promise<Load[]> {
  const totals = works.map((): Load => ({
    latencies: [],
    seconds: 0,
    failed: 0,
    firstError: undefined,
  }));
  for (const work of works) await load(work, clients, SLICE_SECONDS);
  const slices = Math.max(1, Math.round(seconds / SLICE_SECONDS));
  for (let slice = 0; slice < slices; slice++) {
    for (const [index, work] of works.entries()) {
      const total = totals[index];
      const measured = await load(work, clients, seconds / slices);
      if (!total) continue;
      total.latencies.push(...measured.latencies);
      total.seconds += measured.seconds;
      total.failed += measured.failed;
      total.firstError ??= measured.firstError;
    }
  }
  for (const total of totals) total.latencies.sort((a, b) => a - b);
  return totals;
}

interface Window {
  from: string;
  to: string;
}

/**
 * The 50 numeric tags with the most samples in `window`; each must have one per minute, so that
 * every bucket of (a) and every point of (b) is a real sample.
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
  const complete = rows.filter((row) => row.samples === PAGE_MINUTES);
  if (complete.length < TAGS) {
    throw new Error(`the seed has ${complete.length} tags with a sample every minute, not ${TAGS}`);
  }
  return complete.map((row) => row.id);
}

/** The `minutes` before the end of the seeded history. */
function windowBefore(seed: SeedSummary, minutes: number): Window {
  const to = seed.to.getTime() + MINUTE_MS;
  return { from: new Date(to - minutes * MINUTE_MS).toISOString(), to: new Date(to).toISOString() };
}

/** Every tag's history page by page, one request per page; the samples read. */
async function historyOneByOne(gateway: Client, tagIds: string[], window: Window) {
  let samples = 0;
  for (const id of tagIds) {
    let after: string | null = null;
    do {
      const reply: { tag: { history: HistoryPage } } = await gateway(HISTORY, {
        id,
        ...window,
        after,
      });
      const { edges, pageInfo } = reply.tag.history;
      samples += edges.length;
      after = pageInfo.hasNextPage ? pageInfo.endCursor : null;
    } while (after);
  }
  return samples;
}

/** Every tag's history, `PAGES_PER_REQUEST` tags' next pages per request; the samples read. */
async function historyAliased(gateway: Client, tagIds: string[], window: Window) {
  let samples = 0;
  let pending = tagIds.map((id) => ({ id, after: null as string | null }));
  while (pending.length > 0) {
    const batch = pending.slice(0, PAGES_PER_REQUEST);
    pending = pending.slice(PAGES_PER_REQUEST);
    const variables: Record<string, unknown> = { ...window };
    for (const [index, { id, after }] of batch.entries()) {
      variables[`id${index}`] = id;
      variables[`after${index}`] = after;
    }
    const reply = await gateway<Record<string, { history: HistoryPage }>>(
      aliasedHistory(batch.length),
      variables,
    );
    for (const [index, { id }] of batch.entries()) {
      const page = reply[`t${index}`]?.history;
      samples += page?.edges.length ?? 0;
      if (page?.pageInfo.hasNextPage) pending.push({ id, after: page.pageInfo.endCursor });
    }
  }
  return samples;
}

const whole = (value: number) =>
  Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : 'n/a';
const ms = (value: number) => (value < 10 ? `${value.toFixed(1)} ms` : `${whole(value)} ms`);
const spread = (sorted: number[]) =>
  `${ms(percentile(sorted, 50))} / ${ms(percentile(sorted, 95))}`;
const times = (ratio: number) => `${ratio.toFixed(2)}×`;
const verdict = (met: boolean) => (met ? 'PASS' : 'MISS');
const loads = () =>
  loadavg()
    .map((value) => value.toFixed(2))
    .join(' / ');

interface Compared {
  gateway: Timings;
  subgraph: Timings;
  sql: Timings;
}

interface Results {
  storage: string;
  loadAtStart: string;
  seed: SeedSummary;
  /** How many statements the (a) requests sent, and how many of them read samples. */
  statements: Record<'one' | 'many', { recorded: number; replayed: number }>;
  one: Compared;
  many: Compared;
  page: Compared;
  history: { oneByOne: Timings; aliased: Timings };
  assetsCount: number;
  throughput: { federated: Load; owning: Load; byHand: Load };
}

const p50 = (timings: Timings) => percentile(timings.sorted, 50);
const slowest = (timings: Timings) => timings.sorted.at(-1) ?? NaN;
const rate = (measured: Load) => measured.latencies.length / measured.seconds;

function report(results: Results): string {
  const { seed, statements, one, many, page, history, throughput } = results;
  const { warmUp, iterations, passes, clients, seconds } = settings;
  const overheadOne = p50(one.gateway) / p50(one.sql);
  const overheadMany = p50(many.gateway) / p50(many.sql);
  const versusOwning = rate(throughput.federated) / rate(throughput.owning);
  const versusByHand = rate(throughput.federated) / rate(throughput.byHand);
  const pages = PAGE_POINTS / MAX_PAGE_SIZE;
  const aliasedRequests = Math.ceil(pages / PAGES_PER_REQUEST);
  const aggregateRow = (query: string, { gateway, subgraph, sql }: Compared) =>
    `| ${query} | ${spread(gateway.sorted)} | ${spread(subgraph.sorted)} | ${spread(sql.sorted)} | ${times(p50(gateway) / p50(sql))} |`;
  const pageRow = (request: string, timings: Timings, unit = '') =>
    `| ${request} | ${whole(timings.points)}${unit} | ${ms(p50(timings))} | ${ms(slowest(timings))} |`;
  const loadRow = (target: string, measured: Load) => {
    const error = measured.firstError ? ` (${measured.firstError})` : '';
    return `| ${target} | ${whole(rate(measured))} | ${spread(measured.latencies)} | ${whole(measured.failed)}${error} |`;
  };
  return `
Query benchmark (${cpus().length} cores, Node ${process.version}, ${results.storage})
Load average (1 / 5 / 15 min): ${results.loadAtStart} at the start, ${loads()} at the end.
Method: a scratch database with the demo seed (${whole(seed.counts.tag)} tags, ${whole(seed.counts.datapoint)} datapoints: three days at one
minute, seeded in ${(seed.elapsedMs / 1000).toFixed(1)} s); the five subgraphs and the gateway in this process on loopback (per-caller rate
limit off), clients in the same process (fetch, JSON parsed), an admin API key. The ${TAGS} tags are the numeric ones with a
sample every minute of the last ${whole(PAGE_MINUTES)} minutes. Subgraph requests are signed like the gateway's.
(a) ${warmUp} warm-up and ${iterations} measured rounds, the six requests in turn each round. Through the gateway:
tag(id) { aggregate(interval: "1 minute", functions: [AVG]) { start avg } } over the last 24 h, and for ${TAGS} tags
timeseriesFrame(interval: "1 minute", functions: [AVG]) { timestamps columns { tagId values } } (what docs/analytics.md
offers for many tags). Subgraph: what the gateway asks the timeseries subgraph (_entities on Tag; timeseriesFrame), sent to
it directly. SQL via pg: the statements reading samples that the subgraph sent for the gateway's request (recorded, then
replayed with their values on one pg connection: ${statements.one.replayed} of the ${statements.one.recorded} and ${statements.many.replayed} of the ${statements.many.recorded} statements the two requests sent).
(b) One unmeasured and ${passes} measured rounds of 100,000 points of the ${TAGS} tags (${whole(PAGE_MINUTES)} minutes each): a timeseriesFrame page
(one-minute AVG buckets of one-minute samples, so each value is one sample) through the gateway, from the subgraph and as
SQL; and the raw samples through Tag.history, whose pages hold at most ${whole(MAX_PAGE_SIZE)} samples: ${pages} requests of one page,
or ${aliasedRequests} requests of ${PAGES_PER_REQUEST} aliased pages (the gateway's cost limit allows 33).
(c) ${clients} clients, each sending its next request when its last one is answered, ${seconds} s per target in ${SLICE_SECONDS} s slices taken
in turn, after a ${SLICE_SECONDS} s warm-up each. Gateway: assets(first: 50) { edges { node { id name tags { name }
activeOrder { number } activeAlarms { code } } } } (${results.assetsCount} assets, three subgraphs). Owning subgraph: the assets subgraph
answering its part (id name tags { name }) directly. By hand: that part, then _entities on the orders and on the alarms
subgraph at once, as in the gateway's query plan.

| (a) 24 h at one minute | gateway p50 / p95 | subgraph p50 / p95 | SQL via pg p50 / p95 | gateway / SQL at p50 |
|---|---|---|---|---|
${aggregateRow(`1 tag, Tag.aggregate (${whole(one.gateway.points)} buckets)`, one)}
${aggregateRow(`${TAGS} tags, timeseriesFrame (${whole(many.gateway.points)} values)`, many)}

| (b) 100,000 points | points read | p50 | slowest |
|---|---|---|---|
${pageRow('timeseriesFrame page, gateway', page.gateway)}
${pageRow('timeseriesFrame page, subgraph', page.subgraph)}
${pageRow("the page's statement via pg", page.sql, ' rows')}
${pageRow(`Tag.history raw, ${pages} requests of one page`, history.oneByOne)}
${pageRow(`Tag.history raw, ${aliasedRequests} requests of ${PAGES_PER_REQUEST} pages`, history.aliased)}

| (c) ${clients} clients | requests/s | latency p50 / p95 | failed |
|---|---|---|---|
${loadRow('gateway, federated query', throughput.federated)}
${loadRow('assets subgraph directly, its part', throughput.owning)}
${loadRow('three subgraphs directly, by hand', throughput.byHand)}

| goal | measured | result |
|---|---|---|
| (a) 1 tag: gateway <= ${GOAL.overhead}× SQL at p50 | ${times(overheadOne)} | ${verdict(overheadOne <= GOAL.overhead)} |
| (a) ${TAGS} tags: gateway <= ${GOAL.overhead}× SQL at p50 | ${times(overheadMany)} | ${verdict(overheadMany <= GOAL.overhead)} |
| (b) 100,000-point page < ${whole(GOAL.pageMs)} ms (a raw page holds ${whole(MAX_PAGE_SIZE)}: frame page) | p50 ${ms(p50(page.gateway))} | ${verdict(p50(page.gateway) < GOAL.pageMs)} |
| (c) gateway >= ${GOAL.throughputRatio} × owning subgraph, requests/s | ${versusOwning.toFixed(2)} | ${verdict(versusOwning >= GOAL.throughputRatio)} |
| (c) gateway >= ${GOAL.throughputRatio} × the same subgraph requests by hand | ${versusByHand.toFixed(2)} | ${verdict(versusByHand >= GOAL.throughputRatio)} |
`;
}

async function admin(statement: string) {
  const connection = new pg.Client({ connectionString: adminUrl });
  await connection.connect();
  await connection.query(statement);
  await connection.end();
}

const loadAtStart = loads();
const name = `plantgraph_bench_${randomBytes(4).toString('hex')}`;
await admin(`create database ${name}`);
const closers: (() => Promise<unknown>)[] = [
  () => admin(`drop database if exists ${name} with (force)`),
];
try {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const { sql, capabilities } = await openDatabase({ databaseUrl: url.toString() });
  closers.push(() => sql.close());
  const seed = await seedDemoPlant(sql, { size: 'demo', now: new Date() });
  const day = windowBefore(seed, DAY_MINUTES);
  const pageWindow = windowBefore(seed, PAGE_MINUTES);
  const tagIds = await benchTags(sql, pageWindow);
  const [oneTag = ''] = tagIds;

  const prisma = await createPrismaClient(sql);
  closers.push(() => prisma.$disconnect());
  const recorder = recordingSql(sql);
  const plant = await startPlant({
    services: { sql: recorder.sql, prisma, capabilities, logger: createLogger('bench', 'warn') },
    port: 0,
    host: '127.0.0.1',
    subgraphPortsFrom: 0,
    sandbox: false,
    // The per-caller rate limit would measure itself: every client here is one caller.
    limits: { ...DEFAULT_LIMITS, rateLimit: { ...DEFAULT_LIMITS.rateLimit, perMinute: 0 } },
  });
  closers.push(() => plant.close());
  const { key } = await createApiKey(sql, { role: 'admin', sites: null, label: 'bench' });
  const gatewayHeaders = { 'content-type': 'application/json', authorization: `Bearer ${key}` };
  const gateway = client(plant.url, () => gatewayHeaders);
  const subgraph = (subgraphName: string) => {
    const server = plant.subgraphs[subgraphName];
    if (!server) throw new Error(`no subgraph ${subgraphName}`);
    return client(server.url, (body) => ({
      'content-type': 'application/json',
      ...signIdentity(plant.gatewaySecret, IDENTITY, body),
    }));
  };
  const direct = new pg.Client({ connectionString: url.toString() });
  await direct.connect();
  closers.push(() => direct.end());

  /** The request once, then the statements reading samples of a second run of it, replayable. */
  const replayOf = async (request: () => Promise<unknown>) => {
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

  // (a) A day of one-minute averages: through the gateway, from the subgraph, as SQL.
  const timeseries = subgraph('timeseries');
  const aggregateOne = async () => {
    const reply = await gateway<{ tag: { aggregate: unknown[] } }>(TAG_AGGREGATE, {
      id: oneTag,
      ...day,
    });
    return reply.tag.aggregate.length;
  };
  const aggregateOneFromSubgraph = async () => {
    const reply = await timeseries<{ _entities: { aggregate: unknown[] }[] }>(
      TAG_AGGREGATE_ENTITY,
      { representations: [{ __typename: 'Tag', id: oneTag }], ...day },
    );
    return reply._entities[0]?.aggregate.length ?? 0;
  };
  const frame = (endpoint: Client, window: Window) => async () => {
    const reply = await endpoint<FrameReply>(FRAME, { tagIds, ...window });
    const { timestamps, columns } = reply.timeseriesFrame;
    return timestamps.length * columns.length;
  };
  const frameDay = frame(gateway, day);
  const oneSql = await replayOf(aggregateOne);
  const manySql = await replayOf(frameDay);
  const [one, oneSubgraph, oneDirect, many, manySubgraph, manyDirect] = await interleaved(
    [
      aggregateOne,
      aggregateOneFromSubgraph,
      oneSql.replay,
      frameDay,
      frame(timeseries, day),
      manySql.replay,
    ],
    settings.iterations,
    settings.warmUp,
  );

  // (b) 100,000 points: one frame page, and raw samples in history pages.
  const framePage = frame(gateway, pageWindow);
  const pageSql = await replayOf(framePage);
  const [page, pageSubgraph, pageDirect, oneByOne, aliased] = await interleaved(
    [
      framePage,
      frame(timeseries, pageWindow),
      pageSql.replay,
      () => historyOneByOne(gateway, tagIds, pageWindow),
      () => historyAliased(gateway, tagIds, pageWindow),
    ],
    settings.passes,
    1,
  );

  // (c) The federated query, the owning subgraph's part, and the gateway's plan run by hand.
  const assetsSubgraph = subgraph('assets');
  const ordersSubgraph = subgraph('orders');
  const alarmsSubgraph = subgraph('alarms');
  const assetsCount = (await gateway<AssetsReply>(ASSETS)).assets.edges.length;
  const [federated, owning, byHand] = await throughputs(
    [
      () => gateway(ASSETS),
      () => assetsSubgraph(OWN_ASSETS),
      async () => {
        const reply = await assetsSubgraph<AssetsReply>(OWN_ASSETS);
        const representations = reply.assets.edges.map(({ node }) => ({
          __typename: 'Asset',
          id: node.id,
        }));
        await Promise.all([
          ordersSubgraph(ACTIVE_ORDERS, { representations }),
          alarmsSubgraph(ACTIVE_ALARMS, { representations }),
        ]);
      },
    ],
    settings.clients,
    settings.seconds,
  );

  if (!one || !oneSubgraph || !oneDirect || !many || !manySubgraph || !manyDirect) {
    throw new Error('a measurement of (a) is missing');
  }
  if (!page || !pageSubgraph || !pageDirect || !oneByOne || !aliased) {
    throw new Error('a measurement of (b) is missing');
  }
  if (!federated || !owning || !byHand) throw new Error('a measurement of (c) is missing');
  console.log(
    report({
      storage: capabilities.timescaleVersion
        ? `PostgreSQL ${capabilities.postgresVersion} + TimescaleDB ${capabilities.timescaleVersion}`
        : `PostgreSQL ${capabilities.postgresVersion}, plain tables`,
      loadAtStart,
      seed,
      statements: { one: oneSql, many: manySql },
      one: { gateway: one, subgraph: oneSubgraph, sql: oneDirect },
      many: { gateway: many, subgraph: manySubgraph, sql: manyDirect },
      page: { gateway: page, subgraph: pageSubgraph, sql: pageDirect },
      history: { oneByOne, aliased },
      assetsCount,
      throughput: { federated, owning, byHand },
    }),
  );
} finally {
  for (const close of closers.reverse()) {
    await close().catch((error: unknown) => console.error('close failed:', error));
  }
}

/**
 * Soak: compose.yaml's roles as processes from the build output (two replicas of each subgraph,
 * two gateways, the connectors) under steady load for a long time: UNS JSON ingest at QoS 1, live
 * `tagValues` subscriptions through both gateways and a steady query load. Samples every process's
 * RSS (/proc/<pid>/status), V8 heap and event-loop delay (its Prometheus /metrics) and prints
 * their slopes, then counts the ingested datapoints by key: lost and doubled.
 *
 *   npm run build
 *   npm run bench:soak [-- --minutes 30 --rate 10000 --subscriptions 1000 --query-clients 4]
 *
 * Further flags: --sample-seconds (default 10). BENCH_DATABASE_URL (default TEST_DATABASE_URL,
 * else postgres://postgres@127.0.0.1:5432/test): a scratch database is created next to it and
 * dropped afterwards. The broker is a Mosquitto of the soak's own on a free loopback port.
 */
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import {
  admin,
  cli,
  createApiKey,
  DedicatedBroker,
  devicePath,
  faultPlant,
  scrape,
  scratchDatabase,
  startRoles,
  storedCounts,
  TrafficGenerator,
  type RoleSet,
} from '../test/topology/faults/fault-harness.ts';

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index > 0 ? Number(process.argv[index + 1]) : fallback;
  if (!Number.isFinite(value) || value <= 0) {
    throw new Error(`--${name} must be a positive number, not ${process.argv[index + 1]}`);
  }
  return value;
}

const settings = {
  minutes: option('minutes', 30),
  rate: option('rate', 10_000),
  subscriptions: option('subscriptions', 1_000),
  queryClients: option('query-clients', 4),
  sampleSeconds: option('sample-seconds', 10),
};
const DEVICES = 10;
const METRICS = 100;
const SOCKETS = 10;
const SUBGRAPHS = ['assets', 'orders', 'quality', 'alarms', 'timeseries'];
const adminUrl =
  process.env.BENCH_DATABASE_URL ??
  process.env.TEST_DATABASE_URL ??
  'postgres://postgres@127.0.0.1:5432/test';

interface Sample {
  minute: number;
  rssMb: number;
  heapMb: number | undefined;
  lagP99Ms: number | undefined;
}

/** Least-squares slope of y over x. */
function slope(points: { x: number; y: number }[]): number {
  const n = points.length;
  if (n < 2) return Number.NaN;
  const meanX = points.reduce((sum, p) => sum + p.x, 0) / n;
  const meanY = points.reduce((sum, p) => sum + p.y, 0) / n;
  let numerator = 0;
  let denominator = 0;
  for (const p of points) {
    numerator += (p.x - meanX) * (p.y - meanY);
    denominator += (p.x - meanX) ** 2;
  }
  return denominator === 0 ? Number.NaN : numerator / denominator;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

function rssMb(pid: number | undefined): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]) / 1024;
}

const fixed = (value: number | undefined, digits = 1) =>
  value === undefined || Number.isNaN(value) ? 'n/a' : value.toFixed(digits);

const database = await scratchDatabase(adminUrl, 'plantgraph_soak');
const broker = await DedicatedBroker.start();
let roles: RoleSet | undefined;
let traffic: TrafficGenerator | undefined;
const clients: Client[] = [];
try {
  await promisify(execFile)(process.execPath, [cli, 'migrate'], {
    env: { PATH: process.env.PATH, DATABASE_URL: database.url },
  });
  const plant = await faultPlant(database.url, {
    devices: DEVICES,
    metrics: METRICS,
    clientId: 'plantgraph-soak',
  });
  roles = await startRoles({
    names: [
      ...SUBGRAPHS.flatMap((name) => [`${name}-1`, `${name}-2`]),
      'gateway-1',
      'gateway-2',
      'connectors',
    ],
    databaseUrl: database.url,
    mqttUrl: broker.url,
    env: (name) => ({
      ...(name.startsWith('gateway') ? { PLANTGRAPH_RATE_LIMIT: '0' } : {}),
      ...(name === 'connectors' ? { PLANTGRAPH_CONFIG: plant.configFile } : {}),
    }),
  });
  const running = roles;
  const apiKey = await createApiKey(database.url);
  const gateways = ['gateway-1', 'gateway-2'].map(
    (name) => `http://127.0.0.1:${running.role(name).service.port}/graphql`,
  );

  traffic = await TrafficGenerator.connect(plant, broker.url);
  traffic.start(settings.rate);
  const generator = traffic;
  // Tags exist once the connectors resolved the plant file.
  const tags = await admin<{ id: string }>(
    database.url,
    `select t.id from tag t join asset a on a.id = t.asset_id
      where a.path like '${plant.root}/%' order by a.path, t.name`,
  );

  // Live subscriptions, spread over sockets on both gateways, one tag each.
  const deliveries = Array.from({ length: settings.subscriptions }, () => 0);
  const subscriptionErrors: string[] = [];
  for (let socket = 0; socket < SOCKETS; socket += 1) {
    clients.push(
      createClient({
        url: (gateways[socket % 2] as string).replace(/^http/, 'ws'),
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${apiKey}` },
        retryAttempts: 0,
      }),
    );
  }
  for (let index = 0; index < settings.subscriptions; index += 1) {
    (clients[index % SOCKETS] as Client).subscribe(
      {
        query: `subscription ($id: ID!) { tagValues(tagIds: [$id], minIntervalMs: 1000) { value } }`,
        variables: { id: tags[index % tags.length]?.id },
      },
      {
        next: (result) => {
          if (result.errors) subscriptionErrors.push(JSON.stringify(result.errors));
          else deliveries[index] = (deliveries[index] ?? 0) + 1;
        },
        error: (error) =>
          subscriptionErrors.push(error instanceof Error ? error.message : String(error)),
        complete: () => undefined,
      },
    );
  }

  // A steady query load: each client asks one device's tags and latest values, then the next.
  const queries = { ok: 0, failed: 0, latencies: [] as number[], firstFailure: '' };
  let querying = true;
  const queryLoop = async (client: number) => {
    for (let n = client; querying; n += settings.queryClients) {
      const started = performance.now();
      try {
        const response = await fetch(gateways[n % 2] as string, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
          body: JSON.stringify({
            query: `query ($path: String!) {
              assetByPath(path: $path) { tags { name latest { time value } } } }`,
            variables: { path: devicePath(plant, n % DEVICES) },
          }),
          signal: AbortSignal.timeout(10_000),
        });
        const body = (await response.json()) as { errors?: unknown };
        if (body.errors) throw new Error(JSON.stringify(body.errors));
        queries.ok += 1;
        queries.latencies.push(performance.now() - started);
      } catch (error) {
        queries.failed += 1;
        queries.firstFailure ||= (error as Error).message;
      }
    }
  };
  const loops = Array.from({ length: settings.queryClients }, (_, client) => queryLoop(client));

  const datapointRows = async () =>
    Number(
      (await admin<{ count: string }>(database.url, 'select count(*) from datapoint'))[0]?.count,
    );
  // Samples every process until the time is up.
  const samples = new Map<string, Sample[]>();
  /** Datapoints published but not yet stored, at each sample. */
  const ingestLag: number[] = [];
  const started = Date.now();
  const end = started + settings.minutes * 60_000;
  while (Date.now() < end) {
    await sleep(Math.min(settings.sampleSeconds * 1000, Math.max(0, end - Date.now())));
    const minute = (Date.now() - started) / 60_000;
    for (const [name, role] of running.processes) {
      const port = role.service.port;
      if (!role.running || port === undefined) continue;
      const sample = await scrape(port);
      const heap = sample?.('plantgraph_nodejs_heap_size_used_bytes');
      const lag = sample?.('plantgraph_nodejs_eventloop_lag_p99_seconds');
      const list = samples.get(name) ?? [];
      list.push({
        minute,
        rssMb: rssMb(role.pid),
        heapMb: heap === undefined ? undefined : heap / 1024 / 1024,
        lagP99Ms: lag === undefined ? undefined : lag * 1000,
      });
      samples.set(name, list);
    }
    const counts = generator.counts;
    const rows = await datapointRows();
    ingestLag.push(counts.published - rows);
    console.error(
      `soak ${minute.toFixed(1)} min: published ${counts.published}, stored ${rows}, ` +
        `queries ${queries.ok} ok ${queries.failed} failed, ` +
        `deliveries ${deliveries.reduce((a, b) => a + b, 0)}`,
    );
  }
  const seconds = (Date.now() - started) / 1000;
  querying = false;
  await Promise.all(loops);
  generator.stop();
  const { published } = await generator.settled(60_000);
  // Wait (120 s at most) for the table to hold every published datapoint: a cheap count while
  // waiting, the count by key once.
  const drainStarted = Date.now();
  while (Date.now() - drainStarted < 120_000 && (await datapointRows()) < published) {
    await sleep(2_000);
  }
  const drainSeconds = (Date.now() - drainStarted) / 1000;
  const stored = await storedCounts(database.url, plant, generator);
  const stoppedProcesses = [...running.processes.values()]
    .filter((role) => !role.running)
    .map((role) => role.service.name);

  // Slopes over the samples after the first fifth of the run (start-up, JIT, caches filling).
  const warm = settings.minutes / 5;
  const rows = [...samples.entries()].map(([name, list]) => {
    const steady = list.filter((sample) => sample.minute >= warm);
    const heaps = steady.filter((sample) => sample.heapMb !== undefined);
    const lags = list.flatMap((sample) => (sample.lagP99Ms === undefined ? [] : [sample.lagP99Ms]));
    return {
      name,
      rss: `${fixed(list[0]?.rssMb, 0)} → ${fixed(list.at(-1)?.rssMb, 0)}`,
      rssSlope: slope(steady.map((sample) => ({ x: sample.minute, y: sample.rssMb }))),
      heap: `${fixed(list[0]?.heapMb, 0)} → ${fixed(list.at(-1)?.heapMb, 0)}`,
      heapSlope: slope(heaps.map((sample) => ({ x: sample.minute, y: sample.heapMb as number }))),
      lagMedian: percentile(lags, 50),
      lagMax: Math.max(...lags),
    };
  });
  const delivered = deliveries.reduce((a, b) => a + b, 0);
  console.log(`
Soak (${cpus().length} cores, ${settings.minutes} min, ${[...samples.values()][0]?.length ?? 0} samples per process every ${settings.sampleSeconds} s)
Load: UNS JSON at QoS 1, ${settings.rate.toLocaleString()} datapoints/s (${DEVICES} devices x ${METRICS} tags) into the
connectors process; ${settings.subscriptions} tagValues subscriptions (minIntervalMs 1000) over ${SOCKETS} sockets on two gateways;
${settings.queryClients} clients querying a device's tags and latest values back to back, alternating gateways.

| process | RSS MB (first → last) | RSS slope MB/min | heap MB (first → last) | heap slope MB/min | loop delay p99 median / max ms |
|---------|-----------------------|------------------|------------------------|-------------------|--------------------------------|
${rows
  .map(
    (row) =>
      `| ${row.name} | ${row.rss} | ${fixed(row.rssSlope, 2)} | ${row.heap} | ${fixed(row.heapSlope, 2)} | ${fixed(row.lagMedian)} / ${fixed(row.lagMax)} |`,
  )
  .join('\n')}

| measure | value |
|---------|-------|
| datapoints published (broker-acknowledged) | ${published.toLocaleString()} (${Math.round(published / seconds).toLocaleString()}/s) |
| datapoints stored | ${stored.stored.toLocaleString()} (after ${drainSeconds.toFixed(0)} s of draining once publishing stopped) |
| published but not yet stored, per sample: median / max | ${percentile(ingestLag, 50).toLocaleString()} / ${Math.max(...ingestLag).toLocaleString()} |
| lost | ${(published - stored.distinct).toLocaleString()} |
| doubled | ${stored.doubled.toLocaleString()} |
| subscription deliveries | ${delivered.toLocaleString()} (${(delivered / seconds).toFixed(0)}/s; fewest on one subscription ${Math.min(...deliveries)}) |
| subscription errors | ${subscriptionErrors.length}${subscriptionErrors[0] ? ` (first: ${subscriptionErrors[0].slice(0, 120)})` : ''} |
| queries | ${queries.ok.toLocaleString()} ok (${(queries.ok / seconds).toFixed(0)}/s), ${queries.failed} failed${queries.firstFailure ? ` (first: ${queries.firstFailure.slice(0, 120)})` : ''} |
| query latency p50 / p99 | ${fixed(percentile(queries.latencies, 50))} / ${fixed(percentile(queries.latencies, 99))} ms |
| processes that exited | ${stoppedProcesses.length === 0 ? 'none' : stoppedProcesses.join(', ')} |
`);
} finally {
  await Promise.all(clients.map((client) => client.dispose()));
  await traffic?.close();
  await roles?.stop();
  await broker.down('SIGKILL');
  await database.drop();
}

/**
 * Export benchmark: `GET /export` of millions of raw samples (and their 1-minute aggregates)
 * from the gateway of an in-process plant, read by a client in a separate process. Samples the
 * plant process's RSS while the export streams and prints its peak over the baseline, and rows
 * per second. Constant memory shows as a peak that does not grow with --rows, and that stays
 * flat with a client slower than the database (--client-mbps).
 *
 *   npm run bench:export [-- --rows 2000000 --tags 2 --client-mbps 20]
 *
 * BENCH_DATABASE_URL (default TEST_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/test):
 * a scratch database is created next to it and dropped afterwards.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createApiKey } from '@plantgraph/auth';
import { createLogger } from '@plantgraph/config';
import { openDatabase } from '@plantgraph/db';
import { createPrismaClient } from '@plantgraph/db/prisma';
import { startPlant } from '@plantgraph/demo';

// @apollo/gateway otherwise reports usage to Apollo: traffic and CPU the measurement would count.
process.env.APOLLO_TELEMETRY_DISABLED ??= 'true';

function count(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index > 0 ? Number(process.argv[index + 1]) : fallback;
  if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} must be a number >= 0`);
  return value;
}

const settings = {
  rows: count('rows', 2_000_000),
  tags: Math.max(1, count('tags', 2)),
  /** The client's reading speed in MB/s; 0 reads as fast as it can. */
  clientMbps: count('client-mbps', 0),
};
const adminUrl =
  process.env.BENCH_DATABASE_URL ??
  process.env.TEST_DATABASE_URL ??
  'postgres://postgres@127.0.0.1:5432/test';
const logger = createLogger('bench', 'warn');
const START = Date.parse('2025-01-01T00:00:00Z');

async function admin(statement: string) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  await client.query(statement);
  await client.end();
}

/** Reads `url` in a process of its own (its memory is not the plant's); rows and bytes read. */
const CLIENT = `
const [url, authorization, mbps] = process.argv.slice(1);
const response = await fetch(url, { headers: { authorization } });
if (response.status !== 200) throw new Error(response.status + ' ' + (await response.text()));
let bytes = 0, rows = 0;
const started = Date.now();
for await (const chunk of response.body) {
  bytes += chunk.length;
  for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) rows++;
  const due = (bytes / (Number(mbps) * 1e6)) * 1000 - (Date.now() - started);
  if (Number(mbps) > 0 && due > 1) await new Promise((resolve) => setTimeout(resolve, due));
}
console.log(JSON.stringify({ bytes, rows }));
`;

function readExport(url: string, authorization: string): Promise<{ bytes: number; rows: number }> {
  return new Promise((resolve, reject) => {
    const client = spawn(
      process.execPath,
      ['--input-type=module', '-e', CLIENT, url, authorization, String(settings.clientMbps)],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let output = '';
    client.stdout.on('data', (data: Buffer) => (output += data.toString()));
    client.on('error', reject);
    client.on('exit', (code) =>
      code === 0 ? resolve(JSON.parse(output)) : reject(new Error(`client exited ${code}`)),
    );
  });
}

interface Measurement {
  label: string;
  rows: number;
  megabytes: number;
  seconds: number;
  baselineMb: number;
  peakMb: number;
  heapBeforeMb: number;
  heapPeakMb: number;
}

/** Streams one export while sampling RSS every 20 ms. */
async function measure(label: string, url: string, authorization: string): Promise<Measurement> {
  const mb = (bytes: number) => bytes / 1024 / 1024;
  // With --expose-gc (npm run bench:export passes it) the baseline is live memory, not the
  // previous run's garbage.
  (globalThis as { gc?: () => void }).gc?.();
  const before = process.memoryUsage();
  let peak = before.rss;
  let heapPeak = before.heapUsed + before.external;
  const sampler = setInterval(() => {
    const now = process.memoryUsage();
    peak = Math.max(peak, now.rss);
    heapPeak = Math.max(heapPeak, now.heapUsed + now.external);
  }, 20);
  const started = performance.now();
  try {
    const { bytes, rows } = await readExport(url, authorization);
    return {
      label,
      rows,
      megabytes: mb(bytes),
      seconds: (performance.now() - started) / 1000,
      baselineMb: mb(before.rss),
      peakMb: mb(peak),
      heapBeforeMb: mb(before.heapUsed + before.external),
      heapPeakMb: mb(heapPeak),
    };
  } finally {
    clearInterval(sampler);
  }
}

const name = `plantgraph_bench_${randomBytes(4).toString('hex')}`;
await admin(`create database ${name}`);
const url = new URL(adminUrl);
url.pathname = `/${name}`;
const { sql, capabilities } = await openDatabase({ databaseUrl: url.toString() });
const prisma = await createPrismaClient(sql);
try {
  const perTag = Math.ceil(settings.rows / settings.tags);
  const inserting = performance.now();
  const [asset] = await sql.query<{ id: string }>(
    "insert into asset (kind, name, path) values ('EQUIPMENT', 'Press', 'Press') returning id",
  );
  const tags = await sql.query<{ id: string }>(
    `insert into tag (asset_id, name) select $1, 'Tag ' || g from generate_series(1, $2) g
     returning id`,
    [asset?.id, settings.tags],
  );
  for (const tag of tags) {
    await sql.query(
      `insert into datapoint (time, tag_id, value, quality)
       select $1::timestamptz + g * interval '1 second', $2::uuid, random() * 100,
              case when g % 97 = 0 then 'BAD' else 'GOOD' end::datapoint_quality
         from generate_series(0, $3 - 1) g`,
      [new Date(START), tag.id, perTag],
    );
  }
  await sql.query('analyze datapoint');
  console.log(
    `inserted ${(perTag * tags.length).toLocaleString('en')} samples over ${tags.length} tags in ` +
      `${((performance.now() - inserting) / 1000).toFixed(1)} s`,
  );
  const plant = await startPlant({
    services: { sql, prisma, capabilities, logger },
    port: 0,
    host: '127.0.0.1',
    subgraphPortsFrom: 0,
    sandbox: false,
  });
  try {
    const { key } = await createApiKey(sql, { role: 'viewer', sites: null, label: 'bench' });
    const window = {
      tagIds: tags.map((tag) => tag.id).join(','),
      from: new Date(START).toISOString(),
      to: new Date(START + perTag * 1000).toISOString(),
    };
    const exportUrl = (params: Record<string, string>) =>
      `${plant.url.replace(/\/graphql$/, '/export')}?${new URLSearchParams({ ...window, ...params })}`;
    const runs = [
      await measure('raw CSV', exportUrl({}), `Bearer ${key}`),
      await measure('raw NDJSON', exportUrl({ format: 'ndjson' }), `Bearer ${key}`),
      await measure(
        'aggregated CSV, 1 minute, AVG,MAX',
        exportUrl({ interval: '1 minute', function: 'AVG,MAX' }),
        `Bearer ${key}`,
      ),
    ];
    const client = settings.clientMbps > 0 ? `${settings.clientMbps} MB/s` : 'unthrottled';
    console.log(
      `\n${capabilities.backend} PostgreSQL ${capabilities.postgresVersion}` +
        `${capabilities.timescaleVersion ? ` + TimescaleDB ${capabilities.timescaleVersion}` : ''}` +
        `, client ${client}, Node ${process.version}\n`,
    );
    console.log(
      '| export | rows | MB | s | rows/s | RSS before | RSS peak | RSS peak − before | heap + external before | peak |',
    );
    console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const run of runs) {
      const cells = [
        run.label,
        // The CSV header is a line too.
        (run.rows - (run.label.includes('CSV') ? 1 : 0)).toLocaleString('en'),
        run.megabytes.toFixed(0),
        run.seconds.toFixed(1),
        Math.round(run.rows / run.seconds).toLocaleString('en'),
        `${run.baselineMb.toFixed(0)} MB`,
        `${run.peakMb.toFixed(0)} MB`,
        `${(run.peakMb - run.baselineMb).toFixed(0)} MB`,
        `${run.heapBeforeMb.toFixed(0)} MB`,
        `${run.heapPeakMb.toFixed(0)} MB`,
      ];
      console.log(`| ${cells.join(' | ')} |`);
    }
  } finally {
    await plant.close();
  }
} finally {
  await prisma.$disconnect();
  await sql.close();
  await admin(`drop database if exists ${name} with (force)`);
}

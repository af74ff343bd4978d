/**
 * Export benchmark: `GET /export` of millions of raw samples (and their 1-minute aggregates)
 * as CSV, NDJSON, Parquet and Arrow from the gateway of an in-process plant, read by a client in
 * a separate process. Samples the plant process's RSS while the export streams and prints its
 * peak over the baseline, and rows per second. Constant memory shows as a peak that does not grow
 * with --rows, and that stays flat with a client slower than the database (--client-mbps). Every
 * export runs --runs times (default 3), the exports taking turns; medians and spreads (min–max)
 * are printed with the load average at start and end.
 *
 *   npm run bench:export [-- --rows 2000000 --tags 2 --client-mbps 20 --runs 3 --exports csv,parquet]
 *
 * BENCH_DATABASE_URL (default TEST_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/test):
 * a scratch database is created next to it and dropped afterwards.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
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

/** How the client counts the rows it read. */
type Counting = 'lines' | 'parquet' | 'arrow';

interface ExportCase {
  key: string;
  label: string;
  params: Record<string, string>;
  counting: Counting;
}

const AGGREGATE = { interval: '1 minute', function: 'AVG,MAX' };
const EXPORTS: readonly ExportCase[] = [
  { key: 'csv', label: 'raw CSV', params: {}, counting: 'lines' },
  { key: 'ndjson', label: 'raw NDJSON', params: { format: 'ndjson' }, counting: 'lines' },
  { key: 'parquet', label: 'raw Parquet', params: { format: 'parquet' }, counting: 'parquet' },
  { key: 'arrow', label: 'raw Arrow', params: { format: 'arrow' }, counting: 'arrow' },
  { key: 'aggregated-csv', label: 'aggregated CSV', params: AGGREGATE, counting: 'lines' },
  {
    key: 'aggregated-parquet',
    label: 'aggregated Parquet',
    params: { ...AGGREGATE, format: 'parquet' },
    counting: 'parquet',
  },
  {
    key: 'aggregated-arrow',
    label: 'aggregated Arrow',
    params: { ...AGGREGATE, format: 'arrow' },
    counting: 'arrow',
  },
];

function exportsChosen(): readonly ExportCase[] {
  const index = process.argv.indexOf('--exports');
  if (index < 0) return EXPORTS;
  const keys = (process.argv[index + 1] ?? '').split(',');
  const unknown = keys.find((key) => !EXPORTS.some((entry) => entry.key === key));
  if (unknown !== undefined) {
    throw new Error(`--exports: "${unknown}" is none of ${EXPORTS.map((e) => e.key).join(', ')}`);
  }
  return EXPORTS.filter((entry) => keys.includes(entry.key));
}

const settings = {
  rows: count('rows', 2_000_000),
  tags: Math.max(1, count('tags', 2)),
  /** The client's reading speed in MB/s; 0 reads as fast as it can. */
  clientMbps: count('client-mbps', 0),
  runs: Math.max(1, count('runs', 3)),
  exports: exportsChosen(),
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

/**
 * Reads `url` in a process of its own (its memory is not the plant's); rows and bytes read. Text
 * formats count their line ends; Parquet the rows its footer records (only the file's last
 * megabytes are kept for it); Arrow the rows of each record batch as apache-arrow's stream reader
 * reads them.
 */
const CLIENT = `
const [url, authorization, mbps, counting] = process.argv.slice(1);
const response = await fetch(url, { headers: { authorization } });
if (response.status !== 200) throw new Error(response.status + ' ' + (await response.text()));
let bytes = 0, rows = 0;
const started = Date.now();
const throttle = async () => {
  const due = (bytes / (Number(mbps) * 1e6)) * 1000 - (Date.now() - started);
  if (Number(mbps) > 0 && due > 1) await new Promise((resolve) => setTimeout(resolve, due));
};
async function* counted(body) {
  for await (const chunk of body) {
    bytes += chunk.length;
    yield chunk;
    await throttle();
  }
}
if (counting === 'arrow') {
  const { RecordBatchReader } = await import('apache-arrow');
  for await (const batch of await RecordBatchReader.from(counted(response.body))) rows += batch.numRows;
} else if (counting === 'parquet') {
  const { parquetMetadata } = await import('hyparquet');
  let tail = [], tailBytes = 0;
  for await (const chunk of counted(response.body)) {
    tail.push(chunk);
    tailBytes += chunk.length;
    while (tailBytes - tail[0].length > 16e6) tailBytes -= tail.shift().length;
  }
  const footer = Buffer.concat(tail);
  const metadata = parquetMetadata(footer.buffer.slice(footer.byteOffset, footer.byteOffset + footer.length));
  rows = Number(metadata.num_rows);
} else {
  for await (const chunk of counted(response.body)) {
    for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) rows++;
  }
}
console.log(JSON.stringify({ bytes, rows }));
`;

function readExport(
  url: string,
  authorization: string,
  counting: Counting,
): Promise<{ bytes: number; rows: number }> {
  return new Promise((resolve, reject) => {
    const client = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        CLIENT,
        url,
        authorization,
        String(settings.clientMbps),
        counting,
      ],
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
  rows: number;
  megabytes: number;
  seconds: number;
  baselineMb: number;
  peakMb: number;
  heapBeforeMb: number;
  heapPeakMb: number;
}

/** Streams one export while sampling RSS every 20 ms. */
async function measure(
  url: string,
  authorization: string,
  counting: Counting,
): Promise<Measurement> {
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
    const { bytes, rows } = await readExport(url, authorization, counting);
    return {
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

const median = (values: readonly number[]) =>
  [...values].sort((a, b) => a - b)[values.length >> 1] ?? NaN;

/** `median (min–max)` of `values`, each written by `format`. */
function spread(values: readonly number[], format: (value: number) => string): string {
  if (values.length === 1) return format(values[0]!);
  return `${format(median(values))} (${format(Math.min(...values))}–${format(Math.max(...values))})`;
}

/** The rows of an export a client read: a CSV's header is a line too. */
const dataRows = (entry: ExportCase, measured: Measurement) =>
  measured.rows - (entry.counting === 'lines' && !entry.params.format ? 1 : 0);

function printTable(results: ReadonlyMap<ExportCase, Measurement[]>): void {
  const mb = (value: number) => `${value.toFixed(0)}`;
  console.log(
    '| export | rows | MB | s | rows/s | RSS before | RSS peak − before | heap + external peak − before |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const [entry, runs] of results) {
    const cells = [
      entry.label,
      spread(
        runs.map((run) => dataRows(entry, run)),
        (value) => value.toLocaleString('en'),
      ),
      spread(
        runs.map((run) => run.megabytes),
        mb,
      ),
      spread(
        runs.map((run) => run.seconds),
        (value) => value.toFixed(1),
      ),
      spread(
        runs.map((run) => dataRows(entry, run) / run.seconds),
        (value) => Math.round(value).toLocaleString('en'),
      ),
      spread(
        runs.map((run) => run.baselineMb),
        mb,
      ),
      spread(
        runs.map((run) => run.peakMb - run.baselineMb),
        mb,
      ),
      spread(
        runs.map((run) => run.heapPeakMb - run.heapBeforeMb),
        mb,
      ),
    ];
    console.log(`| ${cells.join(' | ')} |`);
  }
}

function printLoad(when: string): void {
  const [one, five, fifteen] = loadavg().map((value) => value.toFixed(2));
  console.log(`load average at ${when}: ${one} ${five} ${fifteen} (${cpus().length} cores)`);
}

printLoad('start');
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
    // Every raw sample fits a Parquet export, whatever --rows.
    maxParquetExportRows: Math.max(settings.rows, 1),
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
    const results = new Map<ExportCase, Measurement[]>(
      settings.exports.map((entry) => [entry, []]),
    );
    for (let run = 1; run <= settings.runs; run++) {
      for (const entry of settings.exports) {
        const measured = await measure(exportUrl(entry.params), `Bearer ${key}`, entry.counting);
        results.get(entry)!.push(measured);
        console.log(
          `run ${run}/${settings.runs} ${entry.label}: ${measured.rows.toLocaleString('en')} ` +
            `lines/rows in ${measured.seconds.toFixed(1)} s`,
        );
      }
    }
    const client = settings.clientMbps > 0 ? `${settings.clientMbps} MB/s` : 'unthrottled';
    console.log(
      `\n${capabilities.backend} PostgreSQL ${capabilities.postgresVersion}` +
        `${capabilities.timescaleVersion ? ` + TimescaleDB ${capabilities.timescaleVersion}` : ''}` +
        `, client ${client}, Node ${process.version}, ${cpus().length} cores, ` +
        `${settings.runs} runs each (median, min–max)\n`,
    );
    printTable(results);
  } finally {
    await plant.close();
  }
} finally {
  await prisma.$disconnect();
  await sql.close();
  await admin(`drop database if exists ${name} with (force)`);
  printLoad('end');
}

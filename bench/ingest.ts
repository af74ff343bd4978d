/**
 * Ingest benchmark: Sparkplug B over a real MQTT broker through the MQTT connector, the mapping and
 * the batched writer into PostgreSQL, against a plain bulk insert of the same rows into the same
 * table. Prints rates, their ratio and publish-to-row latency.
 *
 *   npm run bench:ingest [-- --datapoints 1000000 --rate 100000]
 *   npm run bench:ingest -- --processes 2 [--runs 3 --edge-nodes 2 --drain-seconds 10 --bus --profile]
 *
 * `--processes 1|2` runs the connectors as separate `plantgraph connectors` processes, each owning
 * a partition of the edge nodes; 2 also takes the one-process baseline in the same run (see
 * bench/ingest-processes.ts and docs/benchmarks.md). Unless BENCH_MQTT_URL is given, that mode
 * starts a Mosquitto process of its own with deploy/mosquitto.conf's limits; `--profile` has the
 * connectors processes write V8 CPU profiles.
 *
 * BENCH_DATABASE_URL (default TEST_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/test):
 * a scratch database is created next to it and dropped afterwards. BENCH_MQTT_URL (default
 * TEST_MQTT_URL, else mqtt://127.0.0.1:1883).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import pg from 'pg';
import { createLogger } from '@plantgraph/config';
import { openDatabase } from '@plantgraph/db';
import {
  createSignalMapper,
  HealthReporter,
  IngestWriter,
  parsePlantConfig,
  resolvePlantConfig,
  type IngestRecord,
} from '@plantgraph/ingest';
import { startMqttConnector } from '@plantgraph/mqtt-connector';
import { runProcessBench, startDeployedBroker } from './ingest-processes.ts';

/** Settings given on the command line that depart from the defaults, printed with the results. */
const departures: string[] = [];
const argument = (name: string, fallback: number) => {
  const index = process.argv.indexOf(`--${name}`);
  if (index < 0) return fallback;
  const value = Number(process.argv[index + 1]);
  if (!Number.isFinite(value)) throw new Error(`--${name} needs a number`);
  if (value !== fallback) departures.push(`--${name} ${value}`);
  return value;
};
const flag = (name: string) => {
  const given = process.argv.includes(`--${name}`);
  if (given) departures.push(`--${name}`);
  return given;
};
const DEVICES = 10;
const METRICS_PER_DEVICE = 100;
const datapoints = argument('datapoints', 1_000_000);
const targetRate = argument('rate', 100_000);
// Without --processes the pipeline runs in this process (the original method); with it, as
// separate `plantgraph connectors` processes (bench/ingest-processes.ts).
const processes = argument('processes', 0);
const runs = argument('runs', 3);
const edgeNodes = argument('edge-nodes', 2);
const drainSeconds = argument('drain-seconds', 10);
const bus = flag('bus');
const profile = flag('profile');
if (![0, 1, 2].includes(processes)) throw new Error('--processes must be 1 or 2');
if (processes > 0 && (DEVICES % edgeNodes !== 0 || edgeNodes % Math.max(processes, 1) !== 0)) {
  throw new Error(`--edge-nodes must divide ${DEVICES} devices and be a multiple of --processes`);
}
const messages = Math.ceil(datapoints / METRICS_PER_DEVICE);
// Births carry every metric's value once, so they store rows of their own.
const total = messages * METRICS_PER_DEVICE + DEVICES * METRICS_PER_DEVICE;
const adminUrl =
  process.env.BENCH_DATABASE_URL ??
  process.env.TEST_DATABASE_URL ??
  'postgres://postgres@127.0.0.1:5432/test';
const mqttUrl = process.env.BENCH_MQTT_URL ?? process.env.TEST_MQTT_URL ?? 'mqtt://127.0.0.1:1883';
if (process.env.BENCH_DATABASE_URL) departures.push(`BENCH_DATABASE_URL=${adminUrl}`);
if (process.env.BENCH_MQTT_URL) departures.push(`BENCH_MQTT_URL=${mqttUrl}`);
const logger = createLogger('bench', 'warn');

async function admin(statement: string) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  await client.query(statement);
  await client.end();
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

const name = `plantgraph_bench_${randomBytes(4).toString('hex')}`;
await admin(`create database ${name}`);
const url = new URL(adminUrl);
url.pathname = `/${name}`;
const spoolDir = mkdtempSync(join(tmpdir(), 'plantgraph-bench-'));
const database = await openDatabase({ databaseUrl: url.toString() });
const { sql } = database;

try {
  await sql.exec(`insert into asset (kind, name, path) values ('ENTERPRISE', 'Bench', 'Bench');
    insert into asset (parent_id, kind, name, path)
      select (select id from asset where path = 'Bench'), 'EQUIPMENT', 'D' || d, 'Bench/D' || d
        from generate_series(0, ${DEVICES - 1}) d;`);
  if (processes > 0) {
    const broker = process.env.BENCH_MQTT_URL ? undefined : await startDeployedBroker();
    const profileDir = profile
      ? mkdtempSync(join(tmpdir(), 'plantgraph-bench-profiles-'))
      : undefined;
    try {
      await runProcessBench({
        sql,
        databaseUrl: url.toString(),
        mqttUrl: broker?.url ?? mqttUrl,
        broker: broker?.description ?? `BENCH_MQTT_URL (${mqttUrl}), as configured there`,
        profileDir,
        datapoints,
        rate: targetRate,
        processes,
        runs,
        edgeNodes,
        devices: DEVICES,
        metricsPerDevice: METRICS_PER_DEVICE,
        drainSeconds,
        bus,
        departures,
        postgresVersion: database.capabilities.postgresVersion,
      });
    } finally {
      await broker?.close();
    }
  } else {
    await runInProcess();
  }
} finally {
  await sql.close();
  await admin(`drop database if exists ${name} with (force)`);
  rmSync(spoolDir, { recursive: true, force: true });
}

/** The original method: connector, mapping and writer in this process, then a raw bulk insert. */
async function runInProcess() {
  const group = `Bench${randomBytes(3).toString('hex')}`;
  const config = parsePlantConfig(
    {
      connections: [
        {
          kind: 'mqtt',
          id: 'bench',
          clientId: `bench-host-${group}`,
          topics: [`spBv1.0/${group}/#`],
          format: 'sparkplug',
        },
      ],
      mappings: {
        tags: Array.from({ length: DEVICES * METRICS_PER_DEVICE }, (_, index) => {
          const device = Math.floor(index / METRICS_PER_DEVICE);
          const metric = index % METRICS_PER_DEVICE;
          return {
            connection: 'bench',
            source: {
              sparkplug: { group, edgeNode: 'E', device: `D${device}`, metric: `T${metric}` },
            },
            asset: `Bench/D${device}`,
            tag: `T${metric}`,
          };
        }),
      },
    },
    'bench',
  );
  const mapper = createSignalMapper(await resolvePlantConfig(sql, config));

  // Publish-to-row latency of every datapoint, measured when its batch committed.
  const latencies = new Float64Array(total);
  let written = 0;
  let lastWrittenAt = 0;
  let done: () => void = () => undefined;
  const allWritten = new Promise<void>((resolve) => (done = resolve));
  const writer = new IngestWriter({
    sql,
    spoolDir,
    logger,
    onWritten: (records: readonly IngestRecord[]) => {
      const now = Date.now();
      for (const record of records) {
        if (record.kind !== 'datapoint') continue;
        latencies[written++] = now - record.time.getTime();
      }
      lastWrittenAt = now;
      if (written >= total) done();
    },
  });
  await writer.start();
  const health = new HealthReporter({ sql, writer, logger });
  const connection = config.connections[0]!;
  const connector = startMqttConnector({
    connection: connection as Extract<typeof connection, { kind: 'mqtt' }>,
    brokerUrl: mqttUrl,
    mapper,
    sink: writer,
    health: health.connection('bench', { kind: 'mqtt', endpoint: mqttUrl }),
    logger,
  });
  await new Promise((resolve) => setTimeout(resolve, 500));

  const publisher = new Worker(new URL('./ingest-publisher.mjs', import.meta.url), {
    workerData: {
      url: mqttUrl,
      group,
      devices: DEVICES,
      metricsPerDevice: METRICS_PER_DEVICE,
      messages,
      messagesPerSecond: targetRate / METRICS_PER_DEVICE,
    },
  });
  await new Promise<void>((resolve) => publisher.once('message', () => resolve()));
  await new Promise((resolve) => setTimeout(resolve, 500));
  const started = Date.now();
  publisher.postMessage('go');
  const { ms: published, rebirths } = await new Promise<{ ms: number; rebirths: number }>(
    (resolve) =>
      publisher.on('message', (message: { kind: string; ms: number; rebirths: number }) => {
        if (message.kind === 'published') resolve(message);
      }),
  );
  // Whatever has not landed 10 s after the last publish was lost (and is reported as such).
  await Promise.race([allWritten, new Promise((resolve) => setTimeout(resolve, 10_000))]);
  const pipelineSeconds = (lastWrittenAt - started) / 1000;
  await connector.close();
  await writer.close();
  await health.close();
  const [{ rows: stored } = { rows: 0 }] = await sql.query<{ rows: number }>(
    'select count(*) as rows from datapoint',
  );
  // What the connection itself reported lost (Connection.lostMessages): Sparkplug sequence gaps.
  const [{ lost_messages: lostMessages } = { lost_messages: 0 }] = await sql.query<{
    lost_messages: number;
  }>("select lost_messages::int from connection_status where id = 'bench'");

  // The same rows straight into the same table: the ceiling for any ingest path.
  const rows = await sql.query<{ time: Date; tag_id: string; value: number }>(
    'select time, tag_id, value from datapoint',
  );
  await sql.exec('truncate datapoint');
  const columns = [
    { name: 'time', type: 'timestamptz' },
    { name: 'tag_id', type: 'uuid' },
    { name: 'value', type: 'float8' },
    { name: 'quality', type: 'datapoint_quality' },
  ];
  const rawStarted = Date.now();
  for (let offset = 0; offset < rows.length; offset += 5000) {
    const batch = rows
      .slice(offset, offset + 5000)
      .map((row) => [row.time, row.tag_id, row.value, 'GOOD']);
    await sql.bulkInsert('datapoint', columns, batch, 'on conflict do nothing');
  }
  const rawSeconds = (Date.now() - rawStarted) / 1000;

  const sorted = latencies.slice(0, written).sort();
  const pipelineRate = stored / pipelineSeconds;
  const rawRate = rows.length / rawSeconds;
  console.log(`
Ingest benchmark (${cpus().length} cores, PostgreSQL ${database.capabilities.postgresVersion}${
    database.capabilities.timescaleVersion
      ? ` + TimescaleDB ${database.capabilities.timescaleVersion}`
      : ', plain tables'
  }, broker ${mqttUrl})
Settings departing from the defaults: ${departures.length > 0 ? departures.join(' ') : 'none'}
Method: ${messages.toLocaleString()} Sparkplug B DDATA messages x ${METRICS_PER_DEVICE} metrics (aliases) from
${DEVICES} devices, published at QoS 1 from a worker thread paced to ${targetRate.toLocaleString()} datapoints/s; MQTT connector -> mapping -> batched writer
(5,000 rows/batch, COPY on PostgreSQL) -> datapoint. Then the same rows bulk-inserted directly (unnest), 5,000 per statement.

| measure                              | value |
|--------------------------------------|-------|
| datapoints published (incl. births)  | ${total.toLocaleString()} |
| datapoints stored                    | ${stored.toLocaleString()} (${((stored / total) * 100).toFixed(1)} %) |
| publisher finished after             | ${(published / 1000).toFixed(1)} s |
| rebirths requested (sequence gaps)   | ${rebirths} |
| Connection.lostMessages              | ${lostMessages.toLocaleString()} messages (${(lostMessages * METRICS_PER_DEVICE).toLocaleString()} datapoints) |
| pipeline: publish -> rows committed  | ${pipelineSeconds.toFixed(1)} s |
| pipeline rate                        | ${Math.round(pipelineRate).toLocaleString()} datapoints/s |
| raw bulk insert rate                 | ${Math.round(rawRate).toLocaleString()} datapoints/s |
| pipeline / raw                       | ${((pipelineRate / rawRate) * 100).toFixed(0)} % |
| publish -> row latency p50           | ${percentile(sorted, 50).toFixed(0)} ms |
| publish -> row latency p99           | ${percentile(sorted, 99).toFixed(0)} ms |
`);
}

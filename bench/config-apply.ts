/**
 * How long a configuration change takes to reach the data, in the deployed layout: the simulator
 * and `plantgraph connectors` as processes from the build output (compose.yaml's commands), on
 * PostgreSQL and Mosquitto. Each run adds a machine (a template instance for a simulated press,
 * under an asset of its own) twice:
 * - applied as a new version while the connectors run (what `plantgraph config apply` and
 *   `applyIntegrationConfig` do), timed from the apply to the first stored datapoint of the
 *   machine;
 * - the baseline it replaces: the file changed and the connectors process restarted (SIGTERM,
 *   start with the new file), timed from the SIGTERM to the first stored datapoint.
 * The two take turns, `--runs` times (default 3); medians, spreads and their ratio are printed.
 *
 *   npm run build
 *   npm run bench:config [-- --runs 3]
 *
 * BENCH_DATABASE_URL (default TEST_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/test): a
 * scratch database is created next to it and dropped afterwards. The broker is a Mosquitto of the
 * bench's own on a free loopback port.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import { openDatabase } from '@plantgraph/db';
import { applyConfigDocument, readPlantConfigDocument } from '@plantgraph/integration-domain';
import {
  admin,
  cli,
  DedicatedBroker,
  scratchDatabase,
  startRoles,
  type RoleSet,
} from '../test/topology/faults/fault-harness.ts';

const runsIndex = process.argv.indexOf('--runs');
const runs = runsIndex > 0 ? Number(process.argv[runsIndex + 1]) : 3;
if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs must be a positive integer');
const departures = runsIndex > 0 ? [`--runs ${runs}`] : [];

const adminUrl =
  process.env.BENCH_DATABASE_URL ??
  process.env.TEST_DATABASE_URL ??
  'postgres://postgres@127.0.0.1:5432/test';
const LINE = 'Acme Manufacturing/Dresden/Body Shop/Line 1';
const PRESS_PREFIX = 'Dresden.BodyShop.Line1.Press01';
const POLL_MS = 50;
const root = new URL('..', import.meta.url).pathname;
const exampleFile = join(root, 'examples/demo-plant.yaml');
const run = promisify(execFile);

interface Document {
  instances: Record<string, unknown>[];
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1] ?? NaN;
const seconds = (ms: number) => (ms / 1000).toFixed(2);
const spread = (values: number[]) =>
  `${seconds(Math.min(...values))}–${seconds(Math.max(...values))} s`;

const database = await scratchDatabase(adminUrl, 'plantgraph_bench_config');
const broker = await DedicatedBroker.start();
let roles: RoleSet | undefined;
try {
  const env = { PATH: process.env.PATH, DATABASE_URL: database.url };
  await run(process.execPath, [cli, 'migrate'], { env });
  await run(process.execPath, [cli, 'seed'], { env });
  const [line] = await admin<{ id: string }>(
    database.url,
    `select id from asset where path = '${LINE}'`,
  );
  if (!line) throw new Error(`the seed has no ${LINE}`);
  const base = readPlantConfigDocument(exampleFile) as Document;
  const { sql } = await openDatabase({ databaseUrl: database.url, migrate: 'verify' });
  const machines: string[] = [];
  /** A new press under Line 1, bound to the simulated Press 01, and the document running it. */
  const addMachine = async (name: string): Promise<Document> => {
    await admin(
      database.url,
      `insert into asset (parent_id, kind, name, path)
       values ('${line.id}', 'EQUIPMENT', '${name}', '${LINE}/${name}')`,
    );
    machines.push(name);
    return {
      ...base,
      instances: [
        ...base.instances,
        ...machines.map((machine) => ({
          template: 'press-opcua',
          asset: `${LINE}/${machine}`,
          connection: 'dresden-opcua',
          prefix: PRESS_PREFIX,
        })),
      ],
    };
  };
  const firstDatapoint = async (name: string, since: number): Promise<number> => {
    const deadline = since + 120_000;
    for (;;) {
      const [row] = await admin<{ found: boolean }>(
        database.url,
        `select exists (select 1 from datapoint d join tag t on t.id = d.tag_id
           join asset a on a.id = t.asset_id where a.path = '${LINE}/${name}') as found`,
      );
      if (row?.found) return Date.now() - since;
      if (Date.now() > deadline) throw new Error(`no datapoint of ${name} within 120 s`);
      await sleep(POLL_MS);
    }
  };

  const file = join(mkdtempSync(join(tmpdir(), 'plantgraph-bench-config-')), 'plant.yaml');
  writeFileSync(file, stringify(base));
  roles = await startRoles({
    names: ['simulator', 'connectors'],
    databaseUrl: database.url,
    mqttUrl: broker.url,
    env: (name): Record<string, string> =>
      name === 'connectors' ? { PLANTGRAPH_CONFIG: file } : {},
  });
  const running = roles;
  // Wait until the plant delivers, and has for a while, before changing anything.
  await firstDatapoint('Press 01', Date.now());
  await sleep(10_000);

  /**
   * The longest time in which no value of the machines the change leaves alone (every Dresden
   * machine but the bench's own, a dozen values a second) was stored, from 5 s before the change
   * until 5 s after its new machine delivered: what the change cost the rest of the plant. Times
   * are the values' source times.
   */
  const longestGap = async (from: number): Promise<number> => {
    await sleep(5_000);
    const rows = await admin<{ time: Date }>(
      database.url,
      `select distinct d.time from datapoint d join tag t on t.id = d.tag_id
         join asset a on a.id = t.asset_id
        where a.path like 'Acme Manufacturing/Dresden/%' and a.name not like 'Bench Press %'
          and d.time >= '${new Date(from - 5_000).toISOString()}' order by d.time`,
    );
    const times = [from - 5_000, ...rows.map((row) => row.time.getTime()), Date.now()];
    return Math.max(...times.slice(1).map((time, index) => time - (times[index] ?? time)));
  };

  const applied: number[] = [];
  const restarted: number[] = [];
  const appliedGaps: number[] = [];
  const restartedGaps: number[] = [];
  for (let index = 1; index <= runs; index++) {
    const live = `Bench Press A${index}`;
    const document = await addMachine(live);
    const appliedAt = Date.now();
    await applyConfigDocument(sql, {
      document,
      dryRun: false,
      comment: `bench: ${live}`,
      appliedBy: 'bench',
    });
    applied.push(await firstDatapoint(live, appliedAt));
    appliedGaps.push(await longestGap(appliedAt));

    const restart = `Bench Press R${index}`;
    writeFileSync(file, stringify(await addMachine(restart)));
    const stoppedAt = Date.now();
    const previous = running.role('connectors');
    previous.kill('SIGTERM');
    await previous.exited;
    await running.restart('connectors');
    restarted.push(await firstDatapoint(restart, stoppedAt));
    restartedGaps.push(await longestGap(stoppedAt));
    const [a, ag, r, rg] = [applied, appliedGaps, restarted, restartedGaps].map((values) =>
      seconds(values.at(-1) ?? NaN),
    );
    console.log(`run ${index}: applied ${a} s (gap ${ag} s), restarted ${r} s (gap ${rg} s)`);
  }
  await sql.close();

  const ratio = median(restarted) / median(applied);
  console.log(`
Configuration change to the new machine's first stored datapoint, ${runs} runs each, taking turns
(${cpus().length} cores, load ${(loadavg()[0] ?? NaN).toFixed(2)}; departures from defaults: ${
    departures.join(', ') || 'none'
  }):

| how                                | new machine's first value: median | spread | longest gap of the other machines: median | spread |
| ---------------------------------- | ------ | ------ | ------ | ------ |
| new version, connectors running    | ${seconds(median(applied))} s | ${spread(applied)} | ${seconds(median(appliedGaps))} s | ${spread(appliedGaps)} |
| file changed, connectors restarted | ${seconds(median(restarted))} s | ${spread(restarted)} | ${seconds(median(restartedGaps))} s | ${spread(restartedGaps)} |

restart / apply, first value: ${ratio.toFixed(1)}×; longest gap: ${(median(restartedGaps) / median(appliedGaps)).toFixed(1)}×
Method: the simulator and the connectors process from the build output as compose.yaml runs them,
PostgreSQL at BENCH_DATABASE_URL, a Mosquitto of its own; the demo plant seeded. Polled every
${POLL_MS} ms; the connectors read the newest version number every second (the default).`);
} finally {
  await roles?.stop();
  await broker.down('SIGKILL');
  await database.drop();
}

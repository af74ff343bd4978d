import { execFile } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readyz } from '../processes.ts';
import {
  admin,
  cli,
  DedicatedBroker,
  eventually,
  faultEnvironment,
  scratchDatabase,
  startRoles,
  type RoleSet,
} from './fault-harness.ts';

/**
 * The OPC UA server restarting under the connectors process: compose.yaml's migrate, seed,
 * simulator (Dresden's machines as an OPC UA server, at 600× plant speed) and connectors as
 * processes on a broker of the test's own. An OPC UA server samples its own values, so there is
 * no publisher-side count: the case measures which tags stop and resume, the time to resume, and
 * that nothing is stored twice.
 */
const { databaseServer } = faultEnvironment();
const run = promisify(execFile);

let database: { url: string; drop(): Promise<void> };
let broker: DedicatedBroker;
let roles: RoleSet | undefined;

beforeAll(async () => {
  database = await scratchDatabase(databaseServer, 'plantgraph_faults_opcua');
  broker = await DedicatedBroker.start();
  await run(process.execPath, [cli, 'migrate'], {
    env: { PATH: process.env.PATH, DATABASE_URL: database.url },
  });
}, 120_000);

afterAll(async () => {
  await roles?.stop();
  await broker?.down('SIGKILL');
  await database?.drop();
}, 60_000);

/** Datapoints of OPC UA tags since `since`, per tag: rows and distinct times. */
async function opcuaRows(since: Date): Promise<Map<string, { rows: number; times: number }>> {
  const rows = await admin<{ tag_id: string; rows: string; times: string }>(
    database.url,
    `select d.tag_id, count(*) as rows, count(distinct d.time) as times
       from datapoint d join tag t on t.id = d.tag_id
      where t.source like 'ns=%' and d.time >= '${since.toISOString()}'
      group by d.tag_id`,
  );
  return new Map(
    rows.map((row) => [row.tag_id, { rows: Number(row.rows), times: Number(row.times) }]),
  );
}

describe('ingest while the OPC UA server restarts', () => {
  it('resumes every OPC UA tag after the server restarts, storing nothing twice', async () => {
    roles = await startRoles({
      names: ['seed', 'simulator', 'connectors'],
      databaseUrl: database.url,
      mqttUrl: broker.url,
      env: (name): Record<string, string> =>
        name === 'simulator' ? { PLANTGRAPH_SIMULATOR_SPEED: '600' } : {},
    });
    const set = roles;
    const port = set.role('connectors').service.port as number;
    const started = new Date();
    // The tags the server feeds: those that deliver within 20 s of the start.
    await sleep(10_000);
    const before = await eventually(
      async () => {
        const tags = await opcuaRows(started);
        return tags.size > 0 ? tags : undefined;
      },
      20_000,
      () => 'no OPC UA datapoint stored',
    );
    const simulator = set.role('simulator');
    simulator.kill('SIGTERM');
    await simulator.exited;
    const stoppedAt = new Date();
    await sleep(3_000);
    await set.restart('simulator', { PLANTGRAPH_SIMULATOR_SPEED: '600' });
    const restartedAt = new Date();
    const resumed = await eventually(
      async () => {
        const after = await opcuaRows(restartedAt);
        return [...before.keys()].every((tag) => after.has(tag)) ? Date.now() : undefined;
      },
      90_000,
      async () => {
        const after = await opcuaRows(restartedAt);
        return `${[...before.keys()].filter((tag) => !after.has(tag)).length} of ${before.size} tags silent`;
      },
    );
    const all = await opcuaRows(started);
    const rows = [...all.values()].reduce((sum, tag) => sum + tag.rows, 0);
    const doubled = [...all.values()].reduce((sum, tag) => sum + tag.rows - tag.times, 0);
    const [gap] = await admin<{ count: string }>(
      database.url,
      `select count(*) from datapoint d join tag t on t.id = d.tag_id
        where t.source like 'ns=%' and d.time > '${stoppedAt.toISOString()}'
          and d.time < '${restartedAt.toISOString()}' and d.quality = 'GOOD'`,
    );
    const outcome = {
      tags: before.size,
      stored: rows,
      doubled,
      goodRowsWhileServerAway: Number(gap?.count),
      recoveryMs: resumed - restartedAt.getTime(),
    };
    console.log(`fault OPC UA server restart: ${JSON.stringify(outcome)}`);
    expect(set.role('connectors').running).toBe(true);
    expect(await readyz(port)).toBe(200);
    expect(outcome.doubled).toBe(0);
  }, 300_000);
});

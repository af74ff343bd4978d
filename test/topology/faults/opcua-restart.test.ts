import { execFile } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
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
 * Ingest from an OPC UA server while a process fails: compose.yaml's migrate, seed, simulator
 * (Dresden's machines as an OPC UA server, at 600× plant speed) and connectors as processes on a
 * broker of the test's own. Case c restarts the OPC UA server, case h kills the connectors process
 * with kill -9. An OPC UA server samples its own values, so there is no publisher-side count: the
 * cases measure which tags stop and resume, the time to resume, how much of each tag's series is
 * missing, and that nothing is stored twice.
 */
const { databaseServer } = faultEnvironment();
const run = promisify(execFile);

/**
 * The most a tag's newest stored sample may lag the kill when only what was in flight is lost.
 * A sample is stored at most one simulator tick (1 s) after the previous one plus its way to the
 * table: up to one sampling interval until the server samples it and one publishing interval
 * until the server sends it (1 s each, demo-plant.yaml's defaults), then the writer's 200 ms
 * flush. One second more for a loaded machine. A process that held a backlog, or a tag that had
 * stopped before the kill, shows a longer span.
 */
const IN_FLIGHT_BOUND_MS = 1_000 + 1_000 + 1_000 + 200 + 1_000;

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

afterEach(async () => {
  await roles?.stop();
  roles = undefined;
}, 60_000);

afterAll(async () => {
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

/** The seed, the simulator and a connectors process subscribed to its OPC UA server. */
async function startPlant(): Promise<RoleSet> {
  roles = await startRoles({
    names: ['seed', 'simulator', 'connectors'],
    databaseUrl: database.url,
    mqttUrl: broker.url,
    env: (name): Record<string, string> =>
      name === 'simulator' ? { PLANTGRAPH_SIMULATOR_SPEED: '600' } : {},
  });
  return roles;
}

/** One OPC UA tag's datapoints since `since`, split at the kill by their source time. */
interface AroundKill {
  lastBefore: Date | null;
  firstAfter: Date | null;
  rowsBefore: number;
  rowsAfter: number;
  /** Rows timed after the kill and before `restartedAt`, when no process was subscribed. */
  timedWhileDown: number;
  /** Rows beyond the first with the same time. */
  doubled: number;
}

async function aroundKill(since: Date, killedAt: Date, restartedAt: Date): Promise<AroundKill[]> {
  const [from, kill, restart] = [since, killedAt, restartedAt].map((time) => time.toISOString());
  const rows = await admin<{
    last_before: Date | null;
    first_after: Date | null;
    rows_before: string;
    rows_after: string;
    timed_while_down: string;
    doubled: string;
  }>(
    database.url,
    `select max(d.time) filter (where d.time <= '${kill}') as last_before,
            min(d.time) filter (where d.time > '${kill}') as first_after,
            count(*) filter (where d.time <= '${kill}') as rows_before,
            count(*) filter (where d.time > '${kill}') as rows_after,
            count(*) filter (where d.time > '${kill}' and d.time < '${restart}')
              as timed_while_down,
            count(*) - count(distinct d.time) as doubled
       from datapoint d join tag t on t.id = d.tag_id
      where t.source like 'ns=%' and d.time >= '${from}'
      group by d.tag_id`,
  );
  return rows.map((row) => ({
    lastBefore: row.last_before,
    firstAfter: row.first_after,
    rowsBefore: Number(row.rows_before),
    rowsAfter: Number(row.rows_after),
    timedWhileDown: Number(row.timed_while_down),
    doubled: Number(row.doubled),
  }));
}

/** The median and the maximum of `values`, which must not be empty. */
function spread(values: number[]): { median: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median =
    sorted.length % 2 === 1
      ? (sorted[middle] as number)
      : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
  return { median, max: sorted.at(-1) as number };
}

const sum = (
  tags: AroundKill[],
  field: 'rowsBefore' | 'rowsAfter' | 'timedWhileDown' | 'doubled',
) => tags.reduce((total, tag) => total + tag[field], 0);

describe('ingest from the OPC UA server while a process fails', () => {
  it('resumes every OPC UA tag after the server restarts, storing nothing twice', async () => {
    const set = await startPlant();
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

  it('resumes every OPC UA tag after the connectors process is killed with kill -9, losing only what was in flight', async () => {
    const set = await startPlant();
    const port = set.role('connectors').service.port as number;
    const started = new Date();
    await eventually(
      async () => ((await opcuaRows(started)).size > 0 ? true : undefined),
      60_000,
      () => 'no OPC UA datapoint stored',
    );
    // A few publishing intervals of steady flow, past the subscriptions' first notifications.
    await sleep(5_000);
    const victim = set.role('connectors');
    const killedAt = new Date();
    victim.kill('SIGKILL');
    await victim.exited;
    await sleep(3_000);
    const restartedAt = new Date();
    const restarted = await set.restart('connectors');
    const storedBefore = (tags: AroundKill[]) => tags.filter((tag) => tag.lastBefore !== null);
    const silent = async () =>
      storedBefore(await aroundKill(started, killedAt, restartedAt)).filter(
        (tag) => tag.firstAfter === null,
      ).length;
    const resumed = await eventually(
      async () => ((await silent()) === 0 ? Date.now() : undefined),
      90_000,
      async () => `${await silent()} OPC UA tags silent since the restart`,
    );
    const tags = storedBefore(await aroundKill(started, killedAt, restartedAt));
    const outcome = {
      tags: tags.length,
      inFlightMs: spread(tags.map((tag) => killedAt.getTime() - Number(tag.lastBefore))),
      resumedAfterKillMs: spread(tags.map((tag) => Number(tag.firstAfter) - killedAt.getTime())),
      rowsBefore: sum(tags, 'rowsBefore'),
      rowsAfter: sum(tags, 'rowsAfter'),
      timedWhileDown: sum(tags, 'timedWhileDown'),
      doubled: sum(tags, 'doubled'),
      readyMs: restarted.readyAfterMs,
      recoveryMs: resumed - restartedAt.getTime(),
    };
    console.log(`fault opcua kill -9: ${JSON.stringify(outcome)}`);
    expect(outcome.tags).toBeGreaterThan(0);
    expect(await readyz(port)).toBe(200);
    expect(outcome.doubled).toBe(0);
    expect(outcome.inFlightMs.max).toBeLessThan(IN_FLIGHT_BOUND_MS);
  }, 300_000);
});

import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readyz } from '../processes.ts';
import { dataDirectory, eventually, metric, TcpRelay } from './fault-harness.ts';
import { IngestFixture } from './ingest-fixture.ts';

/**
 * A full disk under the connectors' spool while the database is away, during ingest at 10,000
 * datapoints/s: a 2 MiB tmpfs as the data directory and a TCP relay in front of PostgreSQL that
 * the test cuts. Compares what the broker acknowledged with what the datapoint table holds.
 */
const run = promisify(execFile);
const fixture = new IngestFixture();
const mounts: string[] = [];
const relays: TcpRelay[] = [];

beforeAll(() => fixture.setUp(), 120_000);
afterEach(async () => {
  await fixture.endCase();
  for (const relay of relays.splice(0)) await relay.cut();
  for (const mount of mounts.splice(0)) await run('umount', ['-l', mount]);
}, 60_000);
afterAll(() => fixture.tearDown(), 60_000);

describe('ingest at 10,000 datapoints/s with a full disk under the spool', () => {
  it('keeps running with a full disk under its spool, says so on /readyz and loses nothing it acknowledged', async () => {
    const spoolDirectory = dataDirectory('spool');
    // A 2 MiB file system of its own: the spool fills it, nothing else on the machine notices.
    await run('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', spoolDirectory]);
    mounts.push(spoolDirectory);
    const database = new URL(fixture.database.url);
    const relay = await TcpRelay.open({
      host: database.hostname,
      port: Number(database.port || 5432),
    });
    relays.push(relay);
    const { plant, traffic, roles } = await fixture.ingestRunning({
      DATABASE_URL: relay.relayed(fixture.database.url),
      PLANTGRAPH_DATA_DIR: spoolDirectory,
    });
    const connectors = roles.role('connectors');
    const port = connectors.service.port as number;
    await sleep(2_000);
    await relay.cut();
    const full = Date.now();
    await eventually(
      async () => (/cannot write the spool/.test(connectors.log()) ? true : undefined),
      60_000,
      async () =>
        `spool never full: ${JSON.stringify({
          traffic: traffic.counts,
          spooled: await metric(port, 'plantgraph_ingest_spool_records'),
          df: (await run('df', ['-k', spoolDirectory])).stdout,
        })}`,
    );
    const fullAfterMs = Date.now() - full;
    await sleep(5_000);
    const response = await fetch(`http://127.0.0.1:${port}/readyz`, {
      signal: AbortSignal.timeout(2_000),
    });
    const readiness = { status: response.status, body: await response.text() };
    const held = {
      queued: await metric(port, 'plantgraph_ingest_queue_depth'),
      spooled: await metric(port, 'plantgraph_ingest_spool_records'),
      rssMb: Math.round(
        Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${connectors.pid}/status`, 'utf8'))?.[1]) /
          1024,
      ),
    };
    console.log(
      `fault disk full: spool full after ${fullAfterMs} ms; ${JSON.stringify({ readiness, held })}`,
    );
    expect(connectors.running).toBe(true);
    expect(readiness.status).toBe(503);
    // The reason belongs on /readyz: an operator must see the disk, not only "not ready".
    expect(readiness.body).toMatch(/cannot write the spool/);

    await relay.resume();
    const recovery = fixture.recoveryClock(plant, traffic);
    await sleep(3_000);
    const outcome = await fixture.settle('disk full under the spool', plant, traffic, recovery);
    expect(connectors.running).toBe(true);
    expect(await readyz(port)).toBe(200);
    expect(outcome).toMatchObject({ lost: 0, doubled: 0, unexpected: 0 });
  }, 300_000);
});

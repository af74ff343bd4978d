import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { restartPostgres } from './fault-harness.ts';
import { IngestFixture, RATE } from './ingest-fixture.ts';

/**
 * Ingest while PostgreSQL restarts, the broker restarts or the connectors process is killed with
 * kill -9, on the connectors role from compose.yaml as a process: 10,000 datapoints/s of UNS JSON
 * at QoS 1 through a broker of the test's own, each datapoint with a known key. Each case compares
 * what the broker acknowledged to the publisher with what the datapoint table holds, key by key.
 */
const fixture = new IngestFixture();

beforeAll(() => fixture.setUp(), 120_000);
afterEach(() => fixture.endCase(), 60_000);
afterAll(() => fixture.tearDown(), 60_000);

describe('ingest at 10,000 datapoints/s while a process fails', () => {
  it('loses and doubles no datapoint when PostgreSQL restarts', async () => {
    const { plant, traffic, roles } = await fixture.ingestRunning();
    await sleep(3_000);
    const awayMs = await restartPostgres();
    const recovery = fixture.recoveryClock(plant, traffic);
    await sleep(5_000);
    const outcome = await fixture.settle('postgres restart', plant, traffic, recovery);
    console.log(`fault postgres restart: pg_ctlcluster restart took ${awayMs} ms`);
    expect(roles.role('connectors').running).toBe(true);
    expect(outcome).toMatchObject({ lost: 0, doubled: 0, unexpected: 0 });
    expect(outcome.published).toBeGreaterThan(RATE * 8 * 0.8);
  }, 240_000);

  it('loses and doubles no datapoint when the broker restarts', async () => {
    const { plant, traffic, roles } = await fixture.ingestRunning();
    await sleep(3_000);
    await fixture.broker.down('SIGTERM');
    await sleep(2_000);
    await fixture.broker.up();
    const recovery = fixture.recoveryClock(plant, traffic);
    await sleep(5_000);
    const outcome = await fixture.settle('broker restart', plant, traffic, recovery);
    expect(roles.role('connectors').running).toBe(true);
    expect(outcome).toMatchObject({ lost: 0, doubled: 0, unexpected: 0 });
    expect(outcome.published).toBeGreaterThan(RATE * 8 * 0.8);
  }, 240_000);

  it('loses and doubles no QoS 1 datapoint when the connectors process is killed with kill -9', async () => {
    const { plant, traffic, roles } = await fixture.ingestRunning();
    await sleep(3_000);
    const victim = roles.role('connectors');
    victim.kill('SIGKILL');
    await victim.exited;
    await sleep(1_000);
    await roles.restart('connectors');
    const recovery = fixture.recoveryClock(plant, traffic);
    await sleep(5_000);
    const outcome = await fixture.settle('connectors kill -9', plant, traffic, recovery);
    expect(outcome).toMatchObject({ lost: 0, doubled: 0, unexpected: 0 });
    expect(outcome.published).toBeGreaterThan(RATE * 8 * 0.8);
  }, 240_000);
});

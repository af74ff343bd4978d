import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import {
  cli,
  DedicatedBroker,
  ensurePostgresUp,
  eventually,
  faultEnvironment,
  faultPlant,
  scratchDatabase,
  startRoles,
  storedCounts,
  TrafficGenerator,
  type FaultPlant,
  type RoleSet,
} from './fault-harness.ts';

const run = promisify(execFile);

/** Datapoints per second of every ingest case: 10 devices × 100 metrics, 10 messages/s each. */
export const RATE = 10_000;
const DEVICES = 10;
const METRICS = 100;

/** What one ingest fault case measured. */
export interface Outcome {
  /** Datapoints the broker acknowledged to the publisher. */
  published: number;
  /** Rows of the case's tags in the datapoint table. */
  stored: number;
  /** Published datapoints whose key is not in the table. */
  lost: number;
  /** Rows beyond the first with the same key. */
  doubled: number;
  /** Rows with a key the publisher never sent. */
  unexpected: number;
  /** From the end of the fault until the table held everything published up to then (NaN: never). */
  recoveryMs: number;
}

/**
 * A scratch database, a broker of the cases' own and, per case, a fresh plant with a connectors
 * process (compose.yaml's) fed at {@link RATE} by a {@link TrafficGenerator}.
 */
export class IngestFixture {
  readonly #databaseServer = faultEnvironment().databaseServer;
  database!: { url: string; drop(): Promise<void> };
  broker!: DedicatedBroker;
  roles: RoleSet | undefined;
  traffic: TrafficGenerator | undefined;

  async setUp(): Promise<void> {
    await ensurePostgresUp();
    this.database = await scratchDatabase(this.#databaseServer, 'plantgraph_faults');
    await run(process.execPath, [cli, 'migrate'], {
      env: { PATH: process.env.PATH, DATABASE_URL: this.database.url },
    });
    this.broker = await DedicatedBroker.start();
  }

  /** Ends a case: traffic, every process it started, and PostgreSQL back up. */
  async endCase(): Promise<void> {
    await this.traffic?.close();
    this.traffic = undefined;
    await this.roles?.stop();
    this.roles = undefined;
    await ensurePostgresUp();
  }

  async tearDown(): Promise<void> {
    await this.endCase();
    await this.broker?.down('SIGKILL');
    await this.database?.drop();
  }

  /** A fresh plant and connectors process, with traffic flowing into the datapoint table. */
  async ingestRunning(
    env: Record<string, string> = {},
  ): Promise<{ plant: FaultPlant; traffic: TrafficGenerator; roles: RoleSet }> {
    const plant = await faultPlant(this.database.url, {
      devices: DEVICES,
      metrics: METRICS,
      clientId: `plantgraph-faults-${randomBytes(3).toString('hex')}`,
    });
    const roles = await startRoles({
      names: ['connectors'],
      databaseUrl: this.database.url,
      mqttUrl: this.broker.url,
      env: () => ({ PLANTGRAPH_CONFIG: plant.configFile, ...env }),
    });
    this.roles = roles;
    const traffic = await TrafficGenerator.connect(plant, this.broker.url);
    this.traffic = traffic;
    traffic.start(RATE);
    await eventually(
      async () => ((await this.counts(plant, traffic)).stored > 0 ? true : undefined),
      30_000,
      () => `no datapoint stored; traffic ${JSON.stringify(traffic.counts)}`,
    );
    return { plant, traffic, roles };
  }

  counts(plant: FaultPlant, traffic: TrafficGenerator) {
    return storedCounts(this.database.url, plant, traffic);
  }

  /**
   * Starts the recovery clock at the end of a fault: resolves with the milliseconds until the
   * table holds as many distinct datapoints as had been published by then (NaN after 120 s).
   */
  recoveryClock(plant: FaultPlant, traffic: TrafficGenerator): Promise<number> {
    const from = Date.now();
    const target = traffic.counts.published;
    return eventually(
      async () =>
        (await this.counts(plant, traffic)).distinct >= target ? Date.now() - from : undefined,
      120_000,
      () => 'recovery',
    ).catch(() => Number.NaN);
  }

  /**
   * Stops the traffic, waits for every acknowledgement, then for the table to hold every
   * published datapoint or for nothing new to arrive for 15 s; reports and returns the counts.
   */
  async settle(
    name: string,
    plant: FaultPlant,
    traffic: TrafficGenerator,
    recovery: Promise<number>,
  ): Promise<Outcome> {
    traffic.stop();
    const { published } = await traffic.settled(60_000);
    let counts = await this.counts(plant, traffic);
    const deadline = Date.now() + 90_000;
    let last = counts.distinct;
    let lastChange = Date.now();
    while (
      counts.distinct < published &&
      Date.now() < deadline &&
      Date.now() - lastChange < 15_000
    ) {
      await sleep(500);
      counts = await this.counts(plant, traffic);
      if (counts.distinct !== last) {
        last = counts.distinct;
        lastChange = Date.now();
      }
    }
    const outcome: Outcome = {
      published,
      stored: counts.stored,
      lost: published - counts.distinct,
      doubled: counts.doubled,
      unexpected: counts.unexpected,
      recoveryMs: await recovery,
    };
    console.log(`fault ${name}: ${JSON.stringify(outcome)}`);
    return outcome;
  }
}

import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { openTestDatabase, type TestDatabase } from '@plantgraph/testing';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brokers, forgetSession, testClient, uniqueName, waitUntil } from './test-fixtures.ts';

const MESSAGES = 600;
const T0 = Date.UTC(2026, 0, 1, 6);
const childScript = new URL('./testing/ingest-process.ts', import.meta.url).pathname;

/** The MQTT connector and the writer in a process of their own, so it can be killed. */
class IngestProcess {
  readonly child: ChildProcess;
  readonly states: string[] = [];
  received = 0;

  constructor(env: Record<string, string>) {
    this.child = spawn(process.execPath, ['--import', 'tsx', childScript], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const lines = createInterface({ input: this.child.stdout! });
    lines.on('line', (line) => {
      const message = JSON.parse(line) as { state?: string; received?: number };
      if (message.state) this.states.push(message.state);
      if (message.received) this.received = message.received;
    });
  }

  async connected(): Promise<void> {
    await waitUntil(() => this.states.includes('CONNECTED'), 'the ingest process', 30_000);
  }

  async kill(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = once(this.child, 'exit');
    this.child.kill('SIGKILL');
    await exited;
  }
}

/**
 * QoS 1 end to end through a crash: the connector acknowledges a message only once its records
 * are committed or spooled, so a process killed with SIGKILL mid-stream loses nothing; the broker
 * redelivers what was not acknowledged and the unique keys drop what was already stored.
 */
describe.each(brokers)('a killed ingest process on the $name broker', (kind) => {
  let database: TestDatabase;
  let broker: Awaited<ReturnType<typeof kind.start>>;
  let publisher: MqttClient;
  let spoolDir: string;
  let tagId: string;
  const processes: IngestProcess[] = [];

  beforeAll(async () => {
    if (!kind.available) return;
    database = await openTestDatabase();
    broker = await kind.start();
    publisher = await testClient(broker.url);
    spoolDir = await mkdtemp(join(tmpdir(), 'plantgraph-crash-spool-'));
    const [asset] = await database.sql.query<{ id: string }>(
      `insert into asset (kind, name, path) values ('EQUIPMENT', 'Press', 'Press') returning id`,
    );
    const [tag] = await database.sql.query<{ id: string }>(
      `insert into tag (asset_id, name, data_type) values ($1, 'Force', 'FLOAT') returning id`,
      [asset!.id],
    );
    tagId = tag!.id;
  });

  afterAll(async () => {
    for (const ingest of processes) await ingest.kill();
    await publisher?.endAsync();
    await broker?.close();
    await database?.close();
    if (spoolDir) await rm(spoolDir, { recursive: true, force: true });
  });

  const stored = async () => {
    const [row] = await database.sql.query<{ rows: number; values: number; lowest: number }>(
      `select count(*)::int as rows, count(distinct value)::int as values,
              min(value)::int as lowest
         from datapoint where tag_id = $1`,
      [tagId],
    );
    return row!;
  };

  it.runIf(kind.available)(
    'stores every published datapoint exactly once after a kill -9 and a restart',
    async () => {
      const clientId = uniqueName('plantgraph-crash');
      const topic = `${uniqueName('crash')}/press/force`;
      const start = () => {
        const ingest = new IngestProcess({
          DATABASE_URL: database.url!,
          MQTT_URL: broker.url,
          CLIENT_ID: clientId,
          TOPICS: topic,
          MAPPINGS: JSON.stringify([{ address: topic, tagId }]),
          SPOOL_DIR: spoolDir,
        });
        processes.push(ingest);
        return ingest;
      };

      const first = start();
      await first.connected();
      const published = (async () => {
        for (let index = 0; index < MESSAGES; index += 1) {
          const payload = JSON.stringify({ value: index, timestamp: T0 + index * 1000 });
          await publisher.publishAsync(topic, payload, { qos: 1 });
        }
      })();
      // Killed while messages are arriving and being written.
      await waitUntil(() => first.received >= MESSAGES / 3, 'a third of the messages', 30_000);
      await first.kill();
      const beforeRestart = await stored();
      expect(beforeRestart.rows).toBeLessThan(MESSAGES);

      await published;
      const second = start();
      await second.connected();
      let after = await stored();
      const deadline = Date.now() + 30_000;
      while (after.rows < MESSAGES && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        after = await stored();
      }
      expect(after).toEqual({ rows: MESSAGES, values: MESSAGES, lowest: 0 });
      // Nothing is written twice, and nothing the first process stored was lost.
      const [{ letters } = { letters: -1 }] = await database.sql.query<{ letters: number }>(
        'select count(*)::int as letters from dead_letter',
      );
      expect(letters).toBe(0);
      await second.kill();
      await forgetSession(broker.url, clientId);
    },
  );
});

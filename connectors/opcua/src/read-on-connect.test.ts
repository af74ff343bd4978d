import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '@plantgraph/config';
import {
  ConnectionTracker,
  createSignalMapper,
  opcuaConnectionSchema,
  parsePlantConfig,
  type AlarmRecord,
  type DatapointRecord,
  type DeadLetterRecord,
  type IngestRecord,
  type IngestSink,
} from '@plantgraph/ingest';
import {
  FIXTURE_START,
  fixtureNodes,
  freePort,
  startFixtureServer,
  type FixtureServer,
} from './fixture-server.ts';
import { startOpcuaConnector } from './opcua-connector.ts';
import type { OpcuaConnector } from './opcua-connector.types.ts';
import { routeOpcuaStackLogs } from './stack-logs.ts';

/*
 * The current values of alarm sources are read on every (re)connect and mapped ahead of the
 * subscriptions: a real node-opcua server, the plant configuration's own mapper.
 */

const logger = createLogger('opcua-test', process.env.LOG_LEVEL ?? 'silent');
const pkiFolder = join(tmpdir(), 'plantgraph-opcua-test', 'client-pki');
routeOpcuaStackLogs(logger);

const PRESS = 'Test Plant/Press 01';
const at = (second: number) => new Date(Date.UTC(2026, 0, 1, 8, 0, second));

class CollectingSink implements IngestSink {
  readonly records: IngestRecord[] = [];

  async write(records: readonly IngestRecord[]): Promise<void> {
    this.records.push(...records);
  }

  async deadLetter(letter: DeadLetterRecord): Promise<void> {
    throw new Error(`unexpected dead letter: ${letter.reason}`);
  }

  async durable(): Promise<void> {}

  get alarms(): AlarmRecord[] {
    return this.records.filter((record): record is AlarmRecord => record.kind === 'alarm');
  }

  get datapoints(): DatapointRecord[] {
    return this.records.filter((r): r is DatapointRecord => r.kind === 'datapoint');
  }
}

const running: { connector: OpcuaConnector; fixture: FixtureServer }[] = [];

afterEach(async () => {
  for (const { connector, fixture } of running.splice(0)) {
    await connector.close();
    await fixture.stop();
  }
});

function start(fixture: FixtureServer) {
  const config = parsePlantConfig(
    {
      connections: [
        {
          kind: 'opcua',
          id: 'press-plc',
          endpoint: fixture.endpoint,
          samplingIntervalMs: 0,
          publishingIntervalMs: 50,
        },
      ],
      mappings: {
        tags: [
          {
            connection: 'press-plc',
            source: { nodeId: fixtureNodes.temperature },
            asset: PRESS,
            tag: 'Temperature',
          },
        ],
        alarms: [
          {
            connection: 'press-plc',
            source: { nodeId: fixtureNodes.alarmWord },
            asset: PRESS,
            code: 'JAM',
            severity: 'HIGH',
            message: 'Jam',
            bit: 0,
          },
        ],
      },
    },
    'test',
  );
  const withIds = <M extends object>(mapping: M) => ({ ...mapping, assetId: 'press' });
  const mapper = createSignalMapper({
    connections: config.connections,
    tags: config.mappings.tags.map((m) => ({ ...withIds(m), tagId: 'temperature' })),
    states: [],
    counters: [],
    alarms: config.mappings.alarms.map(withIds),
  });
  const [connection] = config.connections.map((c) => opcuaConnectionSchema.parse(c));
  const sink = new CollectingSink();
  const health = new ConnectionTracker('press-plc', 'opcua', fixture.endpoint, Date.now);
  const connector = startOpcuaConnector({
    connection: connection!,
    mapper,
    sink,
    health,
    logger,
    pkiFolder,
  });
  return { connector, sink, health };
}

const waitFor = <T>(check: () => T, timeout = 15_000) =>
  vi.waitFor(check, { timeout, interval: 20 });

describe('OPC UA alarm sources read on connecting', () => {
  it('are mapped before the subscriptions, and again after the server restarts', async () => {
    const port = await freePort();
    let fixture = await startFixtureServer({ port });
    const startedAt = Date.now();
    const { connector, sink, health } = start(fixture);
    running.push({ connector, fixture });

    // The word is 0 since FIXTURE_START. Read on connecting, JAM is found inactive now; had the
    // subscription's first value come first, the time would be FIXTURE_START.
    await waitFor(() => expect(sink.alarms).toHaveLength(1));
    const [first] = sink.alarms;
    expect(first).toMatchObject({ code: 'JAM', active: false });
    expect(first!.clearReason).toBe('not active on reconnect');
    expect(first!.time.getTime()).toBeGreaterThanOrEqual(startedAt);
    // The tag takes its value from the subscription only: read as well, it would be stored twice.
    await waitFor(() => expect(sink.datapoints).toHaveLength(1));
    expect(sink.datapoints[0]!.time).toEqual(FIXTURE_START);

    fixture.set('alarmWord', 1, at(10));
    await waitFor(() => expect(sink.alarms.at(-1)).toMatchObject({ active: true, time: at(10) }));

    // A restarted server starts from its initial values, stamped FIXTURE_START: before the raise,
    // so only the clear read on reconnecting can close the alarm.
    await fixture.stop();
    await waitFor(() => expect(health.snapshot().state).toBe('RECONNECTING'));
    fixture = await startFixtureServer({ port });
    running[0]!.fixture = fixture;
    const restartedAt = Date.now();
    await waitFor(() => expect(health.snapshot().state).toBe('CONNECTED'), 30_000);
    await waitFor(() =>
      expect(sink.alarms.filter((alarm) => alarm.clearReason !== undefined)).toHaveLength(2),
    );
    const reconciled = sink.alarms.filter((alarm) => alarm.clearReason !== undefined).at(-1)!;
    expect(reconciled).toMatchObject({ code: 'JAM', active: false });
    expect(reconciled.time.getTime()).toBeGreaterThanOrEqual(restartedAt);
  }, 60_000);
});

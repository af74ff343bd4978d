import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CLEARED_ON_RECONNECT } from '@plantgraph/alarms-domain';
import { createLogger } from '@plantgraph/config';
import {
  opcuaConnectionSchema,
  type AlarmRecord,
  type ConnectionHealth,
  type ConnectionState,
  type DeadLetterRecord,
  type IngestRecord,
  type IngestSink,
  type ResolvedEventMapping,
  type SignalMapper,
} from '@plantgraph/ingest';
import { freePort, startFixtureServer, type FixtureServer } from '../fixture-server.ts';
import { startOpcuaConnector } from '../opcua-connector.ts';
import type { OpcuaConnector } from '../opcua-connector.types.ts';
import { routeOpcuaStackLogs } from '../stack-logs.ts';
import type { AcknowledgedAtSource, OpenAlarm } from './alarm-conditions.ts';
import { severityBand } from './condition-event.ts';
import { addFixtureConditions, type FixtureConditionsHandle } from './fixture-conditions.ts';

const logger = createLogger('opcua-events-test', process.env.LOG_LEVEL ?? 'silent');
const pkiFolder = join(tmpdir(), 'plantgraph-opcua-test', 'client-pki');
routeOpcuaStackLogs(logger);

const OVEN = { assetId: '00000000-0000-4000-8000-000000000001', path: 'Test/Oven 01' };
const DOOR = { assetId: '00000000-0000-4000-8000-000000000002', path: 'Test/Oven 01/Door' };

/** No data-change mappings: the connection carries events only. */
const noSignals: SignalMapper = {
  sourcesOf: () => [],
  covers: () => false,
  map: () => ({ ok: false, reason: 'no mappings' }),
};

class AlarmSink implements IngestSink {
  readonly alarms: AlarmRecord[] = [];
  readonly letters: DeadLetterRecord[] = [];

  async write(records: readonly IngestRecord[]): Promise<void> {
    for (const record of records) if (record.kind === 'alarm') this.alarms.push(record);
  }

  async deadLetter(letter: DeadLetterRecord): Promise<void> {
    this.letters.push(letter);
  }

  async durable(): Promise<void> {}

  /** The alarms active after the records so far, as the writer would keep them. */
  active(): string[] {
    const open = new Set<string>();
    for (const alarm of this.alarms) {
      const key = `${alarm.assetPath}|${alarm.code}`;
      if (alarm.active) open.add(key);
      else open.delete(key);
    }
    return [...open].sort();
  }
}

class StateHealth implements ConnectionHealth {
  current: ConnectionState | undefined;
  setState(state: ConnectionState): void {
    this.current = state;
  }
  received(): void {}
  setItems(): void {}
  lost(): void {}
  setBehind(): void {}
}

function eventMapping(source: ResolvedEventMapping['source']): ResolvedEventMapping {
  return {
    connection: 'oven-line',
    source,
    asset: OVEN.path,
    assetId: OVEN.assetId,
    assets: { DoorOpen: DOOR.path },
    assetIds: { DoorOpen: DOOR.assetId },
  };
}

const running: OpcuaConnector[] = [];
const servers: FixtureServer[] = [];

interface Started {
  connector: OpcuaConnector;
  sink: AlarmSink;
  health: StateHealth;
}

function startConnector(
  endpoint: string,
  mappings: ResolvedEventMapping[],
  openAlarms?: (assetIds: readonly string[]) => Promise<OpenAlarm[]>,
): Started {
  const connection = opcuaConnectionSchema.parse({
    kind: 'opcua',
    id: 'oven-line',
    endpoint,
    publishingIntervalMs: 50,
  });
  const sink = new AlarmSink();
  const health = new StateHealth();
  const connector = startOpcuaConnector({
    connection,
    mapper: noSignals,
    sink,
    health,
    logger,
    pkiFolder,
    eventMappings: () => mappings,
    openAlarms,
  });
  running.push(connector);
  return { connector, sink, health };
}

async function startServer(port: number): Promise<[FixtureServer, FixtureConditionsHandle]> {
  const fixture = await startFixtureServer({ port });
  servers.push(fixture);
  return [fixture, addFixtureConditions(fixture.server)];
}

const waitFor = <T>(check: () => T, timeout = 10_000) =>
  vi.waitFor(check, { timeout, interval: 20 });

afterEach(async () => {
  await Promise.all(running.splice(0).map((connector) => connector.close()));
  await Promise.all(servers.splice(0).map((server) => server.stop()));
});

describe('severity bands', () => {
  it('maps 1–1000 onto four quarters', () => {
    expect([1, 250, 251, 500, 501, 750, 751, 1000].map(severityBand)).toEqual([
      'LOW',
      'LOW',
      'MEDIUM',
      'MEDIUM',
      'HIGH',
      'HIGH',
      'CRITICAL',
      'CRITICAL',
    ]);
  });
});

describe('OPC UA Alarms & Conditions', () => {
  it('raises and clears alarms as conditions change, on the asset the mapping names', async () => {
    const [fixture, conditions] = await startServer(await freePort());
    const { connector, sink } = startConnector(fixture.endpoint, [
      eventMapping({ nodeId: 'i=2253' }),
    ]);
    const refreshed = vi.fn();
    connector.on('subscribed', refreshed);
    await waitFor(() => expect(refreshed).toHaveBeenCalled());

    conditions.set('OverTemperature', true);
    conditions.set('DoorOpen', true);
    await waitFor(() =>
      expect(sink.active()).toEqual(['Test/Oven 01/Door|DoorOpen', 'Test/Oven 01|OverTemperature']),
    );
    const raised = sink.alarms.find((alarm) => alarm.code === 'OverTemperature');
    expect(raised).toMatchObject({
      assetId: OVEN.assetId,
      active: true,
      severity: 'CRITICAL',
      message: 'Oven over temperature',
    });
    expect(sink.alarms.find((alarm) => alarm.code === 'DoorOpen')).toMatchObject({
      assetId: DOOR.assetId,
      severity: 'MEDIUM',
    });

    conditions.set('OverTemperature', false);
    await waitFor(() => expect(sink.active()).toEqual(['Test/Oven 01/Door|DoorOpen']));
    expect(sink.letters).toEqual([]);
  });

  it('routes conditions by SourceName, with or without its namespace index', async () => {
    const [fixture, conditions] = await startServer(await freePort());
    const mapping = {
      ...eventMapping({ nodeId: 'i=2253' }),
      assets: { Oven01: DOOR.path },
      assetIds: { Oven01: DOOR.assetId },
    };
    const { connector, sink } = startConnector(fixture.endpoint, [mapping]);
    const subscribed = vi.fn();
    connector.on('subscribed', subscribed);
    await waitFor(() => expect(subscribed).toHaveBeenCalled());
    conditions.set('OverTemperature', true);
    await waitFor(() => expect(sink.active()).toEqual(['Test/Oven 01/Door|OverTemperature']));
  });

  it('subscribes a subtree node by browse path', async () => {
    const [fixture, conditions] = await startServer(await freePort());
    const { connector, sink } = startConnector(fixture.endpoint, [
      eventMapping({ browsePath: conditions.sourceBrowsePath }),
    ]);
    const subscribed = vi.fn();
    connector.on('subscribed', subscribed);
    await waitFor(() => expect(subscribed).toHaveBeenCalled());
    conditions.set('OverTemperature', true);
    await waitFor(() => expect(sink.active()).toEqual(['Test/Oven 01|OverTemperature']));
  });

  it('acknowledges the condition on the server and reports it acknowledged', async () => {
    const [fixture, conditions] = await startServer(await freePort());
    const { connector, sink } = startConnector(fixture.endpoint, [
      eventMapping({ nodeId: 'i=2253' }),
    ]);
    const acknowledged: AcknowledgedAtSource[] = [];
    connector.on('conditionAcknowledged', (ack) => acknowledged.push(ack));
    conditions.set('OverTemperature', true);
    await waitFor(() => expect(sink.active()).toEqual(['Test/Oven 01|OverTemperature']));
    expect(conditions.acked('OverTemperature')).toBe(false);

    const result = await connector.acknowledgeCondition(
      OVEN.assetId,
      'OverTemperature',
      'checked the burner (alice)',
    );
    expect(result).toMatchObject({ ok: true, statusCode: 'Good' });
    expect(conditions.acked('OverTemperature')).toBe(true);
    await waitFor(() =>
      expect(acknowledged).toEqual([expect.objectContaining({ code: 'OverTemperature' })]),
    );

    // A refusal comes back with the server's status code.
    conditions.remove('OverTemperature');
    const refused = await connector.acknowledgeCondition(OVEN.assetId, 'OverTemperature', 'again');
    expect(refused).toMatchObject({ ok: false, statusCode: expect.stringMatching(/^Bad/) });
    // An alarm no condition of this connection is behind.
    expect(await connector.acknowledgeCondition(OVEN.assetId, 'Unknown', 'x')).toBeNull();
  });

  it('acknowledges an alarm that cleared unacknowledged through its branch', async () => {
    const [fixture, conditions] = await startServer(await freePort());
    const { connector, sink } = startConnector(fixture.endpoint, [
      eventMapping({ nodeId: 'i=2253' }),
    ]);
    const acknowledged: AcknowledgedAtSource[] = [];
    connector.on('conditionAcknowledged', (ack) => acknowledged.push(ack));
    conditions.set('DoorOpen', true);
    await waitFor(() => expect(sink.active()).toEqual(['Test/Oven 01/Door|DoorOpen']));
    conditions.set('DoorOpen', false);
    await waitFor(() => expect(sink.active()).toEqual([]));
    // Clearing is no acknowledgement: the server keeps the activation in a branch.
    expect(acknowledged).toEqual([]);

    const result = await connector.acknowledgeCondition(DOOR.assetId, 'DoorOpen', 'closed it');
    expect(result).toMatchObject({ ok: true, statusCode: 'Good' });
    await waitFor(() =>
      expect(acknowledged).toEqual([expect.objectContaining({ assetId: DOOR.assetId })]),
    );
  });

  it('clears on reconnect what cleared while the server was away', async () => {
    const port = await freePort();
    let [fixture, conditions] = await startServer(port);
    const stored: OpenAlarm[] = [
      // Raised before this process started, by the same mapping: only Plantgraph remembers it.
      { assetId: OVEN.assetId, assetPath: OVEN.path, code: 'LidOpen' },
    ];
    const { sink, health } = startConnector(
      fixture.endpoint,
      [eventMapping({ nodeId: 'i=2253' })],
      async () => stored,
    );
    await waitFor(() => expect(health.current).toBe('CONNECTED'));
    conditions.set('OverTemperature', true);
    conditions.set('DoorOpen', true);
    await waitFor(() => expect(sink.active()).toHaveLength(2));
    // The first refresh already cleared the stored alarm that no condition is behind.
    expect(sink.alarms.find((alarm) => alarm.code === 'LidOpen')).toMatchObject({
      active: false,
      clearReason: CLEARED_ON_RECONNECT,
    });
    stored.length = 0;

    // The server restarts with OverTemperature back to normal and DoorOpen still open.
    await fixture.stop();
    servers.splice(servers.indexOf(fixture), 1);
    await waitFor(() => expect(health.current).toBe('RECONNECTING'));
    [fixture, conditions] = await startServer(port);
    conditions.set('DoorOpen', true);
    await waitFor(() => expect(health.current).toBe('CONNECTED'), 20_000);
    await waitFor(() => expect(sink.active()).toEqual(['Test/Oven 01/Door|DoorOpen']), 20_000);
    const cleared = sink.alarms.filter((alarm) => alarm.code === 'OverTemperature').at(-1);
    expect(cleared).toMatchObject({ active: false, clearReason: CLEARED_ON_RECONNECT });
  });

  it('dead-letters a mapping whose node does not exist', async () => {
    const [fixture] = await startServer(await freePort());
    const { sink } = startConnector(fixture.endpoint, [
      eventMapping({ nodeId: 'ns=3;s=NoSuchOven' }),
    ]);
    await waitFor(() => expect(sink.letters).toHaveLength(1));
    expect(sink.letters[0]).toMatchObject({
      connection: 'oven-line',
      address: 'ns=3;s=NoSuchOven',
      reason: expect.stringMatching(/^events not monitored: BadNodeIdUnknown/),
    });
  });
});

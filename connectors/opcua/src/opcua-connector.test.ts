import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageSecurityMode, SecurityPolicy, StatusCodes } from 'node-opcua';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLogger } from '@plantgraph/config';
import {
  opcuaConnectionSchema,
  type ConnectionHealth,
  type ConnectionState,
  type DatapointRecord,
  type DeadLetterRecord,
  type IngestRecord,
  type IngestSink,
  type SignalMapper,
  type SourceConfig,
} from '@plantgraph/ingest';
import {
  FIXTURE_START,
  SPEED_BROWSE_PATH,
  fixtureNodes,
  freePort,
  startFixtureServer,
  type FixtureServer,
} from './fixture-server.ts';
import { startOpcuaConnector } from './opcua-connector.ts';
import type { OpcuaConnector, OpcuaConnectorOptions } from './opcua-connector.types.ts';
import { routeOpcuaStackLogs } from './stack-logs.ts';

const logger = createLogger('opcua-test', process.env.LOG_LEVEL ?? 'silent');
const pkiFolder = join(tmpdir(), 'plantgraph-opcua-test', 'client-pki');
routeOpcuaStackLogs(logger);

/** Source → tag id; every sample of a mapped address becomes one datapoint of that tag. */
type TestMapping = { source: SourceConfig; tagId: string };

const nodeMapping = (name: keyof typeof fixtureNodes): TestMapping => ({
  source: { nodeId: fixtureNodes[name] },
  tagId: name,
});
const speedMapping: TestMapping = { source: { browsePath: SPEED_BROWSE_PATH }, tagId: 'speed' };

const scalarMappings = [
  nodeMapping('temperature'),
  nodeMapping('state'),
  nodeMapping('running'),
  nodeMapping('recipe'),
  nodeMapping('pressure'),
  nodeMapping('alarmWord'),
  nodeMapping('cycles'),
  speedMapping,
];

const addressOf = (source: SourceConfig) =>
  'nodeId' in source ? source.nodeId : 'browsePath' in source ? source.browsePath : '';

/** Reads `mappings` on every call, so a test can change them while the connector runs. */
function testMapper(connectionId: string, mappings: TestMapping[]): SignalMapper {
  const tags = {
    get: (address: string) => mappings.find(({ source }) => addressOf(source) === address)?.tagId,
    has: (address: string) => mappings.some(({ source }) => addressOf(source) === address),
  };
  return {
    sourcesOf: (id) =>
      id === connectionId
        ? mappings.map(({ source }) => ({ source, address: addressOf(source) }))
        : [],
    covers: (id, address) => id === connectionId && tags.has(address),
    map(sample) {
      const tagId = tags.get(sample.address);
      if (!tagId) return { ok: false, reason: `unmapped address ${sample.address}` };
      const { value, time, quality } = sample;
      const record: DatapointRecord = {
        kind: 'datapoint',
        tagId,
        tag: tagId,
        assetId: 'machine',
        assetPath: 'Test/Machine',
        time,
        quality,
        value: null,
        text: null,
      };
      if (typeof value === 'number') record.value = value;
      else if (typeof value === 'boolean') record.value = value ? 1 : 0;
      else if (typeof value === 'string') record.text = value;
      else if (value !== null) return { ok: false, reason: `unexpected value ${String(value)}` };
      return { ok: true, records: [record] };
    },
  };
}

class CollectingSink implements IngestSink {
  readonly records: DatapointRecord[] = [];
  readonly letters: DeadLetterRecord[] = [];
  /** While set, write() waits for it: a writer whose queue is full. */
  gate: Promise<void> | undefined;

  async write(records: readonly IngestRecord[]): Promise<void> {
    await this.gate;
    this.records.push(...(records as DatapointRecord[]));
  }

  async deadLetter(letter: DeadLetterRecord): Promise<void> {
    this.letters.push(letter);
  }

  /** Held in memory once taken: nothing is ever pending. */
  async durable(): Promise<void> {}

  of(tagId: string): DatapointRecord[] {
    return this.records.filter((record) => record.tagId === tagId);
  }

  latest(tagId: string): DatapointRecord | undefined {
    return this.of(tagId).at(-1);
  }
}

class RecordingHealth implements ConnectionHealth {
  readonly calls: { state: ConnectionState; error: string | undefined }[] = [];
  receivedCount = 0;
  items = -1;

  setState(state: ConnectionState, error?: string): void {
    this.calls.push({ state, error });
  }

  /** The states in the order they were entered. */
  get transitions(): ConnectionState[] {
    return this.calls
      .map(({ state }) => state)
      .filter((state, index, states) => state !== states[index - 1]);
  }

  received(count = 1): void {
    this.receivedCount += count;
  }

  setItems(count: number): void {
    this.items = count;
  }

  lost(): void {}

  setBehind(): void {}

  get current(): ConnectionState | undefined {
    return this.calls.at(-1)?.state;
  }
}

interface Harness {
  connector: OpcuaConnector;
  sink: CollectingSink;
  health: RecordingHealth;
}

const running: OpcuaConnector[] = [];

function startConnector(
  endpoint: string,
  mappings: TestMapping[],
  settings: Partial<OpcuaConnectorOptions['connection']> = {},
  extra: Partial<OpcuaConnectorOptions> = {},
): Harness {
  const connection = opcuaConnectionSchema.parse({
    kind: 'opcua',
    id: 'press-shop',
    endpoint,
    samplingIntervalMs: 0,
    publishingIntervalMs: 50,
    ...settings,
  });
  const sink = new CollectingSink();
  const health = new RecordingHealth();
  const mapper = testMapper(connection.id, mappings);
  const connector = startOpcuaConnector({
    connection,
    mapper,
    sink,
    health,
    logger,
    pkiFolder,
    ...extra,
  });
  running.push(connector);
  return { connector, sink, health };
}

const waitFor = <T>(check: () => T, timeout = 10_000) =>
  vi.waitFor(check, { timeout, interval: 20 });

const at = (second: number) => new Date(Date.UTC(2026, 0, 1, 8, 0, second));

afterEach(async () => {
  await Promise.all(running.splice(0).map((connector) => connector.close()));
});

describe('OPC UA connector against a running server', () => {
  let fixture: FixtureServer;

  beforeAll(async () => {
    fixture = await startFixtureServer({ port: await freePort() });
  });

  afterAll(() => fixture.stop());

  it('delivers each value change with its source timestamp and status', async () => {
    const { sink, health } = startConnector(fixture.endpoint, scalarMappings);
    await waitFor(() => expect(health.current).toBe('CONNECTED'));
    expect(health.items).toBe(scalarMappings.length);
    await waitFor(() => expect(sink.latest('temperature')?.time).toEqual(FIXTURE_START));

    fixture.set('temperature', 71.25, at(1));
    fixture.set('state', 400, at(2));
    fixture.set('running', false, at(3));
    fixture.set('recipe', 'R-17', at(4));
    fixture.set('cycles', 2 ** 40, at(5));
    fixture.set('alarmWord', 0b1010, at(6));
    fixture.set('speed', 12.5, at(7));

    await waitFor(() => expect(sink.latest('speed')?.value).toBe(12.5));
    const latest = (tagId: string) => {
      const { value, text, time, quality } = sink.latest(tagId)!;
      return { value, text, time, quality };
    };
    expect(latest('temperature')).toEqual({
      value: 71.25,
      text: null,
      time: at(1),
      quality: 'GOOD',
    });
    expect(latest('state')).toMatchObject({ value: 400, time: at(2) });
    expect(latest('running')).toMatchObject({ value: 0, time: at(3) });
    expect(latest('recipe')).toMatchObject({ value: null, text: 'R-17', time: at(4) });
    expect(latest('cycles')).toMatchObject({ value: 2 ** 40, time: at(5) });
    expect(latest('alarmWord')).toMatchObject({ value: 10, time: at(6) });
    expect(latest('speed')).toMatchObject({ value: 12.5, time: at(7) });
    expect(health.receivedCount).toBeGreaterThanOrEqual(2 * scalarMappings.length - 1);
  });

  it('refresh adds and removes monitored items on the running session, missing no change of the rest', async () => {
    const mappings = [nodeMapping('temperature'), nodeMapping('pressure')];
    const { connector, sink, health } = startConnector(fixture.endpoint, mappings);
    await waitFor(() => expect(health.current).toBe('CONNECTED'));
    expect(health.items).toBe(2);
    // A sample of a source no longer mapped is dropped, not dead-lettered (pressure's last
    // value can still be on its way when the mapping changes).
    fixture.set('pressure', 2.5, at(1));
    await waitFor(() => expect(sink.latest('pressure')?.value).toBe(2.5));
    const resubscribed = vi.fn();
    connector.on('subscribed', resubscribed);
    const refreshed = vi.fn();
    connector.on('refreshed', refreshed);

    // Pressure is no longer mapped and recipe is; temperature shares pressure's subscription,
    // which is replaced, and keeps changing meanwhile.
    mappings.splice(1, 1, nodeMapping('recipe'));
    const refreshing = connector.refresh();
    const changes = Array.from({ length: 20 }, (_, index) => index + 100);
    fixture.set('pressure', 3.5, at(2));
    for (const value of changes) {
      fixture.set('temperature', value, at(value - 90));
      await new Promise((resolve) => setTimeout(resolve, 60));
    }
    await refreshing;
    expect(refreshed).toHaveBeenCalledWith({ added: 1, removed: 1 });
    expect(health.items).toBe(2);
    fixture.set('pressure', 9.75, at(40));
    fixture.set('recipe', 'R-9', at(41));
    await waitFor(() => expect(sink.latest('recipe')?.text).toBe('R-9'));
    // The server samples every change of the fixture's variables; 60 ms apart, none is merged.
    await waitFor(() => expect(sink.latest('temperature')?.value).toBe(119));
    const temperatures = new Set(sink.of('temperature').map((record) => record.value));
    expect(changes.filter((value) => !temperatures.has(value))).toEqual([]);
    expect(sink.of('pressure').map((record) => record.value)).not.toContain(9.75);
    expect(sink.letters).toEqual([]);
    expect(resubscribed).not.toHaveBeenCalled();
  });

  it('connects with the configured security mode and policy', async () => {
    const { sink, health } = startConnector(fixture.endpoint, [nodeMapping('temperature')], {
      securityMode: 'SignAndEncrypt',
      securityPolicy: 'Basic256Sha256',
    });
    await waitFor(() => expect(health.current).toBe('CONNECTED'));
    const channels = fixture.server.engine
      .getSessions()
      .map(({ channel }) => channel && MessageSecurityMode[channel.securityMode]);
    expect(channels).toEqual(['SignAndEncrypt']);
    expect(fixture.server.engine.getSessions()[0]?.channel?.securityPolicy).toBe(
      SecurityPolicy.Basic256Sha256,
    );
    fixture.set('temperature', 61, at(9));
    await waitFor(() => expect(sink.latest('temperature')?.time).toEqual(at(9)));
  });

  it('maps the status severity to the quality, also when only the status changes', async () => {
    const { sink, health } = startConnector(fixture.endpoint, [nodeMapping('pressure')]);
    await waitFor(() => expect(health.current).toBe('CONNECTED'));

    fixture.set('pressure', 2.5, at(10), StatusCodes.UncertainLastUsableValue);
    await waitFor(() => expect(sink.latest('pressure')?.time).toEqual(at(10)));
    fixture.set('pressure', 2.5, at(11), StatusCodes.BadSensorFailure);
    await waitFor(() => expect(sink.latest('pressure')?.time).toEqual(at(11)));
    fixture.set('pressure', 2.75, at(12));
    await waitFor(() => expect(sink.latest('pressure')?.time).toEqual(at(12)));

    expect(
      sink
        .of('pressure')
        .slice(-3)
        .map(({ quality }) => quality),
    ).toEqual(['UNCERTAIN', 'BAD', 'GOOD']);
  });

  it('spreads the items over subscriptions of at most maxItemsPerSubscription', async () => {
    const before = fixture.server.engine.currentSubscriptionCount;
    const { connector, sink } = startConnector(fixture.endpoint, scalarMappings, {
      maxItemsPerSubscription: 3,
    });
    const summary = await new Promise((resolve) => connector.once('subscribed', resolve));
    expect(summary).toEqual({ subscriptions: 3, items: 8, rejected: 0 });
    expect(fixture.server.engine.currentSubscriptionCount - before).toBe(3);

    fixture.set('temperature', 5, at(20));
    fixture.set('speed', 6, at(21));
    await waitFor(() => expect(sink.latest('speed')?.time).toEqual(at(21)));
    expect(sink.latest('temperature')?.time).toEqual(at(20));
  });

  it('dead-letters sources it cannot monitor and values it cannot convert, and watches the rest', async () => {
    const letters: DeadLetterRecord[] = [];
    const missingNode: TestMapping = { source: { nodeId: 'ns=2;s=Press01.Missing' }, tagId: 'x' };
    const missingPath: TestMapping = {
      source: { browsePath: '/Objects/2:Plant/2:Nope' },
      tagId: 'y',
    };
    const { sink, health } = startConnector(
      fixture.endpoint,
      [missingNode, nodeMapping('temperature'), missingPath, nodeMapping('profile')],
      {},
      { onDeadLetter: (letter) => letters.push(letter) },
    );
    await waitFor(() => expect(health.current).toBe('CONNECTED'));
    expect(health.items).toBe(2);
    fixture.set('temperature', 33, at(30));
    await waitFor(() => expect(sink.latest('temperature')?.time).toEqual(at(30)));

    await waitFor(() => expect(sink.letters).toHaveLength(3));
    const byAddress = Object.fromEntries(sink.letters.map((letter) => [letter.address, letter]));
    expect(byAddress['ns=2;s=Press01.Missing']).toMatchObject({
      connection: 'press-shop',
      reason: 'not monitored: BadNodeIdUnknown',
    });
    expect(byAddress['/Objects/2:Plant/2:Nope']?.reason).toMatch(/^browse path not found: Bad/);
    // Arrays reach the mapper as plain JSON; this test's mapper takes scalars only.
    expect(byAddress[fixtureNodes.profile]).toMatchObject({
      reason: 'unexpected value 1,2,3',
      time: FIXTURE_START,
    });
    expect(JSON.parse(byAddress[fixtureNodes.profile]!.payload as string)).toMatchObject({
      value: [1, 2, 3],
      status: 'Good',
    });
    expect(letters).toEqual(sink.letters);
  });

  it('holds data back at the server while the sink is slow', async () => {
    const { sink, health } = startConnector(
      fixture.endpoint,
      [nodeMapping('temperature')],
      { queueSize: 3 },
      { maxPendingSamples: 2 },
    );
    await waitFor(() => expect(health.current).toBe('CONNECTED'));
    await waitFor(() => expect(sink.of('temperature')).toHaveLength(1));
    let release!: () => void;
    sink.gate = new Promise((resolve) => (release = resolve));

    // Slower than the publishing interval: without backpressure every value would arrive.
    for (let second = 1; second <= 20; second++) {
      fixture.set('temperature', second, at(100 + second));
      await new Promise((resolve) => setTimeout(resolve, 60));
    }
    release();
    sink.gate = undefined;

    await waitFor(() => expect(sink.latest('temperature')?.value).toBe(20));
    const values = sink
      .of('temperature')
      .slice(1)
      .map(({ value }) => value!);
    // The server kept sampling into the item's queue of 3 and discarded the oldest.
    expect(values.length).toBeLessThan(12);
    expect(values.slice(-3)).toEqual([18, 19, 20]);
    expect(values).toEqual([...values].sort((a, b) => a - b));
  });
});

describe('OPC UA connector when the server goes away', () => {
  it('keeps retrying while the server is down at start and connects once it appears', async () => {
    const port = await freePort();
    const endpoint = `opc.tcp://127.0.0.1:${port}/fixture`;
    const { sink, health } = startConnector(endpoint, [nodeMapping('temperature')]);
    await waitFor(() => {
      const retries = health.calls.filter(({ state, error }) => state === 'CONNECTING' && error);
      expect(retries.length).toBeGreaterThanOrEqual(2);
    });
    expect(health.transitions).toEqual(['CONNECTING']);
    expect(health.calls.at(-1)?.error).toMatch(/not reachable/);

    const fixture = await startFixtureServer({ port });
    try {
      await waitFor(() => expect(health.current).toBe('CONNECTED'), 15_000);
      fixture.set('temperature', 44, at(40));
      await waitFor(() => expect(sink.latest('temperature')?.time).toEqual(at(40)));
    } finally {
      await fixture.stop();
    }
  });

  it('closes while it is still trying to reach the server', async () => {
    const { connector, health } = startConnector(
      `opc.tcp://127.0.0.1:${await freePort()}/fixture`,
      [nodeMapping('temperature')],
    );
    await waitFor(() => expect(health.calls.at(-1)?.error).toMatch(/not reachable/));
    await connector.close();
    expect(health.transitions).toEqual(['CONNECTING', 'DISCONNECTED']);
  });

  it('resubscribes after the server restarts, also when node ids changed', async () => {
    const port = await freePort();
    let fixture = await startFixtureServer({ port });
    const { connector, sink, health } = startConnector(fixture.endpoint, [
      nodeMapping('temperature'),
      speedMapping,
    ]);
    const subscribed = vi.fn();
    connector.on('subscribed', subscribed);
    try {
      await waitFor(() => expect(health.current).toBe('CONNECTED'));

      // Same address space after the restart: node-opcua's own session repair suffices.
      await fixture.stop();
      await waitFor(() => expect(health.current).toBe('RECONNECTING'));
      fixture = await startFixtureServer({ port });
      await waitFor(() => expect(health.current).toBe('CONNECTED'), 20_000);
      fixture.set('temperature', 50, at(50));
      fixture.set('speed', 51, at(51));
      await waitFor(() => expect(sink.latest('speed')?.time).toEqual(at(51)));
      expect(sink.latest('temperature')?.time).toEqual(at(50));
      expect(subscribed).toHaveBeenCalledTimes(1);

      // The restarted server numbers Speed anew: its browse path must be translated again.
      await fixture.stop();
      await waitFor(() => expect(health.current).toBe('RECONNECTING'));
      fixture = await startFixtureServer({ port, speedNodeNumber: 2000 });
      await waitFor(() => expect(subscribed).toHaveBeenCalledTimes(2), 20_000);
      await waitFor(() => expect(health.current).toBe('CONNECTED'));
      fixture.set('temperature', 52, at(52));
      fixture.set('speed', 53, at(53));
      await waitFor(() => expect(sink.latest('speed')?.time).toEqual(at(53)));
      expect(sink.latest('temperature')?.time).toEqual(at(52));
      expect(health.items).toBe(2);
      expect(health.transitions).toEqual([
        'CONNECTING',
        'CONNECTED',
        'RECONNECTING',
        'CONNECTED',
        'RECONNECTING',
        'CONNECTED',
      ]);
    } finally {
      await fixture.stop();
    }
  });
});

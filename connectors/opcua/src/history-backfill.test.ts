import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '@plantgraph/config';
import {
  ConnectionTracker,
  createSignalMapper,
  opcuaConnectionSchema,
  parsePlantConfig,
  type BackfillReport,
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
 * History backfill after a reconnect: a real node-opcua server keeps the history of one variable,
 * a loopback TCP relay between connector and server is cut and restored (the server and its
 * history stay up), and the connector reads what changed meanwhile.
 */

const logger = createLogger('opcua-test', process.env.LOG_LEVEL ?? 'silent');
const pkiFolder = join(tmpdir(), 'plantgraph-opcua-test', 'client-pki');
routeOpcuaStackLogs(logger);

const PRESS = 'Test Plant/Press 01';

/** What storage would hold: datapoints by (tag, time), each once, as the datapoint key keeps them. */
class StoringSink implements IngestSink {
  readonly stored = new Map<string, DatapointRecord>();
  readonly written: IngestRecord[] = [];

  async write(records: readonly IngestRecord[]): Promise<void> {
    this.written.push(...records);
    for (const record of records) {
      if (record.kind !== 'datapoint') continue;
      const key = `${record.tagId}@${record.time.toISOString()}`;
      if (!this.stored.has(key)) this.stored.set(key, record);
    }
  }

  async deadLetter(letter: DeadLetterRecord): Promise<void> {
    throw new Error(`unexpected dead letter: ${letter.reason}`);
  }

  async durable(): Promise<void> {}

  /** The latest stored time per tag, what the runtime reads from the datapoints. */
  lastStored(tagId: string): Date | undefined {
    const times = [...this.stored.values()].filter((r) => r.tagId === tagId).map((r) => r.time);
    return times.sort((a, b) => a.getTime() - b.getTime()).at(-1);
  }

  temperatures(): DatapointRecord[] {
    return [...this.stored.values()]
      .filter((record) => record.tagId === 'temperature')
      .sort((a, b) => a.time.getTime() - b.time.getTime());
  }
}

/** A TCP relay on loopback that can be cut (every connection dropped, new ones refused). */
class Relay {
  readonly #sockets = new Set<Socket>();
  #server: Server | undefined;

  constructor(
    readonly port: number,
    readonly target: number,
  ) {}

  async open(): Promise<void> {
    this.#server = createServer((inbound) => {
      const outbound = connect(this.target, '127.0.0.1');
      for (const socket of [inbound, outbound]) {
        this.#sockets.add(socket);
        socket.on('close', () => this.#sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      inbound.pipe(outbound).pipe(inbound);
    });
    const server = this.#server;
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
  }

  async cut(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    const closed = new Promise<void>((resolve) => server?.close(() => resolve()) ?? resolve());
    for (const socket of this.#sockets) socket.destroy();
    await closed;
  }
}

const running: { connector: OpcuaConnector; fixture: FixtureServer; relay: Relay }[] = [];

afterEach(async () => {
  for (const { connector, fixture, relay } of running.splice(0)) {
    await connector.close();
    await relay.cut();
    await fixture.stop();
  }
});

const waitFor = <T>(check: () => T, timeout = 20_000) =>
  vi.waitFor(check, { timeout, interval: 20 });

describe('OPC UA history backfill after a reconnect', () => {
  it('reads what changed while the connection was down, and skips nodes without history', async () => {
    const fixture = await startFixtureServer({
      port: await freePort(),
      historizing: ['temperature'],
    });
    const relay = new Relay(await freePort(), Number(new URL(fixture.endpoint).port));
    await relay.open();
    const endpoint = fixture.endpoint.replace(/:\d+\//, `:${relay.port}/`);
    const config = parsePlantConfig(
      {
        connections: [
          {
            kind: 'opcua',
            id: 'press-plc',
            endpoint,
            samplingIntervalMs: 0,
            publishingIntervalMs: 50,
            // The server keeps one queued change per item: only history holds the others.
            queueSize: 1,
            backfill: { maxWindow: '1h', valuesPerNode: 2 },
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
            {
              connection: 'press-plc',
              source: { nodeId: fixtureNodes.pressure },
              asset: PRESS,
              tag: 'Pressure',
            },
          ],
        },
      },
      'test',
    );
    const tagIds: Record<string, string> = { Temperature: 'temperature', Pressure: 'pressure' };
    const mapper = createSignalMapper({
      connections: config.connections,
      tags: config.mappings.tags.map((m) => ({ ...m, assetId: 'press', tagId: tagIds[m.tag]! })),
      states: [],
      counters: [],
      alarms: [],
    });
    const sink = new StoringSink();
    const health = new ConnectionTracker('press-plc', 'opcua', endpoint, Date.now);
    const lastStored = async (addresses: readonly string[]) => {
      const times = new Map<string, Date>();
      for (const address of addresses) {
        const [tagId] = mapper.tagIdsOf('press-plc', address);
        const time = tagId === undefined ? undefined : sink.lastStored(tagId);
        if (time) times.set(address, time);
      }
      return times;
    };
    const connector = startOpcuaConnector({
      connection: opcuaConnectionSchema.parse(config.connections[0]),
      mapper,
      sink,
      health,
      logger,
      pkiFolder,
      lastStored,
    });
    running.push({ connector, fixture, relay });
    const reports: BackfillReport[] = [];
    connector.on('backfilled', (report) => reports.push(report));

    const base = Date.now() - 60_000;
    const at = (second: number) => new Date(base + second * 1000);
    await waitFor(() => expect(reports).toHaveLength(1));
    // The first report says nothing of the subscriptions. The server keeps one queued change per
    // item, so a change made before the initial value is published would replace it there.
    await waitFor(() => expect(sink.temperatures().map((r) => r.value)).toEqual([20.5]));
    fixture.set('temperature', 21, at(1));
    await waitFor(() => expect(sink.temperatures().at(-1)?.value).toBe(21));

    await relay.cut();
    await waitFor(() => expect(health.snapshot().state).toBe('RECONNECTING'));
    const missed = [22, 23.5, 24, 19];
    missed.forEach((value, index) => fixture.set('temperature', value, at(2 + index)));
    await relay.open();

    await waitFor(() => expect(reports).toHaveLength(2), 40_000);
    // The initial value came live, stamped FIXTURE_START; 21 live; the rest only history holds.
    await waitFor(() =>
      expect(sink.temperatures().map((r) => r.value)).toEqual([20.5, 21, ...missed]),
    );
    expect(sink.temperatures().map((record) => record.time)).toEqual([
      FIXTURE_START,
      ...[1, 2, 3, 4, 5].map((second) => at(second)),
    ]);
    expect(reports[1]).toMatchObject({
      from: at(1),
      nodes: 1,
      valuesRead: missed.length + 1,
      nodesUnsupported: 1,
      unsupported: [fixtureNodes.pressure],
      error: null,
    });
    expect(health.snapshot().lastBackfill).toEqual(reports[1]);
    // Only tag mappings take history values: nothing else was written.
    expect(sink.written.every((record) => record.kind === 'datapoint')).toBe(true);
  }, 90_000);

  it("reads no more nodes per HistoryRead call than the server's MaxNodesPerHistoryReadData", async () => {
    const fixture = await startFixtureServer({
      port: await freePort(),
      historizing: ['temperature', 'pressure'],
      // The server refuses a HistoryRead of two nodes with BadTooManyOperations.
      serverCapabilities: { operationLimits: { maxNodesPerHistoryReadData: 1 } },
    });
    const base = Date.now() - 60_000;
    fixture.set('temperature', 30, new Date(base));
    fixture.set('pressure', 2.5, new Date(base + 1000));
    const config = parsePlantConfig(
      {
        connections: [
          {
            kind: 'opcua',
            id: 'press-plc',
            endpoint: fixture.endpoint,
            publishingIntervalMs: 50,
            backfill: { maxWindow: '1h' },
          },
        ],
        mappings: {
          tags: (['temperature', 'pressure'] as const).map((name) => ({
            connection: 'press-plc',
            source: { nodeId: fixtureNodes[name] },
            asset: PRESS,
            tag: name,
          })),
        },
      },
      'test',
    );
    const mapper = createSignalMapper({
      connections: config.connections,
      tags: config.mappings.tags.map((m) => ({ ...m, assetId: 'press', tagId: m.tag })),
      states: [],
      counters: [],
      alarms: [],
    });
    const relay = new Relay(await freePort(), Number(new URL(fixture.endpoint).port));
    const health = new ConnectionTracker('press-plc', 'opcua', fixture.endpoint, Date.now);
    const connector = startOpcuaConnector({
      connection: opcuaConnectionSchema.parse(config.connections[0]),
      mapper,
      sink: new StoringSink(),
      health,
      logger,
      pkiFolder,
      lastStored: async () => new Map(),
    });
    running.push({ connector, fixture, relay });
    const reports: BackfillReport[] = [];
    connector.on('backfilled', (report) => reports.push(report));

    await waitFor(() => expect(reports).toHaveLength(1));
    expect(reports[0]).toMatchObject({ nodes: 2, nodesUnsupported: 0, error: null });
    expect(reports[0]!.valuesRead).toBeGreaterThanOrEqual(2);
    await waitFor(() => expect(health.snapshot().serverLimits?.maxNodesPerHistoryReadData).toBe(1));
  }, 60_000);
});

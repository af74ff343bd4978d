import { randomUUID } from 'node:crypto';
import { createLogger } from '@plantgraph/config';
import type {
  ConnectionHealth,
  ConnectionState,
  DatapointRecord,
  DeadLetterRecord,
  IngestRecord,
  IngestSink,
  MapResult,
  MqttConnectionConfig,
  SignalMapper,
  SourceSample,
  WatchedSource,
} from '@plantgraph/ingest';
import { hasTestBroker, TEST_BROKER_KINDS, testBroker } from '@plantgraph/testing';
import { connectAsync, type MqttClient } from 'mqtt';

/**
 * The brokers every connector test runs against: the embedded one, and the shared real one when
 * TEST_MQTT_URL names it (`available` says whether this run has it).
 */
export const brokers = TEST_BROKER_KINDS.map((name) => ({
  name,
  available: hasTestBroker(name),
  start: () => testBroker(name),
}));

export const silentLogger = createLogger('mqtt-connector-test', 'silent');

/** A name no other test run on the shared broker uses. */
export const uniqueName = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

export function mqttConnection(overrides: Partial<MqttConnectionConfig>): MqttConnectionConfig {
  return {
    kind: 'mqtt',
    id: 'test-mqtt',
    clientId: uniqueName('plantgraph-test'),
    topics: ['#'],
    format: 'uns-json',
    strict: false,
    exclude: [],
    ...overrides,
  };
}

interface FixtureMapping {
  /** An MQTT topic filter (UNS) or a Sparkplug `group/edgeNode/device/metric` path. */
  address: string;
  tagId: string;
  /** Picks this key from an object value, as a jsonPath `$.key` would. */
  field?: string;
}

/** Maps covered addresses to datapoints of one tag each; any other value type is refused. */
export class FixtureMapper implements SignalMapper {
  constructor(private readonly mappings: FixtureMapping[] = []) {}

  add(mapping: FixtureMapping): void {
    this.mappings.push(mapping);
  }

  sourcesOf(): WatchedSource[] {
    return this.mappings.map((mapping) => ({
      source: { topic: mapping.address },
      address: mapping.address,
    }));
  }

  covers(_connectionId: string, address: string): boolean {
    return this.find(address) !== undefined;
  }

  map(sample: SourceSample): MapResult {
    const mapping = this.find(sample.address);
    if (!mapping) return { ok: false, reason: 'unmapped' };
    const value = mapping.field
      ? (sample.value as Record<string, unknown>)[mapping.field]
      : sample.value;
    const record: DatapointRecord = {
      kind: 'datapoint',
      tagId: mapping.tagId,
      tag: mapping.tagId,
      assetId: 'machine',
      assetPath: 'Test/Machine',
      time: sample.time,
      value: typeof value === 'number' ? value : typeof value === 'boolean' ? Number(value) : null,
      text: typeof value === 'string' ? value : null,
      quality: sample.quality,
    };
    if (record.value === null && record.text === null && sample.quality !== 'BAD') {
      return { ok: false, reason: `unexpected value ${JSON.stringify(value)}` };
    }
    return { ok: true, records: [record] };
  }

  private find(address: string): FixtureMapping | undefined {
    return this.mappings.find((mapping) => topicMatches(mapping.address, address));
  }
}

function topicMatches(filter: string, topic: string): boolean {
  const filterLevels = filter.split('/');
  const topicLevels = topic.split('/');
  for (const [index, level] of filterLevels.entries()) {
    if (level === '#') return true;
    if (index >= topicLevels.length) return false;
    if (level !== '+' && level !== topicLevels[index]) return false;
  }
  return filterLevels.length === topicLevels.length;
}

/** Keeps what it is given; `gate` holds writes back to show backpressure. */
export class CollectingSink implements IngestSink {
  readonly records: IngestRecord[] = [];
  readonly deadLetters: DeadLetterRecord[] = [];
  writes = 0;
  gate: Promise<void> | undefined;

  async write(records: readonly IngestRecord[]): Promise<void> {
    this.writes += 1;
    await this.gate;
    this.records.push(...records);
  }

  async deadLetter(letter: DeadLetterRecord): Promise<void> {
    this.deadLetters.push(letter);
  }

  /** While set, durable() waits for it: a writer that has not stored the records yet. */
  storing: Promise<void> | undefined;

  /** Kept in memory as soon as taken, unless `storing` holds it back. */
  async durable(): Promise<void> {
    await this.storing;
  }

  datapoints(tagId: string): DatapointRecord[] {
    return this.records.filter(
      (record): record is DatapointRecord => record.kind === 'datapoint' && record.tagId === tagId,
    );
  }
}

export class RecordingHealth implements ConnectionHealth {
  readonly states: { state: ConnectionState; error?: string }[] = [];
  receivedCount = 0;
  items = 0;
  lostCount = 0;
  behind = false;

  get state(): ConnectionState | undefined {
    return this.states.at(-1)?.state;
  }

  setState(state: ConnectionState, error?: string): void {
    this.states.push(error === undefined ? { state } : { state, error });
  }

  received(count = 1): void {
    this.receivedCount += count;
  }

  setItems(count: number): void {
    this.items = count;
  }

  lost(count: number): void {
    this.lostCount += count;
  }

  setBehind(behind: boolean): void {
    this.behind = behind;
  }
}

/** Polls until `condition` holds; fails with `what` after `timeoutMs`. */
export async function waitUntil(
  condition: () => boolean,
  what: string,
  timeoutMs = 5_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A plain client for publishing test messages. */
export function testClient(url: string): Promise<MqttClient> {
  return connectAsync(url, { clientId: uniqueName('plantgraph-test-pub'), reconnectPeriod: 0 });
}

/** Removes a persistent session from the broker so test runs leave nothing behind. */
export async function forgetSession(url: string, clientId: string): Promise<void> {
  const client = await connectAsync(url, { clientId, clean: true, reconnectPeriod: 0 });
  await client.endAsync();
}

import type { Logger } from '@plantgraph/config';
import {
  topicMatches,
  umhSettings,
  type IngestRecord,
  type IngestSink,
  type MapResult,
  type MqttConnectionConfig,
  type SignalMapper,
  type SourceSample,
  type SparkplugBirthMetric,
} from '@plantgraph/ingest';
import {
  SparkplugHost,
  type SparkplugDeath,
  type SparkplugDeviceAddress,
  type SparkplugEvent,
} from './sparkplug.ts';
import { parseUmhMessage } from './umh.ts';
import { parseUnsPayload } from './uns-json.ts';

/** The sink or a callback failed: the message was not stored and has to come again. */
export class DeliveryError extends Error {
  constructor(cause: unknown) {
    super(`ingest failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'DeliveryError';
  }
}

export interface MessageHandlerOptions {
  connection: MqttConnectionConfig;
  mapper: SignalMapper;
  sink: IngestSink;
  logger: Logger;
  /**
   * Called for an unmapped address with the value that came with it, and for a Sparkplug birth
   * metric with the metric (`birth`); true once it is mapped.
   */
  discover?: (
    address: string,
    value?: unknown,
    birth?: SparkplugBirthMetric,
  ) => Promise<boolean> | boolean;
  onDeviceOffline?: (
    address: SparkplugDeviceAddress,
    time: Date,
    cause: SparkplugDeath,
  ) => Promise<void> | void;
  /** Publishes a Sparkplug command (QoS 0). */
  publish: (topic: string, payload: Buffer) => void;
  /** Sparkplug: `count` messages of an edge node never arrived (a sequence gap). */
  onLost?: (address: SparkplugDeviceAddress, count: number) => void;
}

/** What became of one sample. */
type Outcome = { address: string } & (
  { records: IngestRecord[] } | { reason: string } | { ignored: string }
);

type SparkplugSample = Extract<SparkplugEvent, { kind: 'sample' }>;

/**
 * Turns one MQTT message into sink writes and dead letters. A message that cannot be read or
 * mapped becomes a dead letter, including one on which the mapper or discovery throws; only a
 * failing sink or offline callback rejects, with a DeliveryError.
 */
export class MessageHandler {
  /** Messages on unmapped topics dropped because the connection is not strict. */
  ignoredMessages = 0;
  private readonly sparkplug = new SparkplugHost();

  constructor(private readonly options: MessageHandlerOptions) {}

  async handle(topic: string, payload: Buffer): Promise<void> {
    if (this.options.connection.exclude.some((filter) => topicMatches(filter, topic))) return;
    const receivedAt = new Date();
    try {
      if (this.options.connection.format === 'sparkplug') {
        await this.onSparkplug(topic, payload, receivedAt);
      } else if (this.options.connection.format === 'umh') {
        await this.onUmh(topic, payload, receivedAt);
      } else {
        await this.onUnsJson(topic, payload, receivedAt);
      }
    } catch (error) {
      if (error instanceof DeliveryError) throw error;
      const reason = `not processed: ${(error as Error).message}`;
      await this.deadLetter(topic, payload, reason, receivedAt);
    }
  }

  private async onUnsJson(topic: string, payload: Buffer, receivedAt: Date): Promise<void> {
    const { connection, mapper, discover } = this.options;
    let covered = mapper.covers(connection.id, topic);
    const prefix = connection.discovery?.prefix;
    if (!covered && discover && prefix && topic.startsWith(prefix)) {
      covered = await discover(topic);
    }
    if (!covered) return this.unmapped(topic, payload, 'unmapped topic', receivedAt);
    const parsed = parseUnsPayload(payload, receivedAt);
    if (!parsed.ok) return this.deadLetter(topic, payload, parsed.reason, receivedAt);
    const sample: SourceSample = { connection: connection.id, address: topic, ...parsed.reading };
    await this.deliver([outcome(topic, mapper.map(sample))], payload, receivedAt);
  }

  /**
   * A UMH `_historian` message: one sample per tag value at its own address, all at
   * `timestamp_ms`, so a message delivered again stores nothing twice. Unknown tags go to discovery.
   */
  private async onUmh(topic: string, payload: Buffer, receivedAt: Date): Promise<void> {
    const { connection } = this.options;
    const parsed = parseUmhMessage(umhSettings(connection).prefix, topic, payload);
    if ('ignored' in parsed) return this.unmapped(topic, payload, parsed.ignored, receivedAt);
    if (!parsed.ok) return this.deadLetter(topic, payload, parsed.reason, receivedAt);
    const outcomes: Outcome[] = [];
    for (const { address, value } of parsed.tags) {
      outcomes.push(await this.mapUmhTag(address, value, parsed.time));
    }
    await this.deliver(outcomes, payload, receivedAt);
  }

  private async mapUmhTag(address: string, value: unknown, time: Date): Promise<Outcome> {
    const { connection, mapper, discover } = this.options;
    const covered = mapper.covers(connection.id, address) || (await discover?.(address, value));
    if (!covered) return { address, ignored: 'unmapped tag' };
    const sample: SourceSample = {
      connection: connection.id,
      address,
      value,
      time,
      quality: 'GOOD',
    };
    return outcome(address, mapper.map(sample));
  }

  private async onSparkplug(topic: string, payload: Buffer, receivedAt: Date): Promise<void> {
    const outcomes: Outcome[] = [];
    for (const event of this.sparkplug.handle(topic, payload, receivedAt)) {
      if (event.kind === 'sample') outcomes.push(await this.mapMetric(event));
      else if (event.kind === 'deadLetter') {
        await this.deadLetter(event.address, payload, event.reason, receivedAt);
      } else if (event.kind === 'rebirth') this.requestRebirth(event.topic, event.payload);
      else if (event.kind === 'lost') this.options.onLost?.(event.address, event.count);
      else await this.offline(event.address, event.time, event.cause);
    }
    await this.deliver(outcomes, payload, receivedAt);
  }

  /** A birth declares its metrics with their datatypes, so only a birth's metric is discovered. */
  private async mapMetric(event: SparkplugSample): Promise<Outcome> {
    const { address, value, time, quality, birth } = event;
    const { connection, mapper, discover } = this.options;
    const covered =
      mapper.covers(connection.id, address) ||
      (birth !== undefined && (await discover?.(address, value, birth)));
    if (!covered) return { address, ignored: 'unmapped metric' };
    const sample: SourceSample = { connection: connection.id, address, value, time, quality };
    return outcome(address, mapper.map(sample));
  }

  private requestRebirth(topic: string, payload: Uint8Array): void {
    this.options.logger.info({ connection: this.options.connection.id, topic }, 'rebirth request');
    this.options.publish(topic, Buffer.from(payload));
  }

  /** Writes the records of one message in one call, then its dead letters. */
  private async deliver(outcomes: Outcome[], payload: Buffer, receivedAt: Date): Promise<void> {
    const records = outcomes.flatMap((result) => ('records' in result ? result.records : []));
    if (records.length) await guard(() => this.options.sink.write(records));
    for (const result of outcomes) {
      if ('reason' in result) {
        await this.deadLetter(result.address, payload, result.reason, receivedAt);
      } else if ('ignored' in result) {
        await this.unmapped(result.address, payload, result.ignored, receivedAt);
      }
    }
  }

  private async unmapped(address: string, payload: Buffer, reason: string, time: Date) {
    if (this.options.connection.strict) return this.deadLetter(address, payload, reason, time);
    this.ignoredMessages += 1;
    this.options.logger.debug({ connection: this.options.connection.id, address }, reason);
  }

  private deadLetter(address: string, payload: Buffer, reason: string, time: Date) {
    const letter = { connection: this.options.connection.id, address, payload, reason, time };
    return guard(() => this.options.sink.deadLetter(letter));
  }

  private offline(address: SparkplugDeviceAddress, time: Date, cause: SparkplugDeath) {
    return guard(async () => this.options.onDeviceOffline?.(address, time, cause));
  }
}

function outcome(address: string, result: MapResult): Outcome {
  return result.ok ? { address, records: result.records } : { address, reason: result.reason };
}

async function guard(step: () => Promise<unknown>): Promise<void> {
  try {
    await step();
  } catch (error) {
    throw new DeliveryError(error);
  }
}

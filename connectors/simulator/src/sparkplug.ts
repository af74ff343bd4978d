import { randomUUID } from 'node:crypto';
import { sparkplugDevice } from '@plantgraph/demo-catalog';
import type { Logger } from '@plantgraph/config';
import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import { get } from 'sparkplug-payload';
import type { UMetric, UPayload } from 'sparkplug-payload/lib/sparkplugbpayload.js';
import type { Machine } from './machine.ts';

const codec = get('spBv1.0');
if (!codec) throw new Error('sparkplug-payload has no spBv1.0 codec');
const { encodePayload, decodePayload } = codec;

const REBIRTH = 'Node Control/Rebirth';

interface Device {
  id: string;
  machine: Machine;
  /** Alias per point name; unique across the edge node. */
  aliases: Map<string, number>;
  /** What subscribers last saw, for report-by-exception. */
  published: Map<string, unknown>;
}

/** One edge node: its broker, Sparkplug address and the machines that are its devices. */
export interface EdgeNodeOptions {
  url: string;
  group: string;
  edgeNode: string;
  machines: readonly Machine[];
  client?: IClientOptions;
  logger?: Logger;
}

/**
 * A Sparkplug B edge node (spBv1.0) with one device per machine. NDEATH is the MQTT will, carrying
 * the bdSeq of the connection it belongs to; each (re)connect subscribes to NCMD and publishes
 * NBIRTH and the DBIRTHs, and `publishChanges` sends DDATA with aliases for the metrics that
 * changed. Sequence numbers run 0..255 across all messages of the node, NBIRTH resets them.
 */
export class SparkplugEdgeNode {
  readonly group: string;
  readonly edgeNode: string;
  readonly clientId: string;
  #client: MqttClient;
  #devices: Device[];
  #logger: Logger | undefined;
  #bdSeq = 0;
  #seq = 0;
  #born = false;
  #birthing: Promise<void> = Promise.resolve();

  private constructor(options: EdgeNodeOptions) {
    this.group = options.group;
    this.edgeNode = options.edgeNode;
    this.#logger = options.logger;
    let alias = 0;
    this.#devices = options.machines.map((machine) => ({
      id: sparkplugDevice(machine.equipment.asset.path).device,
      machine,
      aliases: new Map(machine.points.map((point) => [point.name, ++alias])),
      published: new Map(),
    }));
    this.clientId = `plantgraph-sim-${options.group}-${options.edgeNode}-${randomUUID().slice(0, 8)}`;
    this.#client = connect(options.url, {
      clientId: this.clientId,
      clean: true,
      reconnectPeriod: 1000,
      // Sparkplug data queued while offline would arrive after the next birth, out of sequence.
      queueQoSZero: false,
      ...options.client,
      will: this.#will(),
    });
    this.#client.on('connect', () => {
      this.#birthing = this.#birth();
    });
    this.#client.on('close', () => this.#lost());
    this.#client.on('message', (topic, payload) => this.#command(topic, payload));
  }

  /** Connects and publishes the births; fails if the broker cannot be reached at first. */
  static async connect(options: EdgeNodeOptions): Promise<SparkplugEdgeNode> {
    const node = new SparkplugEdgeNode(options);
    await firstConnect(node.#client, options.url);
    await node.#birthing;
    return node;
  }

  topic(type: 'NBIRTH' | 'NDEATH' | 'NCMD' | 'DBIRTH' | 'DDATA', device?: string): string {
    return ['spBv1.0', this.group, type, this.edgeNode, ...(device ? [device] : [])].join('/');
  }

  /** DDATA for every device with changed metrics. */
  publishChanges(): void {
    if (!this.#born) return;
    for (const device of this.#devices) {
      const time = device.machine.time.getTime();
      const metrics = device.machine.points.flatMap((point): UMetric[] => {
        const value = device.machine.read(point.name);
        if (device.published.get(point.name) === value) return [];
        device.published.set(point.name, value);
        return [
          { alias: device.aliases.get(point.name), type: point.type, value, timestamp: time },
        ];
      });
      if (metrics.length === 0) continue;
      this.#publish(this.topic('DDATA', device.id), { timestamp: time, metrics });
    }
  }

  /** Gracefully: NDEATH, then DISCONNECT. Abruptly: the socket is dropped and the broker sends the will. */
  async close(abrupt = false): Promise<void> {
    if (abrupt) {
      this.#client.end(true);
      return;
    }
    if (this.#client.connected) {
      await this.#client.publishAsync(this.topic('NDEATH'), this.#death(), { qos: 1 });
    }
    await this.#client.endAsync();
  }

  #will(): NonNullable<IClientOptions['will']> {
    return { topic: this.topic('NDEATH'), payload: this.#death(), qos: 1, retain: false };
  }

  #death(): Buffer {
    const metrics: UMetric[] = [{ name: 'bdSeq', type: 'Int64', value: this.#bdSeq }];
    return Buffer.from(encodePayload({ timestamp: Date.now(), metrics }));
  }

  /** The connection is gone: the next one is a new session with the next bdSeq. */
  #lost(): void {
    this.#born = false;
    this.#bdSeq = (this.#bdSeq + 1) % 256;
    // mqtt.js sends the will from its options on every reconnect.
    this.#client.options.will = this.#will();
  }

  async #birth(): Promise<void> {
    try {
      await this.#client.subscribeAsync(this.topic('NCMD'), { qos: 1 });
    } catch (error) {
      this.#logger?.error({ err: error, edgeNode: this.edgeNode }, 'cannot subscribe to NCMD');
      return;
    }
    this.#publishBirths();
  }

  #publishBirths(): void {
    const now = Date.now();
    this.#seq = 0;
    this.#publish(this.topic('NBIRTH'), {
      timestamp: now,
      metrics: [
        { name: 'bdSeq', type: 'Int64', value: this.#bdSeq, timestamp: now },
        { name: REBIRTH, type: 'Boolean', value: false, timestamp: now },
      ],
    });
    for (const device of this.#devices) {
      const time = device.machine.time.getTime();
      const metrics = device.machine.points.map((point): UMetric => {
        const value = device.machine.read(point.name);
        device.published.set(point.name, value);
        const alias = device.aliases.get(point.name);
        return { name: point.name, alias, type: point.type, value, timestamp: time };
      });
      this.#publish(this.topic('DBIRTH', device.id), { timestamp: time, metrics });
    }
    this.#born = true;
  }

  #publish(topic: string, payload: Omit<UPayload, 'seq'>): void {
    const seq = this.#seq;
    this.#seq = (this.#seq + 1) % 256;
    this.#client.publish(topic, Buffer.from(encodePayload({ ...payload, seq })), { qos: 0 });
  }

  #command(topic: string, payload: Buffer): void {
    if (topic !== this.topic('NCMD')) return;
    try {
      const rebirth = decodePayload(payload).metrics?.some(
        (metric) => metric.name === REBIRTH && metric.value === true,
      );
      if (rebirth && this.#born) this.#publishBirths();
    } catch (error) {
      this.#logger?.warn({ err: error, topic }, 'ignoring an NCMD that does not decode');
    }
  }
}

/** Resolves on the first CONNACK; a refused or failed first connection ends the client. */
export function firstConnect(client: MqttClient, url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const fail = (error?: Error) => {
      client.removeListener('connect', succeed);
      client.end(true);
      reject(new Error(`cannot reach the MQTT broker at ${url}`, { cause: error }));
    };
    const succeed = () => {
      client.removeListener('error', fail);
      client.removeListener('close', fail);
      resolve();
    };
    client.once('connect', succeed);
    client.once('error', fail);
    client.once('close', fail);
  });
}

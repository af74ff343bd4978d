import { randomUUID } from 'node:crypto';
import {
  SITE_PROTOCOLS,
  sparkplugDevice,
  unsTopic,
  type PlantEquipment,
} from '@plantgraph/demo-catalog';
import type { Logger } from '@plantgraph/config';
import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import type { Machine } from './machine.ts';
import { createMachines, siteEquipment } from './plant.ts';
import { SparkplugEdgeNode, firstConnect } from './sparkplug.ts';
import { UnsOrderInterface } from './uns-orders.ts';

/** Where and how `startMqttSimulator` publishes. */
export interface MqttSimulatorOptions {
  /** Broker URL, e.g. `mqtt://127.0.0.1:1884`. */
  url: string;
  /** Defaults to the Lyon site; every item must be mapped to sparkplug or uns-json. */
  equipment?: readonly PlantEquipment[];
  seed?: number;
  tickMs?: number;
  speed?: number;
  /** Appended to the Sparkplug group id (`Lyon` + suffix), so test runs do not meet. */
  sparkplugGroupSuffix?: string;
  /** Put in front of every UNS topic (`<prefix>acme/lyon/...`), so test runs do not meet. */
  unsPrefix?: string;
  /** UNS messages are retained so a new subscriber gets the current values at once. */
  unsRetain?: boolean;
  /** Extra mqtt.js options for every connection, e.g. username and password. */
  client?: IClientOptions;
  logger?: Logger;
}

/** How `MqttSimulator.close` ends the connections. */
export interface CloseOptions {
  /** Drop the connections without DISCONNECT, as a crash would: the broker sends NDEATH wills. */
  abrupt?: boolean;
}

/** A running MQTT simulator. */
export interface MqttSimulator {
  machines: Machine[];
  edgeNodes: SparkplugEdgeNode[];
  /** Publishes anything (QoS 1), e.g. malformed payloads for connector tests. */
  publishRaw(topic: string, payload: string | Buffer): Promise<void>;
  close(options?: CloseOptions): Promise<void>;
}

type MqttProtocol = 'sparkplug' | 'uns-json';

function protocolOf(equipment: PlantEquipment): MqttProtocol {
  const site = SITE_PROTOCOLS[equipment.site.name] ?? {};
  const protocol = site[equipment.area.name] ?? site['*'];
  if (protocol === 'sparkplug' || protocol === 'uns-json') return protocol;
  throw new Error(`${equipment.asset.path} is not published over MQTT (${protocol ?? 'unmapped'})`);
}

/**
 * Publishes machines over MQTT as SITE_PROTOCOLS says: areas mapped to `sparkplug` become
 * Sparkplug B edge nodes, areas mapped to `uns-json` publish `{"value", "timestamp"}` to their
 * UNS topics and take orders on `<equipment topic>/order/download` (`UnsOrderInterface`). Both
 * report by exception: a metric goes out when its value changed.
 */
export async function startMqttSimulator(options: MqttSimulatorOptions): Promise<MqttSimulator> {
  const { url, logger } = options;
  const equipment = options.equipment ?? siteEquipment('Lyon');
  const machines = createMachines(equipment, { seed: options.seed, speed: options.speed });
  const sparkplug = machines.filter((machine) => protocolOf(machine.equipment) === 'sparkplug');
  const uns = machines.filter((machine) => protocolOf(machine.equipment) === 'uns-json');

  const client = connect(url, {
    clientId: `plantgraph-sim-uns-${randomUUID().slice(0, 8)}`,
    reconnectPeriod: 1000,
    ...options.client,
  });
  await firstConnect(client, url);
  const orders = new UnsOrderInterface(client, uns, options);
  client.on('message', (topic, payload) => orders.receive(topic, payload));
  await orders.subscribe().catch((error: unknown) => {
    client.end(true);
    throw error;
  });
  const connecting = await Promise.allSettled(
    groupBy(sparkplug, (machine) => {
      const { group, edgeNode } = sparkplugDevice(machine.equipment.asset.path);
      return `${group}${options.sparkplugGroupSuffix ?? ''}/${edgeNode}`;
    }).map(([key, members]) => {
      const [group = '', edgeNode = ''] = key.split('/');
      const node = { url, group, edgeNode, machines: members, client: options.client, logger };
      return SparkplugEdgeNode.connect(node);
    }),
  );
  const edgeNodes = connecting.flatMap((result) =>
    result.status === 'fulfilled' ? [result.value] : [],
  );
  const failed = connecting.find((result) => result.status === 'rejected');
  if (failed) {
    await Promise.all(edgeNodes.map((node) => node.close(true)));
    client.end(true);
    throw failed.reason;
  }
  const unsPublisher = new UnsPublisher(client, uns, options);
  unsPublisher.publishChanges();

  const timer = setInterval(() => {
    const now = Date.now();
    for (const machine of machines) machine.step(now);
    for (const node of edgeNodes) node.publishChanges();
    unsPublisher.publishChanges();
    orders.publishProgress();
  }, options.tickMs ?? 1000);
  logger?.info(
    { url, edgeNodes: edgeNodes.length, unsMachines: uns.length },
    'MQTT simulator publishing',
  );

  let closing: Promise<void> | undefined;
  const shutDown = async ({ abrupt = false }: CloseOptions) => {
    clearInterval(timer);
    await Promise.all(edgeNodes.map((node) => node.close(abrupt)));
    if (abrupt) client.end(true);
    else await client.endAsync();
  };
  return {
    machines,
    edgeNodes,
    publishRaw: async (topic, payload) => {
      await client.publishAsync(topic, payload, { qos: 1 });
    },
    close: (closeOptions = {}) => {
      closing ??= shutDown(closeOptions);
      return closing;
    },
  };
}

class UnsPublisher {
  #client: MqttClient;
  #points: { machine: Machine; name: string; topic: string }[];
  #published = new Map<string, unknown>();
  #retain: boolean;
  #logger: Logger | undefined;

  constructor(client: MqttClient, machines: readonly Machine[], options: MqttSimulatorOptions) {
    this.#client = client;
    this.#retain = options.unsRetain ?? true;
    this.#logger = options.logger;
    this.#points = machines.flatMap((machine) =>
      machine.points.map((point) => ({
        machine,
        name: point.name,
        topic: (options.unsPrefix ?? '') + unsTopic(machine.equipment.asset.path, point.name),
      })),
    );
  }

  publishChanges(): void {
    for (const { machine, name, topic } of this.#points) {
      const value = machine.read(name);
      if (this.#published.get(topic) === value) continue;
      this.#published.set(topic, value);
      const payload = JSON.stringify({ value, timestamp: machine.time.getTime() });
      this.#client.publish(topic, payload, { qos: 1, retain: this.#retain }, (error) => {
        if (error) this.#logger?.warn({ err: error, topic }, 'UNS publish failed');
      });
    }
  }
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): [string, T[]][] {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return [...groups];
}

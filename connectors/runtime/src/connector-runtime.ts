import { join } from 'node:path';
import type { EventBus } from '@plantgraph/bus';
import type { Logger } from '@plantgraph/config';
import type { Sql } from '@plantgraph/db';
import {
  createSignalMapper,
  discoverTag,
  HealthReporter,
  IngestWriter,
  resolvePlantConfig,
  type AssetPlace,
  type Connector,
  type MqttConnectionConfig,
  type PlantSignalMapper,
  type PlantConfig,
  type ResolvedPlantConfig,
  type SignalMapper,
} from '@plantgraph/ingest';
import { startMqttConnector, type SparkplugDeath } from '@plantgraph/mqtt-connector';
import { startOpcuaConnector } from '@plantgraph/opcua-connector';
import { DeadLetterReplayer } from './dead-letter-replay.ts';
import { EventPublisher } from './event-publisher.ts';
import { openDownloadTargets } from './orders/download-targets.ts';
import { OrderDispatcher } from './orders/order-dispatcher.ts';
import { lockSpool } from './spool-lock.ts';

export interface ConnectorRuntimeOptions {
  sql: Sql;
  config: PlantConfig;
  /** The platform's MQTT bus; MQTT connections without a URL of their own use it. */
  busUrl?: string;
  /** The OPC UA client certificate lives under `<dataDir>/opcua-pki`; the spool by default too. */
  dataDir: string;
  /**
   * Spool of batches the database could not take yet (default `<dataDir>/spool`). It belongs to
   * this runtime alone: a second one on the same directory refuses to start (see `lockSpool`).
   */
  spoolDir?: string;
  logger: Logger;
  /** How often connection health is written for the graph (default 5 s). */
  healthIntervalMs?: number;
  /** Where every stored change is published as an event (the platform's event bus). */
  events?: EventBus;
  /** How often order downloads and running orders are looked at besides bus wake-ups. */
  orderPollMs?: number;
}

export interface ConnectorRuntime {
  writer: IngestWriter;
  health: HealthReporter;
  mapper: SignalMapper;
  connectors: Connector[];
  orders: OrderDispatcher;
  close(): Promise<void>;
}

/**
 * Starts every configured connection into one ingest pipeline: resolves the mappings against the
 * asset model, starts the batched writer (spooling while the database is away), the connectors,
 * health reporting and dead-letter replay. A connection that cannot reach its server keeps
 * retrying; it never stops the others.
 */
export async function startConnectors(options: ConnectorRuntimeOptions): Promise<ConnectorRuntime> {
  const { sql, config, logger } = options;
  const resolved = await resolvePlantConfig(sql, config);
  const mapper = createSignalMapper(resolved);
  const events = options.events && new EventPublisher(options.events, logger);
  const spoolDir = options.spoolDir ?? join(options.dataDir, 'spool');
  const spoolLock = await lockSpool(spoolDir);
  const writer = new IngestWriter({
    sql,
    spoolDir,
    logger,
    onWritten: events && ((records) => events.publish(records)),
  });
  await writer.start();
  const health = new HealthReporter({ sql, writer, logger });

  const missingBroker = config.connections.find((c) => c.kind === 'mqtt' && !c.url);
  if (missingBroker && !options.busUrl) {
    throw new Error(
      `Connection "${missingBroker.id}" has no url: set MQTT_URL (the platform's broker) or give it a url.`,
    );
  }
  const busUrl = options.busUrl ?? '';
  const connectors: Connector[] = [];
  for (const connection of config.connections) {
    const connectionHealth = health.connection(connection.id, {
      kind: connection.kind,
      endpoint: connection.kind === 'opcua' ? connection.endpoint : (connection.url ?? busUrl),
    });
    const connectorLogger = logger.child({ connection: connection.id });
    if (connection.kind === 'opcua') {
      connectors.push(
        await startOpcuaConnector({
          connection,
          mapper,
          sink: writer,
          health: connectionHealth,
          logger: connectorLogger,
          // The client certificate must outlive reboots: servers trust it once, by thumbprint.
          pkiFolder: join(options.dataDir, 'opcua-pki'),
        }),
      );
      continue;
    }
    connectors.push(
      await startMqttConnector({
        connection,
        brokerUrl: busUrl,
        mapper,
        sink: writer,
        health: connectionHealth,
        logger: connectorLogger,
        discover:
          connection.discovery || connection.format === 'umh'
            ? async (address: string, value?: unknown) =>
                (await discoverTag(sql, mapper, connection.id, address, value)) !== null
            : undefined,
        onDeviceOffline: (device, time, cause) =>
          markOffline(writer, mapper, resolved, connection, device, time, cause, logger),
      }),
    );
  }
  health.reportEvery(options.healthIntervalMs ?? 5000);
  const replayer = new DeadLetterReplayer({ sql, config, mapper, sink: writer, logger });
  replayer.start();
  const downloads = await openDownloadTargets(sql, config, connectors, busUrl);
  const orders = new OrderDispatcher({
    sql,
    events: options.events,
    logger,
    targets: downloads.targets,
    pollMs: options.orderPollMs,
  });
  await orders.start();

  return {
    writer,
    health,
    mapper,
    connectors,
    orders,
    async close() {
      await orders.stop();
      await downloads.close();
      replayer.stop();
      await Promise.allSettled(connectors.map((connector) => connector.close()));
      await writer.close();
      await health.close();
      await spoolLock.release();
    },
  };
}

/**
 * Sparkplug NDEATH/DDEATH: every asset mapped to the dead node (or device) goes OFFLINE, which is
 * how a plant's state model shows a lost edge connection.
 */
function markOffline(
  writer: IngestWriter,
  mapper: PlantSignalMapper,
  resolved: ResolvedPlantConfig,
  connection: MqttConnectionConfig,
  device: { group: string; edgeNode: string; device?: string },
  time: Date,
  reason: SparkplugDeath,
  logger: Logger,
): void {
  const assets = assetsOfSparkplugDevice(resolved, connection.id, device);
  if (assets.length === 0) return;
  for (const { assetId } of assets) mapper.noteState(assetId, 'OFFLINE', reason);
  writer
    .write(assets.map((asset) => ({ kind: 'state', ...asset, time, state: 'OFFLINE', reason })))
    .catch((error: unknown) => logger.error({ err: error }, 'could not record OFFLINE state'));
}

/** Assets whose mappings read from a Sparkplug edge node (every device) or one device of it. */
function assetsOfSparkplugDevice(
  resolved: ResolvedPlantConfig,
  connectionId: string,
  device: { group: string; edgeNode: string; device?: string },
): AssetPlace[] {
  const mappings = [...resolved.tags, ...resolved.states, ...resolved.counters, ...resolved.alarms];
  const assets = mappings
    .filter((mapping) => mapping.connection === connectionId && 'sparkplug' in mapping.source)
    .filter((mapping) => {
      const source = (mapping.source as { sparkplug: typeof device }).sparkplug;
      return (
        source.group === device.group &&
        source.edgeNode === device.edgeNode &&
        (device.device === undefined || source.device === device.device)
      );
    })
    .map((mapping): [string, AssetPlace] => [
      mapping.assetId,
      { assetId: mapping.assetId, assetPath: mapping.asset },
    ]);
  return [...new Map(assets).values()];
}

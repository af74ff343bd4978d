import { join } from 'node:path';
import type { EventBus } from '@plantgraph/bus';
import type { Logger } from '@plantgraph/config';
import type { Sql } from '@plantgraph/db';
import { canonicalJson } from '@plantgraph/integration-domain';
import {
  attributedSink,
  createSignalMapper,
  discoverTag,
  HealthReporter,
  IngestWriter,
  resolvePlantConfig,
  type AssetPlace,
  type ConnectionConfig,
  type Connector,
  type MqttConnectionConfig,
  type PlantSignalMapper,
  type PlantConfig,
  type ResolvedPlantConfig,
  type SignalMapper,
} from '@plantgraph/ingest';
import { startMqttConnector, type SparkplugDeath } from '@plantgraph/mqtt-connector';
import { startOpcuaConnector, type OpcuaConnector } from '@plantgraph/opcua-connector';
import {
  acknowledgeFromSource,
  ConditionAcknowledger,
  eventMappingsOf,
  openEventAlarms,
} from './alarm-conditions.ts';
import { ConfigFollower, type ConfigFollowing } from './config-follower.ts';
import { DeadLetterReplayer } from './dead-letter-replay.ts';
import { EventPublisher } from './event-publisher.ts';
import type { OrderDispatcher } from './orders/order-dispatcher.ts';
import { RunningDownloads } from './orders/running-downloads.ts';
import { lastStoredTimes } from './last-stored.ts';
import { lockSpool } from './spool-lock.ts';

export interface ConnectorRuntimeOptions {
  sql: Sql;
  /** The configuration to start with. */
  config: PlantConfig;
  /** The stored version `config` was made from (docs/connectors.md); null or unset when none. */
  configVersion?: number | null;
  /**
   * Follow the stored versions: each new one is prepared (environment references, partition)
   * and reconciled while running. Unset: `config` runs until close.
   */
  follow?: ConfigFollowing;
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
  /** The running connectors, one per connection. */
  readonly connectors: Connector[];
  /** The dispatcher of the order downloads running now; a reconciliation may replace it. */
  readonly orders: OrderDispatcher;
  /** The stored version running; null for a configuration that is not a stored version. */
  readonly configVersion: number | null;
  /**
   * Runs another configuration: mappings change in place (unchanged ones keep what they
   * remember), OPC UA monitored items are added and removed on the running session, a connection
   * whose settings changed reconnects, added or removed connections start or stop, and changed
   * order downloads are opened anew. Calls are taken one at a time. A configuration that does not
   * resolve (an asset path) throws and leaves the running one in place.
   */
  reconcile(config: PlantConfig, version: number | null): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts every configured connection into one ingest pipeline: resolves the mappings against the
 * asset model, starts the batched writer (spooling while the database is away), the connectors,
 * health reporting and dead-letter replay. A connection that cannot reach its server keeps
 * retrying; it never stops the others. With `follow`, new stored versions are reconciled as they
 * are applied.
 */
export async function startConnectors(options: ConnectorRuntimeOptions): Promise<ConnectorRuntime> {
  const { sql, config, logger } = options;
  const resolved = await resolvePlantConfig(sql, config);
  requireBroker(config, options.busUrl);
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
  const connections = new RunningConnections({
    sql,
    mapper,
    writer,
    health,
    logger,
    busUrl: options.busUrl ?? '',
    dataDir: options.dataDir,
    resolved,
  });
  for (const connection of config.connections) await connections.start(connection);
  const replayer = new DeadLetterReplayer({ sql, config, mapper, sink: writer, logger });
  stampVersion({ writer, health }, options.configVersion ?? null);
  health.reportEvery(options.healthIntervalMs ?? 5000);
  replayer.start();
  const downloads = await RunningDownloads.start(
    {
      sql,
      events: options.events,
      logger,
      busUrl: options.busUrl ?? '',
      pollMs: options.orderPollMs,
      connectors: () => connections.handles(),
    },
    config,
  );
  const running = new RunningConfig({
    sql,
    mapper,
    writer,
    health,
    connections,
    replayer,
    downloads,
    logger,
  });
  running.setVersion(options.configVersion ?? null);
  const conditionAcks =
    options.events &&
    new ConditionAcknowledger({
      sql,
      events: options.events,
      logger,
      connectors: () => connections.list(),
      resolved: () => connections.context.resolved,
    });
  await conditionAcks?.start();
  const follower =
    options.follow &&
    new ConfigFollower({ sql, logger, following: options.follow, running }).start(
      options.configVersion ?? 0,
    );

  return {
    writer,
    health,
    mapper,
    get connectors() {
      return connections.list();
    },
    get orders() {
      return downloads.dispatcher;
    },
    get configVersion() {
      return running.version;
    },
    reconcile: (next, version) => running.reconcile(next, version),
    async close() {
      await follower?.stop();
      await conditionAcks?.stop();
      await downloads.close();
      replayer.stop();
      await connections.closeAll();
      await writer.close();
      await health.close();
      await spoolLock.release();
    },
  };
}

function requireBroker(config: PlantConfig, busUrl: string | undefined): void {
  const missingBroker = config.connections.find((c) => c.kind === 'mqtt' && !c.url);
  if (missingBroker && !busUrl) {
    throw new Error(
      `Connection "${missingBroker.id}" has no url: set MQTT_URL (the platform's broker) or give it a url.`,
    );
  }
}

interface ConnectionsContext {
  sql: Sql;
  mapper: PlantSignalMapper;
  writer: IngestWriter;
  health: HealthReporter;
  logger: Logger;
  busUrl: string;
  dataDir: string;
  /** The resolved configuration running; Sparkplug deaths look up their assets in it. */
  resolved: ResolvedPlantConfig;
}

/** Settings equal as JSON, whatever the key order. */
const sameSettings = (a: ConnectionConfig, b: ConnectionConfig): boolean =>
  canonicalJson(a) === canonicalJson(b);

/**
 * The connectors of the running configuration, by connection id, and a stable handle per
 * connection for order downloads, which outlives a reconnect with new settings.
 */
class RunningConnections {
  readonly #running = new Map<string, { connection: ConnectionConfig; connector: Connector }>();

  constructor(readonly context: ConnectionsContext) {}

  list(): Connector[] {
    return [...this.#running.values()].map((entry) => entry.connector);
  }

  /** Handles that reach whichever connector runs the connection at the time of the call. */
  handles(): Connector[] {
    return [...this.#running.keys()].map((connectionId) => {
      const current = () => this.#running.get(connectionId)?.connector;
      const handle: Connector & Pick<OpcuaConnector, 'withSession'> = {
        connectionId,
        withSession: (action) => {
          const connector = current();
          if (!connector || !('withSession' in connector)) {
            return Promise.reject(new Error(`connection "${connectionId}" is not running`));
          }
          return (connector as OpcuaConnector).withSession(action);
        },
        close: async () => {},
      };
      return handle;
    });
  }

  /** Brings the connectors in line with `connections` after the mapper was reconciled. */
  async reconcile(connections: readonly ConnectionConfig[]): Promise<void> {
    const wanted = new Map(connections.map((connection) => [connection.id, connection]));
    for (const [id, { connector }] of this.#running) {
      if (wanted.has(id)) continue;
      await connector.close();
      this.#running.delete(id);
      this.context.health.forget(id);
      this.context.logger.info({ connection: id }, 'connection removed');
    }
    for (const connection of connections) {
      const entry = this.#running.get(connection.id);
      if (!entry) await this.start(connection);
      else if (!sameSettings(entry.connection, connection)) {
        this.context.logger.info({ connection: connection.id }, 'settings changed; reconnecting');
        await entry.connector.close();
        await this.start(connection);
      } else await entry.connector.refresh?.();
    }
  }

  async start(connection: ConnectionConfig): Promise<void> {
    const { sql, mapper, writer, health, logger, busUrl, dataDir } = this.context;
    const connectionHealth = health.connection(connection.id, {
      kind: connection.kind,
      endpoint: connection.kind === 'opcua' ? connection.endpoint : (connection.url ?? busUrl),
    });
    const connectorLogger = logger.child({ connection: connection.id });
    // Stored records and their lag are counted per connection on /metrics.
    const sink = attributedSink(writer, connection.id);
    const connector =
      connection.kind === 'opcua'
        ? this.#watchConditions(
            startOpcuaConnector({
              connection,
              mapper,
              sink,
              health: connectionHealth,
              logger: connectorLogger,
              // The client certificate must outlive reboots: servers trust it once, by thumbprint.
              pkiFolder: join(dataDir, 'opcua-pki'),
              eventMappings: () => eventMappingsOf(this.context.resolved, connection.id),
              openAlarms: (assetIds) =>
                openEventAlarms(sql, this.context.resolved, connection.id, assetIds),
              lastStored: (addresses) => lastStoredTimes(sql, mapper, connection.id, addresses),
            }),
          )
        : await startMqttConnector({
            connection,
            brokerUrl: busUrl,
            mapper,
            sink,
            health: connectionHealth,
            logger: connectorLogger,
            discover:
              connection.discovery || connection.format !== 'uns-json'
                ? async (address, value, birth) =>
                    (await discoverTag(sql, mapper, connection.id, address, value, birth)) !== null
                : undefined,
            onDeviceOffline: (device, time, cause) =>
              markOffline(
                writer,
                mapper,
                this.context.resolved,
                connection,
                device,
                time,
                cause,
                logger,
              ),
          });
    this.#running.set(connection.id, { connection, connector });
  }

  /** Acknowledgements the server reports are stored through the alarms domain. */
  #watchConditions(connector: OpcuaConnector): OpcuaConnector {
    const { sql, writer, logger } = this.context;
    connector.on('conditionAcknowledged', (ack) => {
      acknowledgeFromSource(sql, writer, connector.connectionId, ack).catch((error: unknown) =>
        logger.error({ err: error, connection: connector.connectionId }, 'storing an OPC UA ack'),
      );
    });
    return connector;
  }

  async closeAll(): Promise<void> {
    await Promise.allSettled(this.list().map((connector) => connector.close()));
    this.#running.clear();
  }
}

interface RunningConfigParts {
  sql: Sql;
  mapper: PlantSignalMapper;
  writer: IngestWriter;
  health: HealthReporter;
  connections: RunningConnections;
  replayer: DeadLetterReplayer;
  downloads: RunningDownloads;
  logger: Logger;
}

/** The version dead letters and health reports carry. */
function stampVersion(
  parts: Pick<RunningConfigParts, 'writer' | 'health'>,
  version: number | null,
): void {
  parts.writer.configVersion = version;
  parts.health.configVersion = version;
}

/** The configuration version running, and the one way to change it. */
class RunningConfig {
  version: number | null = null;
  #queue: Promise<void> = Promise.resolve();

  constructor(private readonly parts: RunningConfigParts) {}

  setVersion(version: number | null): void {
    this.version = version;
    stampVersion(this.parts, version);
  }

  reconcile(config: PlantConfig, version: number | null): Promise<void> {
    const run = this.#queue.then(() => this.#reconcile(config, version));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #reconcile(config: PlantConfig, version: number | null): Promise<void> {
    const { sql, mapper, connections, replayer, downloads, logger } = this.parts;
    const resolved = await resolvePlantConfig(sql, config);
    requireBroker(config, connections.context.busUrl || undefined);
    await downloads.check(config);
    mapper.reconcile(resolved);
    connections.context.resolved = resolved;
    replayer.useConfig(config);
    this.setVersion(version);
    await connections.reconcile(config.connections);
    await downloads.reconcile(config);
    logger.info({ version, connections: config.connections.length }, 'configuration reconciled');
  }
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
  const dead = (source: { group: string; edgeNode: string; device?: string }) =>
    source.group === device.group &&
    source.edgeNode === device.edgeNode &&
    (device.device === undefined || source.device === device.device);
  const mappings = [...resolved.tags, ...resolved.states, ...resolved.counters, ...resolved.alarms];
  const mapped = mappings
    .filter((mapping) => mapping.connection === connectionId && 'sparkplug' in mapping.source)
    .filter((mapping) => dead((mapping.source as { sparkplug: typeof device }).sparkplug))
    .map((mapping): [string, AssetPlace] => [
      mapping.assetId,
      { assetId: mapping.assetId, assetPath: mapping.asset },
    ]);
  // An asset bound for discovery alone has no mapping but is fed by the device all the same.
  const discovered = (resolved.sparkplugDiscovery ?? [])
    .filter((binding) => binding.connection === connectionId && dead(binding))
    .map((binding): [string, AssetPlace] => [
      binding.assetId,
      { assetId: binding.assetId, assetPath: binding.asset },
    ]);
  return [...new Map([...mapped, ...discovered]).values()];
}

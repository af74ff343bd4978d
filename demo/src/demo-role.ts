import { resolve } from 'node:path';
import { DEFAULT_BUS_PREFIX, EventBus, startEmbeddedBroker } from '@plantgraph/bus';
import { createLogger, port, uniqueClientId } from '@plantgraph/config';
import {
  callerDirectory,
  dataDir,
  defineRole,
  embeddedOrDatabaseUrl,
  listenHost,
  listenPort,
  mqttUrl,
} from '@plantgraph/service';
import { startConnectors, storedConfig } from '@plantgraph/connector-runtime';
import { openDatabase } from '@plantgraph/db';
import { createPrismaClient } from '@plantgraph/db/prisma';
import { demoPlantConfig } from '@plantgraph/demo-catalog';
import {
  exportEnvironment,
  exportFromEnvironment,
  limitsEnvironment,
  limitsFromEnvironment,
} from '@plantgraph/gateway';
import { metricsRegistry, preparePlantConfig, readPlantConfigDocument } from '@plantgraph/ingest';
import { startMqttSimulator, startOpcuaSimulator } from '@plantgraph/simulator';
import { z } from 'zod';
import type { Logger } from '@plantgraph/config';
import { ensureDemoKeys } from './demo-keys.ts';
import { startPlant } from './plant.ts';
import { seedIfEmpty } from './seed.ts';

/** Resources in start order; closed in reverse, also when a later start step fails. */
class Resources {
  readonly #closers: (() => Promise<unknown>)[] = [];

  constructor(private readonly logger: Logger) {}

  add<T extends { close(): Promise<unknown> }>(resource: T): T {
    this.#closers.push(() => resource.close());
    return resource;
  }

  async close(): Promise<void> {
    for (const close of this.#closers.reverse()) {
      await close().catch((error: unknown) => this.logger.warn({ err: error }, 'close failed'));
    }
  }
}

export const demoEnvironment = {
  PORT: listenPort(4000).describe('gateway HTTP port'),
  HOST: listenHost('0.0.0.0'),
  PLANTGRAPH_SUBGRAPH_PORTS_FROM: port(4001).describe('first of the five subgraph ports'),
  DATABASE_URL: embeddedOrDatabaseUrl(),
  MQTT_URL: mqttUrl().describe('external broker; unset = embedded broker on MQTT_PORT'),
  MQTT_PORT: port(1884).describe('port of the embedded broker'),
  PLANTGRAPH_OPCUA_PORT: port(4840).describe('port of the simulated OPC UA server'),
  PLANTGRAPH_CONFIG: z
    .string()
    .optional()
    .describe('connections and mappings file; unset = the demo plant'),
  PLANTGRAPH_SIMULATOR: z.enum(['on', 'off']).default('on').describe('run the plant simulator'),
  PLANTGRAPH_SIMULATOR_SPEED: z.coerce
    .number()
    .positive()
    .default(60)
    .describe('plant seconds per real second'),
  PLANTGRAPH_BUS_PREFIX: z
    .string()
    .min(1)
    .default(DEFAULT_BUS_PREFIX)
    .describe('topic prefix of the event bus'),
  PLANTGRAPH_DATA_DIR: dataDir(),
  ...limitsEnvironment,
  ...exportEnvironment,
};

type DemoConfig = z.infer<z.ZodObject<typeof demoEnvironment>>;

/**
 * The plant in a box, in one process: embedded database (seeded on first start), MQTT broker,
 * the plant simulator (OPC UA for Dresden, Sparkplug B and UNS JSON for Lyon), the connectors
 * feeding the database, five subgraphs and the gateway. One process because the embedded
 * database is in-process only.
 */
export const demoRole = defineRole({
  name: 'demo',
  environment: demoEnvironment,
  async start(config) {
    const logger = createLogger('plantgraph');
    const resources = new Resources(logger);
    try {
      await startDemo(config, resources, logger);
    } catch (error) {
      await resources.close();
      throw error;
    }
    return resources;
  },
});

/** The simulator as the stored demo configuration names it: this process's, by default. */
const DEMO_OPCUA_ENDPOINT = '${PLANTGRAPH_OPCUA_ENDPOINT:-opc.tcp://127.0.0.1:4840/plantgraph}';

async function startDemo(config: DemoConfig, resources: Resources, logger: Logger): Promise<void> {
  const dataDir = config.PLANTGRAPH_DATA_DIR;
  const opcuaEndpoint = `opc.tcp://127.0.0.1:${config.PLANTGRAPH_OPCUA_PORT}/plantgraph`;
  // The demo plant's configuration names the simulator through a reference, so the stored version
  // runs against whichever port this process gives it.
  const seed = config.PLANTGRAPH_CONFIG
    ? {
        document: readPlantConfigDocument(resolve(callerDirectory(), config.PLANTGRAPH_CONFIG)),
        origin: config.PLANTGRAPH_CONFIG,
        mode: 'desired' as const,
      }
    : {
        document: demoPlantConfig({ opcuaEndpoint: DEMO_OPCUA_ENDPOINT }),
        origin: 'the demo plant',
        mode: 'initial' as const,
      };
  const env = { ...process.env, PLANTGRAPH_OPCUA_ENDPOINT: opcuaEndpoint };
  const prepare = (document: unknown, version: number) =>
    preparePlantConfig(document, `configuration version ${version}`, env);

  const database = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir });
  resources.add(database.sql);
  logger.info(
    { storage: database.capabilities, migrated: database.newlyApplied },
    'database ready',
  );
  const seeded = await seedIfEmpty(database.sql, { size: 'demo' });
  if (seeded) logger.info(seeded, 'demo plant seeded');
  const prisma = await createPrismaClient(database.sql);
  resources.add({ close: () => prisma.$disconnect() });

  const busUrl =
    config.MQTT_URL ??
    resources.add(await startEmbeddedBroker({ port: config.MQTT_PORT, portVariable: 'MQTT_PORT' }))
      .url;
  if (config.PLANTGRAPH_SIMULATOR === 'on') {
    const speed = config.PLANTGRAPH_SIMULATOR_SPEED;
    resources.add(await startOpcuaSimulator({ port: config.PLANTGRAPH_OPCUA_PORT, speed, logger }));
    resources.add(await startMqttSimulator({ url: busUrl, speed, logger }));
  }
  const events = resources.add(
    await EventBus.connect({
      url: busUrl,
      clientId: uniqueClientId('plantgraph-events'),
      prefix: config.PLANTGRAPH_BUS_PREFIX,
    }),
  );
  const started = await storedConfig(database.sql, { seed, prepare, logger });
  resources.add(
    await startConnectors({
      sql: database.sql,
      config: started.config,
      configVersion: started.version,
      follow: { prepare },
      busUrl,
      dataDir,
      logger,
      events,
    }),
  );

  const plant = resources.add(
    await startPlant({
      services: { sql: database.sql, prisma, capabilities: database.capabilities, logger, events },
      port: config.PORT,
      host: config.HOST,
      subgraphPortsFrom: config.PLANTGRAPH_SUBGRAPH_PORTS_FROM,
      ...limitsFromEnvironment(config),
      ...exportFromEnvironment(config),
      registries: [metricsRegistry],
    }),
  );
  const keys = await ensureDemoKeys(database.sql, dataDir);
  const width = Math.max(...Object.keys(keys).map((role) => role.length));
  console.log(`\n  Plantgraph ready at ${plant.url}\n`);
  console.log('  Demo API keys (send "Authorization: Bearer <key>"; kept in the data directory):');
  for (const [role, key] of Object.entries(keys)) console.log(`    ${role.padEnd(width)}  ${key}`);
  console.log('');
}

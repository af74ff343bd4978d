import { resolve } from 'node:path';
import { DEFAULT_BUS_PREFIX, EventBus, startEmbeddedBroker } from '@plantgraph/bus';
import {
  closeOnSignals,
  createLogger,
  exitOnStartupError,
  loadConfig,
  optionalUrl,
  port,
} from '@plantgraph/config';
import { startConnectors } from '@plantgraph/connectors';
import { openDatabase } from '@plantgraph/db';
import { createPrismaClient } from '@plantgraph/db/prisma';
import { demoPlantConfig } from '@plantgraph/demo-catalog';
import { limitsEnvironment, limitsFromEnvironment } from '@plantgraph/gateway';
import { loadPlantConfig, metricsRegistry, parsePlantConfig } from '@plantgraph/ingest';
import { startMqttSimulator, startOpcuaSimulator } from '@plantgraph/plant-simulator';
import { z } from 'zod';
import { ensureDemoKeys } from './demo-keys.ts';
import { startPlant } from './plant.ts';
import { seedIfEmpty } from './seed.ts';

const logger = createLogger('plantgraph');

/** Resources in start order; closed in reverse, also when a later start step fails. */
class Resources {
  readonly #closers: (() => Promise<unknown>)[] = [];

  add<T extends { close(): Promise<unknown> }>(resource: T): T {
    this.#closers.push(() => resource.close());
    return resource;
  }

  async close(): Promise<void> {
    for (const close of this.#closers.reverse()) {
      await close().catch((error: unknown) => logger.warn({ err: error }, 'close failed'));
    }
  }
}

/**
 * The plant in a box: embedded database (seeded on first start), MQTT broker, the plant simulator
 * (OPC UA for Dresden, Sparkplug B and UNS JSON for Lyon), the connectors feeding the database,
 * five subgraphs and the gateway.
 */
async function main(resources: Resources): Promise<void> {
  const config = loadConfig({
    PORT: port(4000),
    HOST: z.string().default('0.0.0.0'),
    PLANTGRAPH_SUBGRAPH_PORTS_FROM: port(4001),
    DATABASE_URL: optionalUrl(),
    MQTT_URL: z
      .string()
      .regex(/^mqtts?:\/\//, 'must start with mqtt:// or mqtts://')
      .optional(),
    MQTT_PORT: port(1884),
    PLANTGRAPH_OPCUA_PORT: port(4840),
    PLANTGRAPH_CONFIG: z.string().optional(),
    PLANTGRAPH_SIMULATOR: z.enum(['on', 'off']).default('on'),
    PLANTGRAPH_SIMULATOR_SPEED: z.coerce.number().positive().default(60),
    PLANTGRAPH_BUS_PREFIX: z.string().min(1).default(DEFAULT_BUS_PREFIX),
    PLANTGRAPH_DATA_DIR: z.string().default('.data'),
    ...limitsEnvironment,
  });
  // npm runs workspace scripts inside the workspace; relative paths mean the caller's directory.
  const cwd = process.env.INIT_CWD ?? process.cwd();
  const dataDir = resolve(cwd, config.PLANTGRAPH_DATA_DIR);
  const opcuaEndpoint = `opc.tcp://127.0.0.1:${config.PLANTGRAPH_OPCUA_PORT}/plantgraph`;
  const plantConfig = config.PLANTGRAPH_CONFIG
    ? loadPlantConfig(resolve(cwd, config.PLANTGRAPH_CONFIG))
    : parsePlantConfig(demoPlantConfig({ opcuaEndpoint }), 'the demo plant');

  const database = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir });
  resources.add(database.sql);
  logger.info(
    { storage: database.capabilities, migrated: database.newlyApplied },
    'database ready',
  );
  const seeded = await seedIfEmpty(database.sql, { size: 'demo' });
  if (seeded) logger.info(seeded, 'demo plant seeded');
  const prisma = createPrismaClient(database.sql);
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
      clientId: `plantgraph-events-${process.pid}`,
      prefix: config.PLANTGRAPH_BUS_PREFIX,
    }),
  );
  resources.add(
    await startConnectors({
      sql: database.sql,
      config: plantConfig,
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

const resources = new Resources();
closeOnSignals(logger, () => resources.close());
await main(resources).catch(async (error: unknown) => {
  await resources.close();
  exitOnStartupError(error);
});

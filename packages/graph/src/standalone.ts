import {
  closeOnSignals,
  createLogger,
  exitOnStartupError,
  loadConfig,
  optionalUrl,
  port,
} from '@plantgraph/config';
import { DEFAULT_BUS_PREFIX, EventBus } from '@plantgraph/bus';
import { openDatabase } from '@plantgraph/db';
import { createPrismaClient } from '@plantgraph/db/prisma';
import { z } from 'zod';
import type { SubgraphModule } from './build-subgraph.ts';
import { startSubgraphServer } from './subgraph-server.ts';

/**
 * Runs one subgraph as its own process: validated configuration, database (migrated on start),
 * HTTP server, and a clean shutdown on SIGINT/SIGTERM.
 */
export async function runStandaloneSubgraph(
  subgraph: SubgraphModule,
  defaultPort: number,
): Promise<void> {
  await startStandalone(subgraph, defaultPort).catch(exitOnStartupError);
}

async function startStandalone(subgraph: SubgraphModule, defaultPort: number): Promise<void> {
  const logger = createLogger(`${subgraph.name}-subgraph`);
  const config = loadConfig({
    PORT: port(defaultPort),
    HOST: z.string().default('127.0.0.1'),
    DATABASE_URL: optionalUrl(),
    PLANTGRAPH_DATA_DIR: z.string().default('.data'),
    MQTT_URL: z
      .string()
      .regex(/^mqtts?:\/\//, 'must start with mqtt:// or mqtts://')
      .optional(),
    PLANTGRAPH_BUS_PREFIX: z.string().min(1).default(DEFAULT_BUS_PREFIX),
    // Shared with the gateway, which signs every request with it; nothing else gets in.
    PLANTGRAPH_GATEWAY_SECRET: z.string().min(32, 'must be at least 32 characters'),
  });
  const database = await openDatabase({
    databaseUrl: config.DATABASE_URL,
    dataDir: config.PLANTGRAPH_DATA_DIR,
  });
  const prisma = createPrismaClient(database.sql);
  // Subscriptions follow the event bus; without MQTT_URL they answer SERVICE_UNAVAILABLE.
  const events = config.MQTT_URL
    ? await EventBus.connect({
        url: config.MQTT_URL,
        clientId: `plantgraph-${subgraph.name}-${process.pid}`,
        prefix: config.PLANTGRAPH_BUS_PREFIX,
      })
    : undefined;
  const server = await startSubgraphServer({
    name: subgraph.name,
    schema: await subgraph.buildSchema(),
    services: { sql: database.sql, prisma, capabilities: database.capabilities, logger, events },
    port: config.PORT,
    host: config.HOST,
    gatewaySecret: config.PLANTGRAPH_GATEWAY_SECRET,
  }).catch(async (error: unknown) => {
    await database.sql.close();
    throw error;
  });
  logger.info({ url: server.url, storage: database.capabilities }, 'subgraph ready');

  closeOnSignals(logger, async () => {
    await server.close();
    await events?.close();
    await prisma.$disconnect();
    await database.sql.close();
  });
}

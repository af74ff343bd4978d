import {
  createLogger,
  subgraphRegistration,
  uniqueClientId,
  type SubgraphName,
} from '@plantgraph/config';
import {
  defineRole,
  gatewaySecret,
  listenHost,
  listenPort,
  mqttUrl,
  requiredDatabaseUrl,
} from '@plantgraph/service';
import { DEFAULT_BUS_PREFIX, EventBus } from '@plantgraph/bus';
import { openDatabase } from '@plantgraph/db';
import { createPrismaClient } from '@plantgraph/db/prisma';
import { z } from 'zod';
import type { SubgraphModule } from './build-subgraph.ts';
import { startSubgraphServer } from './subgraph-server.ts';

/** The environment of `plantgraph subgraph <name>`; the default port comes from the registry. */
export const subgraphEnvironment = (name: SubgraphName) => ({
  PORT: listenPort(subgraphRegistration(name).defaultPort),
  // Only the gateway should reach a subgraph; containers set 0.0.0.0 on their private network.
  HOST: listenHost('127.0.0.1'),
  DATABASE_URL: requiredDatabaseUrl(),
  MQTT_URL: mqttUrl().describe(
    'MQTT broker of the event bus; unset = subscriptions answer SERVICE_UNAVAILABLE',
  ),
  PLANTGRAPH_BUS_PREFIX: z
    .string()
    .min(1)
    .default(DEFAULT_BUS_PREFIX)
    .describe('topic prefix of the event bus'),
  PLANTGRAPH_GATEWAY_SECRET: gatewaySecret(),
});

/**
 * One subgraph as its own process: database (migrations are the migrate role's job), event bus,
 * HTTP and WebSocket server with probes.
 */
export const subgraphRole = (subgraph: SubgraphModule) =>
  defineRole({
    name: `subgraph ${subgraph.name}`,
    environment: subgraphEnvironment(subgraph.name as SubgraphName),
    async start(config) {
      const logger = createLogger(`${subgraph.name}-subgraph`);
      const database = await openDatabase({ databaseUrl: config.DATABASE_URL, migrate: 'verify' });
      // Only subgraphs whose writes go through Prisma build a client (docs/architecture.md).
      const prisma = subgraph.usesPrisma ? await createPrismaClient(database.sql) : undefined;
      // Subscriptions follow the event bus; without MQTT_URL they answer SERVICE_UNAVAILABLE.
      const events = config.MQTT_URL
        ? await EventBus.connect({
            url: config.MQTT_URL,
            clientId: uniqueClientId(`plantgraph-${subgraph.name}`),
            prefix: config.PLANTGRAPH_BUS_PREFIX,
          })
        : undefined;
      const server = await startSubgraphServer({
        name: subgraph.name,
        schema: await subgraph.buildSchema(),
        services: {
          sql: database.sql,
          prisma,
          capabilities: database.capabilities,
          logger,
          events,
        },
        port: config.PORT,
        host: config.HOST,
        gatewaySecret: config.PLANTGRAPH_GATEWAY_SECRET,
      }).catch(async (error: unknown) => {
        await events?.close();
        await database.sql.close();
        throw error;
      });
      logger.info({ url: server.url, storage: database.capabilities }, 'subgraph ready');
      return {
        async close() {
          await server.close();
          await events?.close();
          await prisma?.$disconnect();
          await database.sql.close();
        },
      };
    },
  });

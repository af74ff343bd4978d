import { createLogger, SUBGRAPHS } from '@plantgraph/config';
import { openDatabase } from '@plantgraph/db';
import {
  callerDirectory,
  defineRole,
  gatewaySecret,
  listenHost,
  listenPort,
  requiredDatabaseUrl,
} from '@plantgraph/service';
import { resolve } from 'node:path';
import { z } from 'zod';
import { jwtConfig, jwtOptions } from '../authentication.ts';
import { defaultSupergraphPath, loadSupergraphSdl } from '../supergraph.ts';
import { startHiveGateway } from './hive-gateway-server.ts';

// One URL per subgraph: Hive Gateway has no replica list of its own; put a load balancer there.
const subgraphUrl = (name: string) =>
  z
    .preprocess(
      (value) => (value === '' ? undefined : value),
      z
        .string()
        .regex(/^https?:\/\/[^,\s]+$/, 'must be one http(s) URL')
        .optional(),
    )
    .describe(`the ${name} subgraph`);

export const hiveGatewayEnvironment = {
  PORT: listenPort(4000),
  HOST: listenHost('0.0.0.0'),
  DATABASE_URL: requiredDatabaseUrl().describe('PostgreSQL or TimescaleDB: API keys and audit'),
  PLANTGRAPH_GATEWAY_SECRET: gatewaySecret(),
  PLANTGRAPH_SUPERGRAPH: z
    .string()
    .min(1)
    .optional()
    .describe('supergraph SDL file; unset = the one built in'),
  ...Object.fromEntries(SUBGRAPHS.map((entry) => [entry.urlVariable, subgraphUrl(entry.name)])),
  ...jwtConfig,
} as const;

/**
 * The API edge on Hive Gateway instead of @apollo/gateway (docs/deploy.md#other-gateways): the
 * same supergraph, credentials and subgraph signatures, without the Node gateway's limits.
 */
export const hiveGatewayRole = defineRole({
  name: 'hive-gateway',
  environment: hiveGatewayEnvironment,
  async start(config) {
    const logger = createLogger('hive-gateway');
    const env = config as unknown as Record<string, string | undefined>;
    const supergraphSdl = loadSupergraphSdl(
      config.PLANTGRAPH_SUPERGRAPH
        ? resolve(callerDirectory(), config.PLANTGRAPH_SUPERGRAPH)
        : defaultSupergraphPath,
    );
    const jwt = jwtOptions(config);
    const database = await openDatabase({ databaseUrl: config.DATABASE_URL, migrate: 'verify' });
    const server = await startHiveGateway({
      supergraphSdl,
      subgraphUrls: Object.fromEntries(
        SUBGRAPHS.map((entry) => [entry.name, env[entry.urlVariable]]),
      ),
      port: config.PORT,
      host: config.HOST,
      logger,
      gatewaySecret: config.PLANTGRAPH_GATEWAY_SECRET,
      jwt,
      sql: database.sql,
    }).catch(async (error: unknown) => {
      await database.sql.close();
      throw error;
    });
    logger.info({ url: server.url }, 'hive gateway ready');
    return {
      async close() {
        await server.close();
        await database.sql.close();
      },
    };
  },
});

import { createLogger, SUBGRAPHS } from '@plantgraph/config';
import {
  callerDirectory,
  defineRole,
  gatewaySecret,
  listenHost,
  listenPort,
  requiredDatabaseUrl,
} from '@plantgraph/service';
import { openDatabase } from '@plantgraph/db';
import { resolve } from 'node:path';
import { z } from 'zod';
import { jwtConfig, jwtOptions } from './authentication.ts';
import { exportEnvironment, exportFromEnvironment } from './export/export-environment.ts';
import { startGateway } from './gateway-server.ts';
import { limitsEnvironment, limitsFromEnvironment } from './limits/environment.ts';
import { DEFAULT_SUBGRAPH_TIMEOUT_MS } from './subgraph-replicas.ts';
import { defaultSupergraphPath, loadSupergraphSdl } from './supergraph.ts';

const subgraphUrl = (name: string) =>
  z
    .preprocess(
      (value) => (value === '' ? undefined : value),
      z
        .string()
        .regex(
          /^https?:\/\/[^,\s]+(,\s*https?:\/\/[^,\s]+)*$/,
          'must be http(s) URLs, comma-separated',
        )
        .optional(),
    )
    .describe(`the ${name} subgraph; a comma-separated list names its replicas`);

export const gatewayEnvironment = {
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
  PLANTGRAPH_SUBGRAPH_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(100)
    .default(DEFAULT_SUBGRAPH_TIMEOUT_MS)
    .describe('deadline of one subgraph request'),
  ...jwtConfig,
  ...limitsEnvironment,
  ...exportEnvironment,
} as const;

/** The API edge: serves the supergraph over the subgraphs' URLs; it imports no subgraph. */
export const gatewayRole = defineRole({
  name: 'gateway',
  environment: gatewayEnvironment,
  async start(config) {
    const logger = createLogger('gateway');
    const env = config as unknown as Record<string, string | undefined>;
    const supergraphSdl = loadSupergraphSdl(
      config.PLANTGRAPH_SUPERGRAPH
        ? resolve(callerDirectory(), config.PLANTGRAPH_SUPERGRAPH)
        : defaultSupergraphPath,
    );
    const jwt = jwtOptions(config);
    const database = await openDatabase({ databaseUrl: config.DATABASE_URL, migrate: 'verify' });
    const server = await startGateway({
      supergraphSdl,
      subgraphUrls: Object.fromEntries(
        SUBGRAPHS.map((entry) => [entry.name, env[entry.urlVariable]]),
      ),
      subgraphTimeoutMs: config.PLANTGRAPH_SUBGRAPH_TIMEOUT_MS,
      port: config.PORT,
      host: config.HOST,
      ...limitsFromEnvironment(config),
      ...exportFromEnvironment(config),
      logger,
      gatewaySecret: config.PLANTGRAPH_GATEWAY_SECRET,
      jwt,
      sql: database.sql,
    }).catch(async (error: unknown) => {
      await database.sql.close();
      throw error;
    });
    logger.info({ url: server.url }, 'gateway ready');
    return {
      async close() {
        await server.close();
        await database.sql.close();
      },
    };
  },
});

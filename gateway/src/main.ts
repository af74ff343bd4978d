import {
  closeOnSignals,
  createLogger,
  exitOnStartupError,
  loadConfig,
  optionalUrl,
  port,
} from '@plantgraph/config';
import { z } from 'zod';
import { openDatabase } from '@plantgraph/db';
import { jwtConfig, jwtOptions } from './authentication.ts';
import { loadSupergraphSdl } from './compose.ts';
import { startGateway } from './gateway-server.ts';
import { limitsEnvironment, limitsFromEnvironment } from './limits/environment.ts';
import { subgraphEntries } from './subgraphs.ts';

const logger = createLogger('gateway');

async function main(): Promise<void> {
  const config = loadConfig({
    PORT: port(4000),
    HOST: z.string().default('0.0.0.0'),
    ...limitsEnvironment,
    PLANTGRAPH_GATEWAY_SECRET: z.string().min(32, 'must be at least 32 characters'),
    // API keys and the audit of refused authentications live in the database.
    DATABASE_URL: optionalUrl(),
    ...jwtConfig,
    ...Object.fromEntries(subgraphEntries.map((entry) => [entry.urlVariable, optionalUrl()])),
  });
  const env = config as unknown as Record<string, string | undefined>;
  const database = config.DATABASE_URL
    ? await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: '.data' })
    : undefined;
  const server = await startGateway({
    supergraphSdl: loadSupergraphSdl(),
    subgraphUrls: Object.fromEntries(
      subgraphEntries.map((entry) => [entry.module.name, env[entry.urlVariable]]),
    ),
    port: config.PORT,
    host: config.HOST,
    ...limitsFromEnvironment(config),
    logger,
    gatewaySecret: config.PLANTGRAPH_GATEWAY_SECRET,
    jwt: jwtOptions(config),
    sql: database?.sql,
  });
  logger.info({ url: server.url }, 'gateway ready');

  closeOnSignals(logger, async () => {
    await server.close();
    await database?.sql.close();
  });
}

await main().catch(exitOnStartupError);

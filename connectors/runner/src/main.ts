import { resolve } from 'node:path';
import {
  closeOnSignals,
  createLogger,
  exitOnStartupError,
  loadConfig,
  optionalUrl,
  port,
} from '@plantgraph/config';
import { openDatabase } from '@plantgraph/db';
import { closeServer, createServer, databaseAnswers, listen, mountProbes } from '@plantgraph/graph';
import { loadPlantConfig, metricsRegistry } from '@plantgraph/ingest';
import express from 'express';
import { z } from 'zod';
import { startConnectors } from './connector-runtime.ts';

const logger = createLogger('connectors');

/** The connector process of a production deployment: every configured connection, one pipeline. */
async function main(): Promise<void> {
  const config = loadConfig({
    PLANTGRAPH_CONFIG: z.string().min(1, 'the connections and mappings file is required'),
    DATABASE_URL: optionalUrl(),
    MQTT_URL: z
      .string()
      .regex(/^mqtts?:\/\//, 'must start with mqtt:// or mqtts://')
      .optional(),
    PLANTGRAPH_DATA_DIR: z.string().default('.data'),
    PORT: port(4010),
    HOST: z.string().default('127.0.0.1'),
  });
  const cwd = process.env.INIT_CWD ?? process.cwd();
  const plantConfig = await loadPlantConfig(resolve(cwd, config.PLANTGRAPH_CONFIG));
  const dataDir = resolve(cwd, config.PLANTGRAPH_DATA_DIR);
  const database = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir });
  const runtime = await startConnectors({
    sql: database.sql,
    config: plantConfig,
    busUrl: config.MQTT_URL,
    dataDir,
    logger,
  });

  const app = express();
  mountProbes(app, { ready: databaseAnswers(database.sql), registries: [metricsRegistry] });
  const server = createServer(app);
  await listen(server, config.PORT, config.HOST, 'PORT');
  logger.info(
    { connections: plantConfig.connections.map((connection) => connection.id), port: config.PORT },
    'connectors running',
  );

  closeOnSignals(logger, async () => {
    await closeServer(server);
    await runtime.close();
    await database.sql.close();
  });
}

await main().catch(exitOnStartupError);

import { resolve } from 'node:path';
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
    PLANTGRAPH_BUS_PREFIX: z.string().min(1).default(DEFAULT_BUS_PREFIX),
    PLANTGRAPH_DATA_DIR: z.string().default('.data'),
    PORT: port(4010),
    HOST: z.string().default('127.0.0.1'),
  });
  const cwd = process.env.INIT_CWD ?? process.cwd();
  const plantConfig = await loadPlantConfig(resolve(cwd, config.PLANTGRAPH_CONFIG));
  const dataDir = resolve(cwd, config.PLANTGRAPH_DATA_DIR);
  const database = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir });
  // Stored changes go on the bus when there is one; without MQTT_URL the process only ingests.
  const events = config.MQTT_URL
    ? await EventBus.connect({
        url: config.MQTT_URL,
        clientId: `plantgraph-events-${process.pid}`,
        prefix: config.PLANTGRAPH_BUS_PREFIX,
      })
    : undefined;
  const runtime = await startConnectors({
    sql: database.sql,
    config: plantConfig,
    busUrl: config.MQTT_URL,
    dataDir,
    logger,
    events,
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
    await events?.close();
    await database.sql.close();
  });
}

await main().catch(exitOnStartupError);

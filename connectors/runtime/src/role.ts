import { join, resolve } from 'node:path';
import { createLogger, uniqueClientId } from '@plantgraph/config';
import {
  callerDirectory,
  dataDir,
  defineRole,
  listenHost,
  listenPort,
  mqttUrl,
  requiredDatabaseUrl,
} from '@plantgraph/service';
import { DEFAULT_BUS_PREFIX, EventBus } from '@plantgraph/bus';
import { openDatabase } from '@plantgraph/db';
import {
  closeServer,
  createServer,
  databaseAnswers,
  databasePoolMetrics,
  listen,
  mountProbes,
} from '@plantgraph/service';
import { metricsRegistry, preparePlantConfig, readPlantConfigDocument } from '@plantgraph/ingest';
import express from 'express';
import { z } from 'zod';
import { storedConfig } from './config-source.ts';
import { startConnectors } from './connector-runtime.ts';
import { connectionSelection, selectPartition, spoolDirectoryName } from './partition.ts';

export const connectorsEnvironment = {
  PLANTGRAPH_CONFIG: z
    .string()
    .min(1)
    .optional()
    .describe(
      'integration configuration file (YAML or JSON), applied at start as a new version when it differs from the stored one; unset = run the newest stored version',
    ),
  DATABASE_URL: requiredDatabaseUrl(),
  MQTT_URL: mqttUrl().describe(
    'MQTT broker: the event bus and connections without a url; unset = ingest only',
  ),
  PLANTGRAPH_BUS_PREFIX: z
    .string()
    .min(1)
    .default(DEFAULT_BUS_PREFIX)
    .describe('topic prefix of the event bus'),
  PLANTGRAPH_CONNECTIONS: connectionSelection(),
  PLANTGRAPH_DATA_DIR: dataDir().describe(
    'spool of batches the database could not take yet (spool/, or spool-<ids>/ for a partition)',
  ),
  PORT: listenPort(4010).describe('HTTP port of /healthz, /readyz and /metrics'),
  HOST: listenHost('127.0.0.1'),
};

/**
 * The connector process of a production deployment: every configured connection (or the partition
 * PLANTGRAPH_CONNECTIONS names), one pipeline.
 */
export const connectorsRole = defineRole({
  name: 'connectors',
  environment: connectorsEnvironment,
  async start(config) {
    const logger = createLogger('connectors');
    const file = config.PLANTGRAPH_CONFIG;
    // A file that does not parse stops the start before anything else is opened.
    const seed = file && {
      document: readPlantConfigDocument(resolve(callerDirectory(), file)),
      origin: file,
      mode: 'desired' as const,
    };
    // Every version runs reduced to this process's partition, its references from this host.
    const prepare = (document: unknown, version: number) =>
      selectPartition(
        preparePlantConfig(document, `configuration version ${version}`),
        config.PLANTGRAPH_CONNECTIONS,
      ).config;
    const database = await openDatabase({ databaseUrl: config.DATABASE_URL, migrate: 'verify' });
    const started = await storedConfig(database.sql, {
      seed: seed || undefined,
      prepare,
      logger,
    });
    const plantConfig = started.config;
    const partition = {
      config: plantConfig,
      connections: config.PLANTGRAPH_CONNECTIONS?.toSorted(),
    };
    // Stored changes go on the bus when there is one; without MQTT_URL the process only ingests.
    const events = config.MQTT_URL
      ? await EventBus.connect({
          url: config.MQTT_URL,
          clientId: uniqueClientId('plantgraph-events'),
          prefix: config.PLANTGRAPH_BUS_PREFIX,
        })
      : undefined;
    const runtime = await startConnectors({
      sql: database.sql,
      config: plantConfig,
      configVersion: started.version,
      follow: { prepare },
      busUrl: config.MQTT_URL,
      dataDir: config.PLANTGRAPH_DATA_DIR,
      spoolDir: join(config.PLANTGRAPH_DATA_DIR, spoolDirectoryName(partition)),
      logger,
      events,
    });

    const app = express();
    const databaseReady = databaseAnswers(database.sql);
    const ready = async (): Promise<boolean> => {
      const spoolFailure = runtime.writer.spoolFailure;
      if (spoolFailure) throw new Error(`cannot write the spool: ${spoolFailure}`);
      return databaseReady().catch((error: unknown) => {
        throw new Error(`database: ${error instanceof Error ? error.message : String(error)}`);
      });
    };
    mountProbes(app, { ready, registries: [metricsRegistry, databasePoolMetrics(database.sql)] });
    const server = createServer(app);
    await listen(server, config.PORT, config.HOST, 'PORT');
    logger.info(
      {
        connections: plantConfig.connections.map((connection) => connection.id),
        configVersion: started.version,
        partition: partition.connections ? 'selected' : 'all',
        port: config.PORT,
      },
      'connectors running',
    );
    return {
      async close() {
        await closeServer(server);
        await runtime.close();
        await events?.close();
        await database.sql.close();
      },
    };
  },
});

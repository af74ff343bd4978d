import { resolve } from 'node:path';
import type { JwtOptions } from '@plantgraph/auth';
import { createLogger, SUBGRAPHS, type Logger } from '@plantgraph/config';
import { openDatabase, type Sql } from '@plantgraph/db';
import {
  callerDirectory,
  gatewaySecret,
  listenHost,
  listenPort,
  requiredDatabaseUrl,
} from '@plantgraph/service';
import { z } from 'zod';
import { jwtConfig, jwtOptions } from './authentication.ts';
import { defaultSupergraphPath, loadSupergraphSdl } from './supergraph.ts';

/*
 * What the two API edge roles share, `gateway` (@apollo/gateway) and `hive-gateway`: the
 * variables that place them and name their supergraph, subgraphs, secret and identity provider,
 * and reading those into what their servers start from.
 */

/**
 * The variables every edge reads. `subgraphUrl` checks a subgraph's URL variable: the gateway
 * takes a comma-separated list of replicas, Hive Gateway one URL.
 */
export function edgeEnvironment(subgraphUrl: (name: string) => z.ZodType<string | undefined>) {
  return {
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
}

/** An edge role's configuration as far as `startEdge` reads it. */
export type EdgeConfig = Parameters<typeof jwtOptions>[0] & {
  PORT: number;
  HOST: string;
  DATABASE_URL: string;
  PLANTGRAPH_GATEWAY_SECRET: string;
  PLANTGRAPH_SUPERGRAPH?: string;
};

/** What an edge server starts from. */
export interface EdgeInputs {
  supergraphSdl: string;
  /** By subgraph name, as the URL variables give them. */
  subgraphUrls: Record<string, string | undefined>;
  port: number;
  host: string;
  logger: Logger;
  gatewaySecret: string;
  jwt: JwtOptions | undefined;
  /** API keys and the audit log. */
  sql: Sql;
}

/**
 * Reads the supergraph, subgraph URLs and identity provider from an edge role's configuration,
 * opens the database (schema verified, not migrated) and starts the server with `start`. The
 * database closes with the server, or at once when the server fails to start.
 */
export async function startEdge(
  name: string,
  config: EdgeConfig,
  start: (inputs: EdgeInputs) => Promise<{ url: string; close(): Promise<void> }>,
): Promise<{ close(): Promise<void> }> {
  const logger = createLogger(name);
  const env = config as unknown as Record<string, string | undefined>;
  const supergraphSdl = loadSupergraphSdl(
    config.PLANTGRAPH_SUPERGRAPH
      ? resolve(callerDirectory(), config.PLANTGRAPH_SUPERGRAPH)
      : defaultSupergraphPath,
  );
  const jwt = jwtOptions(config);
  const database = await openDatabase({ databaseUrl: config.DATABASE_URL, migrate: 'verify' });
  const server = await start({
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
  logger.info({ url: server.url }, `${name.replace('-', ' ')} ready`);
  return {
    async close() {
      await server.close();
      await database.sql.close();
    },
  };
}

import { randomBytes } from 'node:crypto';
import type { JwtOptions } from '@plantgraph/auth';
import { loadSupergraphSdl, startGateway, type GatewayOptions } from '@plantgraph/gateway';
import { startSubgraphServer, type GraphServices, type RunningServer } from '@plantgraph/graph';
import type { Registry } from 'prom-client';
import { subgraphModules } from './subgraph-modules.ts';

export interface PlantOptions {
  services: GraphServices;
  /** Gateway port; 0 picks a free one. */
  port: number;
  /** First of five consecutive subgraph ports; 0 lets each pick a free one. */
  subgraphPortsFrom: number;
  host?: string;
  sandbox?: boolean;
  /** What the gateway shows a browser on GET /graphql (see GatewayOptions); wins over sandbox. */
  explorer?: GatewayOptions['explorer'];
  /** The gateway's introspection and limits (see GatewayOptions). */
  introspection?: boolean;
  limits?: GatewayOptions['limits'];
  /** Further metrics for the gateway's /metrics (e.g. the ingest pipeline). */
  registries?: Registry[];
  /** Bearer JWTs the gateway accepts besides API keys. */
  jwt?: JwtOptions;
  /** How long the gateway trusts a verified API key without the database (default 30 s). */
  keyCacheMs?: number;
  /** Rows a Parquet export may hold (see GatewayOptions). */
  maxParquetExportRows?: number;
}

export interface RunningPlant {
  url: string;
  /** What the gateway signs identities with for the subgraphs (for tests that forge or replay). */
  gatewaySecret: string;
  subgraphs: Record<string, RunningServer>;
  close(): Promise<void>;
}

/**
 * The plant in a box: the five subgraphs on loopback ports and the gateway in front of them,
 * all in this process over one database.
 */
export async function startPlant(options: PlantOptions): Promise<RunningPlant> {
  // In one process the secret never leaves memory: a new one per start.
  const gatewaySecret = randomBytes(32).toString('base64url');
  const subgraphs: Record<string, RunningServer> = {};
  const started: RunningServer[] = [];
  const closeAll = async () => {
    for (const server of started.reverse()) await server.close();
  };
  try {
    for (const [index, entry] of subgraphModules.entries()) {
      const server = await startSubgraphServer({
        name: entry.module.name,
        schema: await entry.module.buildSchema(),
        services: options.services,
        port: options.subgraphPortsFrom === 0 ? 0 : options.subgraphPortsFrom + index,
        portVariable: 'PLANTGRAPH_SUBGRAPH_PORTS_FROM',
        gatewaySecret,
      });
      subgraphs[entry.module.name] = server;
      started.push(server);
    }
    const gateway = await startGateway({
      supergraphSdl: loadSupergraphSdl(),
      subgraphUrls: Object.fromEntries(
        Object.entries(subgraphs).map(([name, server]) => [name, server.url]),
      ),
      port: options.port,
      host: options.host,
      sandbox: options.sandbox ?? true,
      explorer: options.explorer,
      introspection: options.introspection,
      limits: options.limits,
      registries: options.registries,
      logger: options.services.logger,
      gatewaySecret,
      jwt: options.jwt,
      sql: options.services.sql,
      keyCacheMs: options.keyCacheMs,
      maxParquetExportRows: options.maxParquetExportRows,
    });
    started.push(gateway);
    return { url: gateway.url, gatewaySecret, subgraphs, close: closeAll };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

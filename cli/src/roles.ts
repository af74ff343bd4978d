import type { SubgraphName } from '@plantgraph/config';
import type { ProcessRole } from '@plantgraph/service';
import type { SubgraphModule } from '@plantgraph/graph';

/**
 * Each role of `plantgraph <role>`, loaded on demand so that a process loads only its own code.
 * The demo, simulator and seed roles live in the plant bundle (dist/plant/), which the production
 * image leaves out.
 */
export interface RoleEntry {
  summary: string;
  /** Words after the role name in usage, e.g. `<assets|orders|…>`. */
  arguments?: string;
  /** How many leading arguments `load` consumes (the subgraph's name). */
  consumes?: number;
  load(args: string[]): Promise<ProcessRole>;
}

const plantRoles = () => import('@plantgraph/demo/roles');

const SUBGRAPH_MODULES: Record<SubgraphName, () => Promise<SubgraphModule>> = {
  assets: async () => (await import('@plantgraph/assets-subgraph')).assetsSubgraph,
  orders: async () => (await import('@plantgraph/orders-subgraph')).ordersSubgraph,
  quality: async () => (await import('@plantgraph/quality-subgraph')).qualitySubgraph,
  alarms: async () => (await import('@plantgraph/alarms-subgraph')).alarmsSubgraph,
  timeseries: async () => (await import('@plantgraph/timeseries-subgraph')).timeseriesSubgraph,
};

export const SUBGRAPH_ARGUMENT = `<${Object.keys(SUBGRAPH_MODULES).join('|')}>`;

/** Raised for a role or argument that does not exist; the CLI prints usage with it. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export const ROLES: Record<string, RoleEntry> = {
  demo: {
    summary: 'the plant in a box in one process (what npm start runs)',
    load: async () => (await plantRoles()).demoRole as ProcessRole,
  },
  gateway: {
    summary: 'the federated GraphQL endpoint (HTTP, WebSocket, export)',
    load: async () => (await import('@plantgraph/gateway')).gatewayRole as ProcessRole,
  },
  'hive-gateway': {
    summary: 'the federated GraphQL endpoint on Hive Gateway (HTTP, WebSocket; no limits)',
    load: async () => (await import('@plantgraph/gateway/hive')).hiveGatewayRole as ProcessRole,
  },
  subgraph: {
    summary: 'one subgraph of the graph',
    arguments: SUBGRAPH_ARGUMENT,
    consumes: 1,
    async load([name]) {
      const load = SUBGRAPH_MODULES[name as SubgraphName] as
        (() => Promise<SubgraphModule>) | undefined;
      if (!load)
        throw new UsageError(`subgraph: expected ${SUBGRAPH_ARGUMENT}, got "${name ?? ''}"`);
      const { subgraphRole } = await import('@plantgraph/graph');
      return subgraphRole(await load()) as ProcessRole;
    },
  },
  connectors: {
    summary: 'OPC UA and MQTT connections feeding the database and the event bus',
    load: async () => (await import('@plantgraph/connector-runtime')).connectorsRole as ProcessRole,
  },
  simulator: {
    summary: "the demo plant's machines (OPC UA server, Sparkplug B and UNS JSON publishers)",
    load: async () => (await plantRoles()).simulatorRole as ProcessRole,
  },
  migrate: {
    summary: 'apply pending database migrations, then exit',
    load: async () => (await import('@plantgraph/db')).migrateRole as ProcessRole,
  },
  seed: {
    summary: 'seed the demo plant into an empty database, then exit',
    load: async () => (await plantRoles()).seedRole as ProcessRole,
  },
  keys: {
    summary: 'create, revoke and list API keys',
    arguments: 'create|revoke|list',
    load: async () => (await import('@plantgraph/auth')).keysRole as ProcessRole,
  },
  config: {
    summary: 'apply, export, compare and roll back the versioned integration configuration',
    arguments: 'apply|export|versions|diff|rollback',
    load: async () => (await import('@plantgraph/connector-runtime')).configRole as ProcessRole,
  },
};

import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse } from 'yaml';

/**
 * compose.yaml read as local processes: each Plantgraph service's command and environment, with
 * compose's `${VAR:?…}` / `${VAR:-default}` substituted, the service host names mapped to
 * 127.0.0.1 and each listening port moved to a free local one (every replica listens on the same
 * container port in compose). The database and broker URLs point at the test's own services.
 */
export interface ServiceProcess {
  name: string;
  /** Arguments to `plantgraph` (the compose `command`). */
  args: string[];
  env: Record<string, string>;
  /** The local HTTP port of the service's /readyz, when it serves one. */
  port?: number;
  /** Names of the services compose starts first, and whether it waits for them to exit. */
  dependsOn: { name: string; completed: boolean }[];
}

interface ComposeService {
  image?: string;
  command?: string[];
  environment?: Record<string, string | number>;
  depends_on?: Record<string, { condition?: string }>;
  volumes?: string[];
  profiles?: string[];
}

/** Variables of a `.env`: the values the test gives compose's required variables. */
export interface ComposeVariables {
  [name: string]: string;
}

// `${NAME}`, `${NAME:-default}`, `${NAME-default}`, `${NAME:?error}`, `${NAME?error}`: with the
// colon an empty value counts as unset, as in compose.
const VARIABLE = /\$\{([A-Z0-9_]+)(?:(:?)([?-])([^}]*))?\}/g;

function substitute(text: string, variables: ComposeVariables): string {
  return text.replace(
    VARIABLE,
    (_match, name: string, colon?: string, kind?: string, rest?: string) => {
      const value = variables[name];
      if (value !== undefined && (value !== '' || (kind !== undefined && colon === '')))
        return value;
      if (kind === '-') return rest ?? '';
      throw new Error(`compose.yaml needs ${name}: ${rest ?? 'unset'}`);
    },
  );
}

export interface ComposeMapping {
  /** The test's PostgreSQL database, in place of the timescaledb service's. */
  databaseUrl: string;
  /** The test's broker, in place of the mosquitto service. */
  mqttUrl: string;
  /** The test's Redis, in place of the redis service; without one the gateways count alone. */
  redisUrl?: string | undefined;
  variables: ComposeVariables;
  /** A free local port for `service:containerPort`. */
  allocatePort(): Promise<number>;
}

/** Listening-port variables of the roles: each names the container port a service binds. */
const PORT_VARIABLES = ['PORT', 'PLANTGRAPH_OPCUA_PORT'];

export async function composeServices(
  composeFile: string,
  mapping: ComposeMapping,
): Promise<ServiceProcess[]> {
  const document = parse(readFileSync(composeFile, 'utf8'), { merge: true }) as {
    services: Record<string, ComposeService>;
  };
  // A service of a profile (`--profile hive`) is not part of `docker compose up`, nor of this.
  const ours = Object.entries(document.services).filter(
    ([, service]) => service.image?.startsWith('plantgraph') && !service.profiles,
  );
  // First pass: every service's container ports get local ones.
  const ports = new Map<string, number>();
  for (const [name, service] of ours) {
    for (const variable of PORT_VARIABLES) {
      const containerPort = service.environment?.[variable];
      if (containerPort !== undefined)
        ports.set(`${name}:${containerPort}`, await mapping.allocatePort());
    }
  }
  const broker = new URL(mapping.mqttUrl);
  const rewrite = (value: string): string =>
    value
      .replace(/postgres:\/\/[^@]+@timescaledb:5432\/plantgraph/g, mapping.databaseUrl)
      .replace(/mqtt:\/\/mosquitto:1883/g, `mqtt://${broker.host}`)
      .replace(/redis:\/\/redis:6379/g, mapping.redisUrl ?? '')
      .replace(/\b([a-z][a-z0-9-]*):(\d+)\b/g, (whole, host: string, port: string) => {
        const local = ports.get(`${host}:${port}`);
        return local === undefined ? whole : `127.0.0.1:${local}`;
      });
  return ours.map(([name, service]) => {
    // Bind mounts (`./examples/demo-plant.yaml:/etc/plantgraph/plant.yaml:ro`): the file itself.
    const mounts = (service.volumes ?? [])
      .map((volume) => volume.split(':'))
      .filter(([source]) => source?.startsWith('./'))
      .map(([source = '', target = '']) => [target, resolve(dirname(composeFile), source)]);
    const env: Record<string, string> = {};
    for (const [key, raw] of Object.entries(service.environment ?? {})) {
      const substituted = rewrite(substitute(String(raw), mapping.variables));
      const value = mounts.find(([target]) => target === substituted)?.[1] ?? substituted;
      const local = PORT_VARIABLES.includes(key) ? ports.get(`${name}:${raw}`) : undefined;
      env[key] = local === undefined ? value : String(local);
    }
    // Containers listen on every interface of their private network; here, loopback only.
    if (env.HOST) env.HOST = '127.0.0.1';
    if (env.PLANTGRAPH_OPCUA_HOST) env.PLANTGRAPH_OPCUA_HOST = '127.0.0.1';
    const port = env.PORT === undefined ? undefined : Number(env.PORT);
    return {
      name,
      args: (service.command ?? []).map((arg) => substitute(arg, mapping.variables)),
      env,
      ...(port === undefined ? {} : { port }),
      dependsOn: Object.entries(service.depends_on ?? {}).map(([dependency, condition]) => ({
        name: dependency,
        completed: condition.condition === 'service_completed_successfully',
      })),
    };
  });
}

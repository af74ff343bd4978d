import { ConfigError } from '@plantgraph/config';
import type { PlantConfig } from '@plantgraph/ingest';
import { z } from 'zod';

/**
 * Ingest scales out by running several connectors processes, each owning a partition of the plant:
 * a set of connections. A connection is one source of ordered data (an OPC UA server, an MQTT
 * client with its topic subtrees, a Sparkplug group or edge node), so owning whole connections
 * keeps the order per source that one process gives; nothing is ever split across processes.
 */

const CONNECTION_ID = /^[a-z0-9][a-z0-9_-]*$/i;

/**
 * PLANTGRAPH_CONNECTIONS: the ids of the connections this process runs, comma separated; unset or
 * empty = every connection of the plant configuration. Whether the ids exist is checked against
 * the file by {@link selectPartition}.
 */
export const connectionSelection = () =>
  z
    .string()
    .optional()
    .transform((value) => [
      ...new Set(
        (value ?? '')
          .split(',')
          .map((id) => id.trim())
          .filter((id) => id !== ''),
      ),
    ])
    .superRefine((ids, context) => {
      for (const id of ids.filter((item) => !CONNECTION_ID.test(item))) {
        context.addIssue({
          code: 'custom',
          message: `"${id}" is not a connection id (letters, digits, "-" and "_" only)`,
        });
      }
    })
    .transform((ids) => (ids.length > 0 ? ids : undefined))
    .describe(
      'ids of the connections this process runs, comma separated (one partition of the plant); unset = all',
    );

export interface Partition {
  /** The plant configuration reduced to the selected connections and what reads from them. */
  config: PlantConfig;
  /** Sorted ids of the selected connections; undefined when the process runs them all. */
  connections?: string[];
}

/**
 * Reduces the plant configuration to the connections named in PLANTGRAPH_CONNECTIONS, with their
 * mappings (template instances and Sparkplug discovery included) and order downloads: a process
 * then resolves, subscribes, replays dead letters and dispatches orders only for what it owns. An id the file does not have is a ConfigError naming
 * the variable and the id.
 */
export function selectPartition(
  config: PlantConfig,
  ids: readonly string[] | undefined,
): Partition {
  if (!ids) return { config };
  const known = config.connections.map((connection) => connection.id);
  const result = z
    .array(z.string().refine((id) => known.includes(id), { error: 'unknown' }))
    .safeParse(ids);
  if (!result.success) {
    const unknown = result.error.issues.map((issue) => ids[issue.path[0] as number]);
    throw new ConfigError(
      unknown.map(
        (id) =>
          `PLANTGRAPH_CONNECTIONS: unknown connection "${id}"; PLANTGRAPH_CONFIG has ${
            known.length > 0 ? known.map((item) => `"${item}"`).join(', ') : 'no connections'
          }`,
      ),
    );
  }
  const owned = new Set(result.data);
  const mine = <T extends { connection: string }>(items: T[]) =>
    items.filter((item) => owned.has(item.connection));
  return {
    connections: [...owned].sort(),
    config: {
      ...config,
      connections: config.connections.filter((connection) => owned.has(connection.id)),
      downloads: mine(config.downloads),
      mappings: {
        ...config.mappings,
        tags: mine(config.mappings.tags),
        states: mine(config.mappings.states),
        counters: mine(config.mappings.counters),
        alarms: mine(config.mappings.alarms),
        events: mine(config.mappings.events ?? []),
      },
      ...(config.instances && { instances: mine(config.instances) }),
      ...(config.sparkplugDiscovery && { sparkplugDiscovery: mine(config.sparkplugDiscovery) }),
    },
  };
}

/**
 * The spool directory's name under the data directory: `spool` for a process running every
 * connection, `spool-<id>+<id>` for a partition, so processes sharing a data directory never share
 * a spool (and a partition finds its own spool again after a restart).
 */
export function spoolDirectoryName(partition: Partition): string {
  return partition.connections ? `spool-${partition.connections.join('+')}` : 'spool';
}

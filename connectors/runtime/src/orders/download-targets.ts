import mqtt, { type MqttClient } from 'mqtt';
import { assetIdsByPath } from '@plantgraph/assets-domain';
import type { Sql } from '@plantgraph/db';
import type { Connector, PlantConfig } from '@plantgraph/ingest';
import type { OpcuaConnector } from '@plantgraph/opcua-connector';
import { provisionDownloadTargets } from '@plantgraph/orders-domain';
import { OpcuaOrderChannel } from './opcua-order-channel.ts';
import type { DownloadTarget } from './order-dispatcher.ts';
import { UnsOrderChannel } from './uns-order-channel.ts';

/** The connections of `connectors` (this process's partition) and the downloads over them. */
export function downloadsOver(
  plantConfig: PlantConfig,
  connectors: readonly Pick<Connector, 'connectionId'>[],
) {
  const running = new Set(connectors.map((connector) => connector.connectionId));
  return {
    connections: plantConfig.connections.filter((connection) => running.has(connection.id)),
    downloads: plantConfig.downloads.filter((download) => running.has(download.connection)),
  };
}

/**
 * The asset id of every download's machine; throws naming each download whose asset does not
 * exist, so a configuration with one is refused before anything changes.
 */
export async function downloadAssets(
  sql: Sql,
  downloads: PlantConfig['downloads'],
): Promise<Map<string, string>> {
  const ids = await assetIdsByPath(
    sql,
    downloads.map((download) => download.asset),
  );
  const problems = downloads.flatMap((download, index) =>
    ids.has(download.asset)
      ? []
      : [`downloads[${index}].asset: no asset has the path "${download.asset}"`],
  );
  if (problems.length > 0) throw new Error(problems.join('\n'));
  return ids;
}

export interface OpenedTargets {
  targets: DownloadTarget[];
  close(): Promise<void>;
}

/**
 * The configured download interfaces: provisioned into `download_target` (so the orders
 * subgraph can check equipment and setpoints before it records a command) and opened over the
 * connectors' connections. A download whose asset does not exist fails the start, naming it.
 * Only downloads over the connections this process runs are provisioned and opened: a machine's
 * orders go out through the one process owning its connection (see PLANTGRAPH_CONNECTIONS).
 */
export async function openDownloadTargets(
  sql: Sql,
  plantConfig: PlantConfig,
  connectors: Connector[],
  busUrl: string,
): Promise<OpenedTargets> {
  const config = downloadsOver(plantConfig, connectors);
  const ids = await downloadAssets(sql, config.downloads);

  await provisionDownloadTargets(
    sql,
    config.downloads.flatMap((download) => {
      const assetId = ids.get(download.asset);
      return assetId ? [{ ...download, assetId }] : [];
    }),
    config.connections.map((connection) => connection.id),
  );

  const clients = new Map<string, MqttClient>();
  const targets: DownloadTarget[] = [];
  for (const download of config.downloads) {
    // The plant configuration's schema guarantees the connection and the address field.
    const connection = config.connections.find((item) => item.id === download.connection);
    const assetId = ids.get(download.asset);
    if (!connection || !assetId) continue;
    if (connection.kind === 'opcua') {
      const connector = connectors.find((item) => item.connectionId === connection.id);
      targets.push({
        assetId,
        config: download,
        channel: new OpcuaOrderChannel(connector as OpcuaConnector, download.nodeId ?? ''),
      });
      continue;
    }
    let client = clients.get(connection.id);
    if (!client) {
      client = await mqtt.connectAsync(connection.url ?? busUrl, {
        clientId: `${connection.clientId}-orders`,
        reconnectPeriod: 1000,
      });
      clients.set(connection.id, client);
    }
    targets.push({
      assetId,
      config: download,
      channel: await UnsOrderChannel.open(client, download.topic ?? ''),
    });
  }
  return {
    targets,
    async close() {
      await Promise.allSettled([...clients.values()].map((client) => client.endAsync()));
    },
  };
}

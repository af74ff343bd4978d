import type { ConnectionConfig, SourceConfig } from './plant-config.ts';

/**
 * The address a sample of this source carries, which is also what dead letters show:
 * - `{ nodeId }`: the node id as written.
 * - `{ browsePath }`: the browse path. The OPC UA connector translates it to a node id once and
 *   then stamps the samples of that node with the browse path, so the mapping never sees the
 *   server's node id.
 * - `{ topic }`: the topic filter, `+` and `#` included; samples carry the concrete topic.
 * - `{ sparkplug }`: `group/edgeNode/device/metric`, or `group/edgeNode/metric` for a metric of
 *   the edge node itself.
 */
export function sourceAddress(source: SourceConfig): string {
  if ('nodeId' in source) return source.nodeId;
  if ('browsePath' in source) return source.browsePath;
  if ('topic' in source) return source.topic;
  const { group, edgeNode, device, metric } = source.sparkplug;
  return [group, edgeNode, ...(device === undefined ? [] : [device]), metric].join('/');
}

/**
 * What `tag.source` says: the address, and for a JSON payload the path read from it, for an OPC
 * UA array or structure the element or field picked from it.
 */
export function sourceText(source: SourceConfig): string {
  const address = sourceAddress(source);
  if ('topic' in source) return source.jsonPath ? `${address} (${source.jsonPath})` : address;
  if (!('nodeId' in source || 'browsePath' in source)) return address;
  const picks = [
    ...(source.index === undefined ? [] : [`index ${source.index}`]),
    ...(source.field === undefined ? [] : [`field ${source.field}`]),
  ];
  return picks.length > 0 ? `${address} (${picks.join(', ')})` : address;
}

/** Why a source cannot be read over this connection, or null when it can. */
export function sourceMismatch(source: SourceConfig, connection: ConnectionConfig): string | null {
  if (connection.kind === 'opcua') {
    return 'nodeId' in source || 'browsePath' in source
      ? null
      : `connection "${connection.id}" is OPC UA: use nodeId or browsePath`;
  }
  if (connection.format === 'sparkplug') {
    return 'sparkplug' in source
      ? null
      : `connection "${connection.id}" carries Sparkplug B: use sparkplug`;
  }
  const carries = connection.format === 'umh' ? 'UMH' : 'UNS JSON';
  return 'topic' in source ? null : `connection "${connection.id}" carries ${carries}: use topic`;
}

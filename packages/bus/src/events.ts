/**
 * What the platform publishes on its event bus: every stored change, enriched with the asset's
 * place in the hierarchy so that other tools can use the topics as a Unified Namespace.
 */

interface AssetEvent {
  assetId: string;
  /** Full asset path, e.g. "Acme Manufacturing/Dresden/Body Shop/Line 1/Press 01". */
  assetPath: string;
  /** ISO 8601 time of the change at the source. */
  time: string;
}

export interface StateEvent extends AssetEvent {
  type: 'state';
  state: string;
  reason: string | null;
}

export interface TagValueEvent extends AssetEvent {
  type: 'tagValue';
  tagId: string;
  tag: string;
  value: number | null;
  text: string | null;
  quality: string;
}

export interface CounterEvent extends AssetEvent {
  type: 'counter';
  counter: string;
  increment: number;
}

export interface AlarmEvent extends AssetEvent {
  type: 'alarm';
  code: string;
  active: boolean;
  severity: string;
  message: string;
}

export interface OrderStatusEvent extends AssetEvent {
  type: 'orderStatus';
  orderId: string;
  /** The order number, unique per site. */
  number: string;
  status: string;
  /** Null when the order was just created. */
  previousStatus: string | null;
  reason: string | null;
  /** Who made the change: a user, an integration or `machine`. */
  actor: string;
}

export type PlantEvent = StateEvent | TagValueEvent | CounterEvent | AlarmEvent | OrderStatusEvent;

/**
 * A request to the connectors: download the order of a download command to its machine. The
 * command row in the database is the record; the message only says there is work now.
 */
export interface OrderDownloadCommand {
  kind: 'orderDownload';
  commandId: string;
  orderId: string;
  equipmentId: string;
}

/** A request to the connectors: withdraw an order from its machine (an abort command row). */
export interface OrderAbortCommand {
  kind: 'orderAbort';
  commandId: string;
  orderId: string;
  equipmentId: string;
}

/**
 * A request to the connectors: an operator acknowledged an alarm in Plantgraph; the connection
 * whose OPC UA condition is behind it (an events mapping) calls the condition's Acknowledge and
 * files the server's answer in the audit log. The acknowledgement itself is already stored.
 */
export interface AlarmAcknowledgeCommand {
  kind: 'alarmAcknowledge';
  alarmId: string;
  assetId: string;
  code: string;
  /** Who acknowledged: the caller's subject. */
  actor: string;
  comment: string | null;
}

export type PlatformCommand = OrderDownloadCommand | OrderAbortCommand | AlarmAcknowledgeCommand;

export const DEFAULT_BUS_PREFIX = 'plantgraph/v1';

/** `<prefix>/_commands/<kind>`: beside the namespace, never mistaken for a plant level. */
export function commandTopic(prefix: string, kind: PlatformCommand['kind']): string {
  return `${prefix}/_commands/${kind}`;
}

/** A topic level: lower case, spaces to '-', and nothing MQTT reserves ('+', '#', '/'). */
export function topicLevel(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[\s/+#]+/g, '-')
    .replace(/^\$+/, '');
}

/**
 * `<prefix>/<site>/<area>/<line>/[<cell>/]<equipment>/<kind>[/<name>]`: the asset path below the
 * enterprise, then `state`, `tags/<tag>`, `counters/<counter>`, `alarms/<code>` or
 * `orders/<number>` (the order's status, on the asset it runs on).
 */
export function eventTopic(prefix: string, event: PlantEvent): string {
  const levels = event.assetPath.split('/').slice(1).map(topicLevel);
  const leaf =
    event.type === 'state'
      ? ['state']
      : event.type === 'tagValue'
        ? ['tags', topicLevel(event.tag)]
        : event.type === 'counter'
          ? ['counters', topicLevel(event.counter)]
          : event.type === 'alarm'
            ? ['alarms', topicLevel(event.code)]
            : ['orders', topicLevel(event.number)];
  return [prefix, ...levels, ...leaf].join('/');
}

import { ENTERPRISE, IDLE_REASONS, STOP_REASONS, type EquipmentType } from './catalog.ts';

/**
 * How the simulated machines expose their signals, shared by the simulator (which serves them)
 * and the demo plant's mapping (which reads them).
 */

export type PlcState = 'RUNNING' | 'IDLE' | 'STOPPED' | 'DOWN' | 'SETUP' | 'MAINTENANCE';

export interface PlcStateCode {
  code: number;
  state: PlcState;
  reason: string | null;
}

/** The PLC state word of a machine type: 100 running, 2xx idle, 3xx stopped, 4xx down, ... */
export function plcStateCodes(type: EquipmentType): PlcStateCode[] {
  return [
    { code: 100, state: 'RUNNING', reason: null },
    ...IDLE_REASONS.map((reason, index) => ({ code: 200 + index, state: 'IDLE' as const, reason })),
    ...STOP_REASONS.map((reason, index) => ({
      code: 300 + index,
      state: 'STOPPED' as const,
      reason,
    })),
    ...type.downReasons.map((reason, index) => ({
      code: 400 + index,
      state: 'DOWN' as const,
      reason,
    })),
    { code: 500, state: 'SETUP', reason: 'CHANGEOVER' },
    { code: 600, state: 'MAINTENANCE', reason: 'PLANNED' },
  ];
}

/** Alarm codes in alarm-word bit order: bit i is the i-th code. */
export function alarmCodesFor(type: EquipmentType): string[] {
  return [...new Set([...type.downReasons, ...type.warnings])];
}

const compact = (part: string) => part.replace(/\s+/g, '');
// `GoodCount` and `Good Count` both become `good-count`.
const slug = (part: string) =>
  part
    .replace(/(?<=[a-z])(?=[A-Z])/g, ' ')
    .toLowerCase()
    .replace(/\s+/g, '-');

/** Path parts below the enterprise: ["Dresden", "Body Shop", "Line 1", "Press 01"]. */
function partsBelowEnterprise(assetPath: string): string[] {
  const parts = assetPath.split('/');
  if (parts[0] !== ENTERPRISE.name) throw new Error(`Not a demo plant path: ${assetPath}`);
  return parts.slice(1);
}

/** `Dresden.BodyShop.Line1.Press01`; signals are `ns=2;s=<nodePath>.<Signal>`. */
export function opcuaNodePath(assetPath: string): string {
  return partsBelowEnterprise(assetPath).map(compact).join('.');
}

export const OPCUA_NAMESPACE_URI = 'urn:plantgraph:demo-plant';

/** The node id of one signal of an equipment, e.g. `ns=2;s=Dresden.BodyShop.Line1.Press01.MotorCurrent`. */
export function opcuaNodeId(assetPath: string, signal: string): string {
  return opcuaSignalNodeId(opcuaNodePath(assetPath), signal);
}

/** The node id of a signal under a node path (an equipment's, or a template's `{prefix}`). */
export function opcuaSignalNodeId(nodePath: string, signal: string): string {
  return `ns=2;s=${nodePath}.${compact(signal)}`;
}

/** `acme/lyon/paint-shop/line-1/paint-robot-01`: the topic an equipment's UNS topics start with. */
export function unsEquipmentTopic(assetPath: string): string {
  return ['acme', ...partsBelowEnterprise(assetPath)].map(slug).join('/');
}

/** The topic of a signal under an equipment topic (or a template's `{prefix}`). */
export function unsSignalTopic(equipmentTopic: string, signal: string): string {
  return `${equipmentTopic}/${slug(signal)}`;
}

/** `acme/lyon/paint-shop/line-1/paint-robot-01/<signal>` for a UNS JSON signal. */
export function unsTopic(assetPath: string, signal: string): string {
  return unsSignalTopic(unsEquipmentTopic(assetPath), signal);
}

/** Where a machine stands with its current order; the OPC UA `Order.State` word. */
export const ORDER_STATES = {
  NONE: 0,
  DOWNLOADED: 1,
  RUNNING: 2,
  COMPLETE: 3,
  ABORTED: 4,
} as const;
export type OrderState = (typeof ORDER_STATES)[keyof typeof ORDER_STATES];
export type OrderStateName = keyof typeof ORDER_STATES;

/**
 * A node of an equipment's order interface, e.g. `ns=2;s=Dresden.BodyShop.Line1.Press01.Order.State`;
 * whitespace is removed, so `Parameters.Stroke Rate` is `...Order.Parameters.StrokeRate`.
 */
export function orderNodeId(assetPath: string, field: string): string {
  return `ns=2;s=${opcuaNodePath(assetPath)}.Order.${compact(field)}`;
}

/** The UNS topics of an equipment's order interface, e.g. `acme/lyon/.../paint-robot-01/order/ack`. */
export function unsOrderTopic(
  assetPath: string,
  leaf: 'download' | 'abort' | 'ack' | 'progress',
): string {
  return `${unsTopic(assetPath, 'order')}/${leaf}`;
}

export interface SparkplugAddress {
  group: string;
  edgeNode: string;
  device: string;
}

/** Group = site, edge node = area, device = `<Line>_<Equipment>` (whitespace removed). */
export function sparkplugDevice(assetPath: string): SparkplugAddress {
  const parts = partsBelowEnterprise(assetPath).map(compact);
  const [group, edgeNode, ...rest] = parts;
  if (!group || !edgeNode || rest.length < 2)
    throw new Error(`Not an equipment path: ${assetPath}`);
  return { group, edgeNode, device: [rest[0], rest.at(-1)].join('_') };
}

/** Signals every simulated machine has besides its tags. */
export const MACHINE_SIGNALS = {
  state: 'State',
  goodCount: 'GoodCount',
  rejectCount: 'RejectCount',
  alarmWord: 'AlarmWord',
} as const;

/** How each site is connected in the demo: Dresden over OPC UA, Lyon over MQTT. */
export const SITE_PROTOCOLS: Record<string, Record<string, 'opcua' | 'sparkplug' | 'uns-json'>> = {
  Dresden: { '*': 'opcua' },
  Lyon: { Machining: 'sparkplug', 'Paint Shop': 'uns-json' },
};

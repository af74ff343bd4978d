import type { Quality, SparkplugBirthMetric } from '@plantgraph/ingest';
import {
  decodePayload,
  encodePayload,
  type UMetric,
  type UPayload,
} from 'sparkplug-payload/lib/sparkplugbpayload.js';

/** The Sparkplug B topic namespace element (spec 4.1.1). */
export const SPARKPLUG_NAMESPACE = 'spBv1.0';

/** Where a Sparkplug edge node or one of its devices lives; `device` is unset for the node. */
export interface SparkplugDeviceAddress {
  group: string;
  edgeNode: string;
  device?: string;
}

/** The death certificate that took a node or device offline. */
export type SparkplugDeath = 'NDEATH' | 'DDEATH';

/**
 * What the host application wants done about one message, in order. A sample from an NBIRTH or
 * DBIRTH names its metric's device and declared datatype (`birth`), which discovery needs.
 */
export type SparkplugEvent =
  | {
      kind: 'sample';
      address: string;
      value: unknown;
      time: Date;
      quality: Quality;
      birth?: SparkplugBirthMetric;
    }
  | { kind: 'deadLetter'; address: string; reason: string }
  | { kind: 'rebirth'; topic: string; payload: Uint8Array }
  | { kind: 'offline'; address: SparkplugDeviceAddress; time: Date; cause: SparkplugDeath }
  | { kind: 'lost'; address: SparkplugDeviceAddress; count: number };

/** While waiting for a requested NBIRTH, the request is repeated at most this often. */
export const REBIRTH_RETRY_MS = 5_000;

const nodeMessageTypes = new Set(['NBIRTH', 'NDATA', 'NDEATH']);
const deviceMessageTypes = new Set(['DBIRTH', 'DDATA', 'DDEATH']);
// Commands are addressed to edge nodes (our own rebirth requests among them) and STATE belongs to
// host applications; neither carries plant data.
const ignoredMessageTypes = new Set(['NCMD', 'DCMD', 'STATE']);

interface SparkplugTopic {
  group: string;
  type: string;
  edgeNode: string;
  device?: string;
}

/** One edge node's MQTT session as seen by this host. */
interface EdgeNodeSession {
  /** NBIRTH seen and no sequence gap since; data is applied only while this holds. */
  online: boolean;
  bdSeq: number | undefined;
  seq: number | undefined;
  /** The payload timestamp of the message that set `seq`, to tell a repeat from a loss. */
  seqTime: number | undefined;
  aliases: Map<number, string>;
  /** Devices that sent a DBIRTH in this session, each with its alias table. */
  devices: Map<string, Map<number, string>>;
  rebirthRequestedAt: number | undefined;
}

/** A seq this far or further ahead of the expected one is a step back if its time says so. */
const SEQ_HALF_RANGE = 128;

/**
 * A Sparkplug B host application (Sparkplug 3.0.0) reduced to what ingest needs: it turns
 * NBIRTH/DBIRTH/NDATA/DDATA/NDEATH/DDEATH messages into samples, dead letters, rebirth requests
 * and offline notices. It is a secondary host: it publishes no STATE (spec 4.2.3) and only ever
 * commands a rebirth.
 *
 * - Topics are `spBv1.0/<group>/<type>/<edgeNode>[/<device>]` (spec 4.1); NCMD, DCMD and STATE
 *   are ignored; any other topic is a dead letter.
 * - NBIRTH (spec 4.2.1, Birth Message) opens an edge node session: its `bdSeq` metric is kept to
 *   correlate the NDEATH, its `seq` starts the sequence, and the alias of every metric is
 *   recorded. DBIRTH (spec 4.2.2) does the same for a device. Birth metrics are current values and
 *   become samples.
 * - Every message of a session except NDEATH carries `seq`, one more than the previous message
 *   of the edge node, modulo 256 (tck-id-topics-ndata-seq-num, 4.2.1). A gap, or data from an
 *   edge node or device whose birth this host has not seen, means state was missed: the host
 *   publishes `Node Control/Rebirth = true` as an NCMD to `spBv1.0/<group>/NCMD/<edgeNode>`
 *   (spec 4.2.1 and 5.17; QoS 0, as tck-id-topics-ncmd-mqtt requires)
 *   and drops the node's data until the new NBIRTH.
 * - The messages a gap skipped are reported as lost (a `lost` event with their number): the
 *   broker dropped them (queue limit, QoS 0 while offline) or the edge node never sent them. The
 *   sequence is followed through the wait for the rebirth too, and restarts at each NBIRTH, so a
 *   reconnect or rebirth counts nothing. A seq that goes back (a redelivered message) is no loss:
 *   one at least half the range ahead whose payload timestamp is not newer than the last
 *   message's is taken for that. The count is a lower bound: 256 messages lost in a row look like
 *   none.
 * - DATA metrics that carry only an alias (spec 6.4, Sparkplug B metric) are resolved through the
 *   birth's table; an unknown alias is a dead letter and the other metrics still count.
 * - A metric's time is its own timestamp, else the payload's, else the receive time (spec 5.1);
 *   a null metric (is_null) is a BAD sample.
 * - NDEATH (spec 4.2.1, Death Message) whose bdSeq matches the NBIRTH marks every device born in
 *   the session offline, then the node itself; an NDEATH with another bdSeq belongs to an older
 *   session (a will can arrive after the next NBIRTH) and is ignored. DDEATH (spec 4.2.2) marks
 *   its device offline, even when its seq shows a gap: a rebirth would not mention a dead device.
 */
export class SparkplugHost {
  private readonly sessions = new Map<string, EdgeNodeSession>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Processes one message; the caller applies the events in order. */
  handle(topic: string, payload: Uint8Array, receivedAt: Date): SparkplugEvent[] {
    const parsed = parseTopic(topic);
    if (parsed === 'ignored') return [];
    if (!parsed) return [{ kind: 'deadLetter', address: topic, reason: 'not a Sparkplug B topic' }];
    let decoded: UPayload;
    try {
      decoded = decodePayload(payload);
    } catch (error) {
      const reason = `malformed Sparkplug B payload: ${(error as Error).message}`;
      return [{ kind: 'deadLetter', address: topic, reason }];
    }
    return this.apply(parsed, topic, decoded, receivedAt);
  }

  private apply(
    topic: SparkplugTopic,
    address: string,
    payload: UPayload,
    receivedAt: Date,
  ): SparkplugEvent[] {
    switch (topic.type) {
      case 'NBIRTH':
        return this.nodeBirth(topic, payload, receivedAt);
      case 'NDEATH':
        return this.nodeDeath(topic, payload, receivedAt);
      case 'DDEATH':
        return this.deviceDeath(topic, payload, receivedAt);
      default:
        return this.data(topic, address, payload, receivedAt);
    }
  }

  private nodeBirth(topic: SparkplugTopic, payload: UPayload, receivedAt: Date): SparkplugEvent[] {
    const metrics = payload.metrics ?? [];
    const bdSeq = toNumber(metrics.find((metric) => metric.name === 'bdSeq')?.value);
    this.sessions.set(nodeKey(topic), {
      online: true,
      bdSeq,
      seq: toNumber(payload.seq),
      seqTime: toNumber(payload.timestamp),
      aliases: aliasTable(metrics),
      devices: new Map(),
      rebirthRequestedAt: undefined,
    });
    return samples(metrics, topic, payload, receivedAt);
  }

  private nodeDeath(topic: SparkplugTopic, payload: UPayload, receivedAt: Date): SparkplugEvent[] {
    const session = this.sessions.get(nodeKey(topic)) ?? emptySession();
    const bdSeq = toNumber(payload.metrics?.find((metric) => metric.name === 'bdSeq')?.value);
    if (bdSeq !== undefined && session.bdSeq !== undefined && bdSeq !== session.bdSeq) return [];
    const { group, edgeNode } = topic;
    const events: SparkplugEvent[] = [...session.devices.keys()].map((device) => ({
      kind: 'offline',
      address: { group, edgeNode, device },
      time: receivedAt,
      cause: 'NDEATH',
    }));
    events.push({
      kind: 'offline',
      address: { group, edgeNode },
      time: receivedAt,
      cause: 'NDEATH',
    });
    this.sessions.set(nodeKey(topic), emptySession());
    return events;
  }

  private deviceDeath(
    topic: SparkplugTopic,
    payload: UPayload,
    receivedAt: Date,
  ): SparkplugEvent[] {
    const session = this.sessions.get(nodeKey(topic));
    const device = topic.device as string;
    session?.devices.delete(device);
    const time = toDate(payload.timestamp) ?? receivedAt;
    const { group, edgeNode } = topic;
    const events: SparkplugEvent[] = [
      { kind: 'offline', address: { group, edgeNode, device }, time, cause: 'DDEATH' },
    ];
    if (!session?.online) return events;
    const skipped = advance(session, payload);
    if (skipped === 0) return events;
    return [...events, ...lost(topic, skipped), ...this.rebirth(topic)];
  }

  private data(
    topic: SparkplugTopic,
    address: string,
    payload: UPayload,
    receivedAt: Date,
  ): SparkplugEvent[] {
    const session = this.sessions.get(nodeKey(topic));
    // Followed while waiting for the rebirth too, so gaps in that time count as well.
    const followed = session && (session.online || session.seq !== undefined);
    const skipped = followed ? advance(session, payload) : 0;
    if (!session?.online || skipped !== 0) return [...lost(topic, skipped), ...this.rebirth(topic)];
    const metrics = payload.metrics ?? [];
    if (topic.type === 'DBIRTH') {
      session.devices.set(topic.device as string, aliasTable(metrics));
      return samples(metrics, topic, payload, receivedAt);
    }
    const aliases = topic.device ? session.devices.get(topic.device) : session.aliases;
    if (!aliases) return this.rebirth(topic);
    const named: UMetric[] = [];
    const unknown: string[] = [];
    for (const metric of metrics) {
      const name = metric.name ?? aliases.get(toNumber(metric.alias) ?? -1);
      if (name === undefined) unknown.push(String(toNumber(metric.alias)));
      else named.push({ ...metric, name });
    }
    const events = samples(named, topic, payload, receivedAt);
    if (unknown.length) {
      const reason = `unknown metric alias ${unknown.join(', ')}`;
      events.push({ kind: 'deadLetter', address, reason });
    }
    return events;
  }

  /** Drops the node's data until its next NBIRTH and asks for one, at most every few seconds. */
  private rebirth(topic: SparkplugTopic): SparkplugEvent[] {
    const key = nodeKey(topic);
    const session = this.sessions.get(key) ?? emptySession();
    this.sessions.set(key, session);
    session.online = false;
    const now = this.now();
    const last = session.rebirthRequestedAt;
    if (last !== undefined && now - last < REBIRTH_RETRY_MS) return [];
    session.rebirthRequestedAt = now;
    return [
      {
        kind: 'rebirth',
        topic: `${SPARKPLUG_NAMESPACE}/${topic.group}/NCMD/${topic.edgeNode}`,
        payload: rebirthRequest(now),
      },
    ];
  }
}

/** The NCMD payload that asks an edge node to publish its NBIRTH and DBIRTHs again. */
export function rebirthRequest(timestamp: number): Uint8Array {
  return encodePayload({
    timestamp,
    metrics: [{ name: 'Node Control/Rebirth', type: 'Boolean', value: true }],
  });
}

function parseTopic(topic: string): SparkplugTopic | 'ignored' | null {
  const [namespace, group, type, edgeNode, device, ...rest] = topic.split('/');
  if (namespace !== SPARKPLUG_NAMESPACE || !group || !type || rest.length) return null;
  if (ignoredMessageTypes.has(type) || group === 'STATE') return 'ignored';
  if (!edgeNode) return null;
  if (nodeMessageTypes.has(type) && device === undefined) return { group, type, edgeNode };
  if (deviceMessageTypes.has(type) && device) return { group, type, edgeNode, device };
  return null;
}

function emptySession(): EdgeNodeSession {
  return {
    online: false,
    bdSeq: undefined,
    seq: undefined,
    seqTime: undefined,
    aliases: new Map(),
    devices: new Map(),
    rebirthRequestedAt: undefined,
  };
}

/**
 * Follows the message's seq: 0 when it is the expected one, else how many messages the gap
 * skipped, or -1 for a step back (not a loss, still a break in the sequence). A message without
 * seq is not checked.
 */
function advance(session: EdgeNodeSession, payload: UPayload): number {
  const seq = toNumber(payload.seq);
  if (seq === undefined) return 0;
  const time = toNumber(payload.timestamp);
  const expected = session.seq === undefined ? seq : (session.seq + 1) % 256;
  const ahead = (seq - expected + 256) % 256;
  // Not newer: the message handled last may come again itself (its acknowledgement was lost).
  const notNewer = time !== undefined && session.seqTime !== undefined && time <= session.seqTime;
  if (ahead >= SEQ_HALF_RANGE && notNewer) return -1;
  session.seq = seq;
  session.seqTime = time;
  return ahead;
}

function lost({ group, edgeNode }: SparkplugTopic, skipped: number): SparkplugEvent[] {
  return skipped > 0 ? [{ kind: 'lost', address: { group, edgeNode }, count: skipped }] : [];
}

function aliasTable(metrics: readonly UMetric[]): Map<number, string> {
  const table = new Map<number, string>();
  for (const metric of metrics) {
    const alias = toNumber(metric.alias);
    if (alias !== undefined && metric.name) table.set(alias, metric.name);
  }
  return table;
}

/** Protocol metrics every edge node sends; they are not plant data. */
function isControlMetric(name: string): boolean {
  return name === 'bdSeq' || name.startsWith('Node Control/') || name.startsWith('Device Control/');
}

function samples(
  metrics: readonly UMetric[],
  topic: SparkplugTopic,
  payload: UPayload,
  receivedAt: Date,
): SparkplugEvent[] {
  const prefix = metricPrefix(topic);
  const payloadTime = toDate(payload.timestamp);
  const isBirth = topic.type === 'NBIRTH' || topic.type === 'DBIRTH';
  const { group, edgeNode, device } = topic;
  return metrics.flatMap((metric): SparkplugEvent[] => {
    const { name } = metric;
    if (!name || isControlMetric(name)) return [];
    const sample: SparkplugEvent = {
      kind: 'sample',
      address: `${prefix}/${name}`,
      value: toPlain(metric.value),
      time: toDate(metric.timestamp) ?? payloadTime ?? receivedAt,
      quality: metric.value === null ? 'BAD' : 'GOOD',
    };
    if (!isBirth) return [sample];
    const birth = { group, edgeNode, ...(device ? { device } : {}), name, datatype: metric.type };
    return [{ ...sample, birth }];
  });
}

function nodeKey({ group, edgeNode }: SparkplugTopic): string {
  return `${group}/${edgeNode}`;
}

function metricPrefix({ group, edgeNode, device }: SparkplugTopic): string {
  return device ? `${group}/${edgeNode}/${device}` : `${group}/${edgeNode}`;
}

interface LongLike {
  toNumber(): number;
}

function isLong(value: unknown): value is LongLike {
  return typeof value === 'object' && value !== null && 'toNumber' in value;
}

/** protobufjs decodes 64-bit fields (seq, alias, timestamps, Int64 values) as Long objects. */
function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (isLong(value)) return value.toNumber();
  return undefined;
}

function toDate(value: unknown): Date | undefined {
  const millis = toNumber(value);
  return millis === undefined ? undefined : new Date(millis);
}

function toPlain(value: UMetric['value'] | undefined): unknown {
  if (value === undefined) return null;
  return isLong(value) ? value.toNumber() : value;
}

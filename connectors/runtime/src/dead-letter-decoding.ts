import {
  umhSettings,
  type ConnectionConfig,
  type MqttConnectionConfig,
  type Quality,
  type SourceSample,
} from '@plantgraph/ingest';
import { parseUmhMessage, parseUnsPayload, SPARKPLUG_NAMESPACE } from '@plantgraph/mqtt-connector';
import { decodePayload } from 'sparkplug-payload/lib/sparkplugbpayload.js';

export type DecodedLetter = { ok: true; samples: SourceSample[] } | { ok: false; reason: string };

/** Turns a stored dead letter back into samples, decoding it as its connection did. */
export function decodeDeadLetter(
  connection: ConnectionConfig,
  address: string,
  payload: Buffer,
  receivedAt: Date,
): DecodedLetter {
  try {
    if (connection.kind === 'opcua')
      return decodeOpcua(connection.id, address, payload, receivedAt);
    if (connection.format === 'uns-json') {
      const parsed = parseUnsPayload(payload, receivedAt);
      if (!parsed.ok) return parsed;
      return { ok: true, samples: [{ connection: connection.id, address, ...parsed.reading }] };
    }
    if (connection.format === 'umh') return decodeUmh(connection, address, payload);
    return decodeSparkplug(connection.id, address, payload, receivedAt);
  } catch (error) {
    return { ok: false, reason: `cannot decode: ${(error as Error).message}` };
  }
}

/**
 * A UMH dead letter holds the whole message: at its topic when the message was refused, at one
 * tag's address when only that tag was. The message is read at each topic the address may have
 * come from, shortest first, for the tag with this address; failing that, as a message on it.
 */
function decodeUmh(
  connection: MqttConnectionConfig,
  address: string,
  payload: Buffer,
): DecodedLetter {
  const { prefix } = umhSettings(connection);
  const levels = address.split('/');
  for (let length = 1; length < levels.length; length += 1) {
    const parsed = parseUmhMessage(prefix, levels.slice(0, length).join('/'), payload);
    const tag = parsed.ok ? parsed.tags.find((candidate) => candidate.address === address) : null;
    if (parsed.ok && tag) return { ok: true, samples: [umhSample(connection, parsed.time, tag)] };
  }
  const parsed = parseUmhMessage(prefix, address, payload);
  if (!parsed.ok) return { ok: false, reason: 'reason' in parsed ? parsed.reason : parsed.ignored };
  return { ok: true, samples: parsed.tags.map((tag) => umhSample(connection, parsed.time, tag)) };
}

function umhSample(
  connection: MqttConnectionConfig,
  time: Date,
  tag: { address: string; value: unknown },
): SourceSample {
  return {
    connection: connection.id,
    address: tag.address,
    value: tag.value,
    time,
    quality: 'GOOD',
  };
}

interface OpcuaLetter {
  arrayType?: string;
  value: unknown;
  status?: string;
  sourceTimestamp?: string | null;
  serverTimestamp?: string | null;
}

function qualityOf(status = 'Good'): Quality {
  if (status.startsWith('Good')) return 'GOOD';
  return status.startsWith('Uncertain') ? 'UNCERTAIN' : 'BAD';
}

function decodeOpcua(
  connection: string,
  address: string,
  payload: Buffer,
  receivedAt: Date,
): DecodedLetter {
  // Arrays and structures are in the letter as plain JSON, as the mapper saw them.
  const letter = JSON.parse(payload.toString('utf8')) as OpcuaLetter;
  const stamp = letter.sourceTimestamp ?? letter.serverTimestamp;
  return {
    ok: true,
    samples: [
      {
        connection,
        address,
        value: letter.value,
        time: stamp ? new Date(stamp) : receivedAt,
        quality: qualityOf(letter.status),
      },
    ],
  };
}

interface SparkplugMetric {
  name?: string;
  alias?: unknown;
  value?: unknown;
  timestamp?: unknown;
  isNull?: boolean;
}

const toNumber = (value: unknown) =>
  typeof value === 'object' && value !== null && 'toNumber' in value
    ? (value as { toNumber(): number }).toNumber()
    : value;

/**
 * Only metrics that carry their name can be replayed: an alias alone means nothing without the
 * birth certificate that defined it (Sparkplug 3.0, 6.4.x).
 */
function decodeSparkplug(
  connection: string,
  topic: string,
  payload: Buffer,
  receivedAt: Date,
): DecodedLetter {
  const [namespace, group, , edgeNode, device] = topic.split('/');
  if (namespace !== SPARKPLUG_NAMESPACE || !group || !edgeNode) {
    return { ok: false, reason: `not a Sparkplug B topic: ${topic}` };
  }
  const decoded = decodePayload(payload) as { metrics?: SparkplugMetric[] };
  const samples: SourceSample[] = [];
  for (const metric of decoded.metrics ?? []) {
    if (!metric.name) {
      return { ok: false, reason: `metric alias ${String(toNumber(metric.alias))} has no name` };
    }
    const stamp = toNumber(metric.timestamp);
    samples.push({
      connection,
      address: [group, edgeNode, device, metric.name].filter(Boolean).join('/'),
      value: metric.isNull ? null : toNumber(metric.value),
      time: typeof stamp === 'number' ? new Date(stamp) : receivedAt,
      quality: metric.isNull ? 'BAD' : 'GOOD',
    });
  }
  return { ok: true, samples };
}

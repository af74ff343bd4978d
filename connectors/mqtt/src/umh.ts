import { parseUmhTopic, UMH_HISTORIAN } from '@plantgraph/ingest';

/** One tag value of a UMH `_historian` message, at the address of that tag. */
export interface UmhTagValue {
  /** The tag's own topic: the message topic, then the JSON keys down to the value. */
  address: string;
  value: string | number | boolean;
}

export type UmhParseResult =
  | { ok: true; time: Date; tags: UmhTagValue[] }
  | { ok: false; reason: string }
  /** Not a `_historian` topic under the prefix: nothing UMH's historian would store. */
  | { ok: false; ignored: string };

type JsonObject = Record<string, unknown>;

/** A value below the message object, with the keys that lead to it. */
interface Leaf {
  keys: string[];
  value: string | number | boolean;
}

/**
 * Reads a message of UMH's `_historian` data contract: a JSON object with `timestamp_ms` (epoch
 * milliseconds) and one or more tag values (number, string or boolean). Objects group tags, as
 * levels after `_historian` in the topic do: `{"pos": {"x": 1}}` on `…/_historian/head` is the tag
 * at `…/_historian/head/pos/x`. A key equal to the topic's last level is that level's tag
 * (`{"temperature": 21}` on `…/_historian/temperature`), and so is a lone `value` key.
 */
export function parseUmhMessage(prefix: string, topic: string, payload: Buffer): UmhParseResult {
  const levels = parseUmhTopic(prefix, topic);
  if (!levels) return { ok: false, ignored: `not under ${prefix}/` };
  if ('reason' in levels) return { ok: false, reason: levels.reason };
  if (levels.schema !== UMH_HISTORIAN) return { ok: false, ignored: `schema ${levels.schema}` };
  let message: unknown;
  try {
    message = JSON.parse(payload.toString('utf8'));
  } catch (error) {
    return { ok: false, reason: `invalid JSON: ${(error as Error).message}` };
  }
  if (!isObject(message)) {
    return {
      ok: false,
      reason: `expected a JSON object with timestamp_ms, got ${kindOf(message)}`,
    };
  }
  const { timestamp_ms: stamp, ...values } = message;
  const time = timeOf(stamp);
  if ('reason' in time) return { ok: false, reason: time.reason };
  const leaves: Leaf[] = [];
  const problem = collect(values, [], leaves);
  if (problem) return { ok: false, reason: problem };
  if (leaves.length === 0) return { ok: false, reason: 'no tag values besides timestamp_ms' };
  const last = levels.groups.at(-1);
  return {
    ok: true,
    time: time.date,
    tags: leaves.map(({ keys, value }) => ({
      address: ownLevel(keys, last, leaves.length) ? topic : [topic, ...keys].join('/'),
      value,
    })),
  };
}

/** Whether the keys stand for the topic's last level itself rather than a tag below it. */
function ownLevel(keys: string[], last: string | undefined, count: number): boolean {
  if (last === undefined || keys.length !== 1) return false;
  return keys[0] === last || (keys[0] === 'value' && count === 1);
}

function timeOf(stamp: unknown): { date: Date } | { reason: string } {
  if (stamp === undefined) return { reason: 'missing timestamp_ms' };
  const date = typeof stamp === 'number' && Number.isInteger(stamp) ? new Date(stamp) : null;
  if (!date || Number.isNaN(date.getTime())) {
    return {
      reason: `timestamp_ms must be epoch milliseconds (an integer), got ${JSON.stringify(stamp)}`,
    };
  }
  return { date };
}

/** Gathers the leaf values below `object`; returns a reason at the first it cannot store. */
function collect(object: JsonObject, path: string[], into: Leaf[]): string | undefined {
  for (const [key, value] of Object.entries(object)) {
    const keys = [...path, key];
    const name = keys.join('.');
    if (key === '' || /[/+#]/.test(key)) {
      return `tag key "${name}" must not be empty or contain "/", "+" or "#"`;
    }
    if (isObject(value)) {
      const problem = collect(value, keys, into);
      if (problem) return problem;
    } else if (typeof value === 'string' || typeof value === 'boolean') {
      into.push({ keys, value });
    } else if (typeof value === 'number' && Number.isFinite(value)) {
      into.push({ keys, value });
    } else {
      return `tag "${name}" has ${kindOf(value)}: expected a number, string or boolean`;
    }
  }
  return undefined;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `${typeof value === 'object' ? 'an' : 'a'} ${typeof value}`;
}

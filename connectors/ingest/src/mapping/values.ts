import type { SourceConfig } from '../plant-config.ts';
import { isPlainObject, parseJsonPath, pickElement, readJsonPath } from '../plant-config.ts';

export type Read = { value: unknown } | { reason: string };

/** A short rendering of an unexpected value for a dead-letter reason. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string')
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'bigint') return String(value);
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object' && value !== null) return 'an object';
  return String(value);
}

/**
 * How the value of a sample is found. UNS JSON samples carry the parsed payload: `jsonPath`
 * picks the reading; without it an object's `value` is the reading and a bare JSON value is one
 * itself. OPC UA and Sparkplug samples carry the value as is: an OPC UA array or structure as
 * plain JSON, from which `index` and `field` pick an element.
 */
export function payloadReader(source: SourceConfig): (payload: unknown) => Read {
  if ('nodeId' in source || 'browsePath' in source) {
    const { index, field } = source;
    if (index === undefined && field === undefined) return (payload) => ({ value: payload });
    return (payload) => pickElement(payload, { index, field });
  }
  if (!('topic' in source)) return (payload) => ({ value: payload });
  const { jsonPath } = source;
  if (jsonPath !== undefined) {
    const path = parseJsonPath(jsonPath);
    return (payload) => {
      const value = readJsonPath(payload, path);
      return value === undefined ? { reason: `no value at ${jsonPath}` } : { value };
    };
  }
  return (payload) => {
    if (!isPlainObject(payload)) return { value: payload };
    return 'value' in payload ? { value: payload.value } : { reason: 'payload has no "value"' };
  };
}

/** A finite number from a JavaScript number or a 64-bit integer; null for anything else. */
export function toFiniteNumber(value: unknown): number | null {
  if (typeof value === 'bigint') return Number(value);
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/**
 * A value as JSON text for a JSON tag: a whole array or structure. 64-bit integers become
 * numbers, exact up to 2^53; nothing (null) stays null rather than the text "null".
 */
export function toJsonText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return JSON.stringify(value, (_key, item: unknown) =>
    typeof item === 'bigint' ? Number(item) : item,
  );
}

/** A whole number as bigint (bit tests up to bit 63 stay exact); null for anything else. */
export function toWhole(value: unknown): bigint | null {
  if (typeof value === 'bigint') return value;
  return typeof value === 'number' && Number.isInteger(value) ? BigInt(value) : null;
}

export function isBitSet(word: bigint, bit: number): boolean {
  return ((word >> BigInt(bit)) & 1n) === 1n;
}

import type { Quality } from '@plantgraph/ingest';

/** A UNS JSON message as a value, its time and quality, before mapping. */
export interface UnsReading {
  value: unknown;
  time: Date;
  quality: Quality;
}

export type UnsParseResult = { ok: true; reading: UnsReading } | { ok: false; reason: string };

const envelopeKeys = new Set(['value', 'timestamp', 'quality']);
// Date accepts almost any string ("1" is the year 2001); only ISO 8601 is taken.
const isoDate = /^\d{4}-\d{2}-\d{2}/;
const qualities = new Set<string>(['GOOD', 'UNCERTAIN', 'BAD']);

/**
 * Reads a UNS JSON payload. `{"value": x, "timestamp": t, "quality": q}` unwraps to `x`; any other
 * object is passed whole so a mapping's jsonPath can pick from it; a bare JSON value is the value.
 * `timestamp` is epoch milliseconds or an ISO 8601 string and defaults to `receivedAt`; `quality`
 * is GOOD, UNCERTAIN or BAD and defaults to GOOD.
 */
export function parseUnsPayload(payload: Buffer, receivedAt: Date): UnsParseResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload.toString('utf8'));
  } catch (error) {
    return { ok: false, reason: `invalid JSON: ${(error as Error).message}` };
  }
  if (!isRecord(parsed)) {
    return { ok: true, reading: { value: parsed, time: receivedAt, quality: 'GOOD' } };
  }
  const time = parseTimestamp(parsed.timestamp, receivedAt);
  if (!time) return { ok: false, reason: `invalid timestamp ${JSON.stringify(parsed.timestamp)}` };
  const quality = parseQuality(parsed.quality);
  if (!quality) return { ok: false, reason: `invalid quality ${JSON.stringify(parsed.quality)}` };
  const value = isEnvelope(parsed) ? parsed.value : parsed;
  return { ok: true, reading: { value, time, quality } };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isEnvelope(object: Record<string, unknown>): boolean {
  return 'value' in object && Object.keys(object).every((key) => envelopeKeys.has(key));
}

function parseTimestamp(timestamp: unknown, receivedAt: Date): Date | null {
  if (timestamp === undefined || timestamp === null) return receivedAt;
  const valid =
    typeof timestamp === 'number' || (typeof timestamp === 'string' && isoDate.test(timestamp));
  if (!valid) return null;
  const time = new Date(timestamp);
  return Number.isNaN(time.getTime()) ? null : time;
}

function parseQuality(quality: unknown): Quality | null {
  if (quality === undefined || quality === null) return 'GOOD';
  if (typeof quality !== 'string') return null;
  const upper = quality.toUpperCase();
  return qualities.has(upper) ? (upper as Quality) : null;
}

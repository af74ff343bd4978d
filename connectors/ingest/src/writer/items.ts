import { createHash } from 'node:crypto';
import { z } from 'zod';
import {
  alarmSeverities,
  counterKinds,
  machineStates,
  type DeadLetterRecord,
  type IngestRecord,
} from '../records.ts';

/** Dead-letter payloads are stored up to this size; `payload_size` keeps the original length. */
export const MAX_PAYLOAD_BYTES = 64 * 1024;

/**
 * The connection name of letters the writer itself rejects (a record the database refused).
 * Configured connection ids start with a letter or digit, so it never collides with one.
 */
export const WRITER_CONNECTION = '_writer';

/** A dead letter as the writer queues, spools and stores it: payload already truncated. */
export interface StoredDeadLetter {
  kind: 'deadLetter';
  /** Derived from the content, so a replayed letter is stored once. */
  id: string;
  connection: string;
  address: string;
  payload: Buffer;
  payloadSize: number;
  reason: string;
  time: Date;
  /** The configuration version the connector ran when it refused the message. */
  configVersion: number | null;
}

/** What the writer's queue and spool hold: records and dead letters, in arrival order. */
export type QueueItem = IngestRecord | StoredDeadLetter;

// PostgreSQL text cannot hold NUL; a letter must always be storable.
const withoutNul = (text: string): string => text.replaceAll('\u0000', '\uFFFD');

function validTime(time: unknown, fallback = new Date()): Date {
  return time instanceof Date && !Number.isNaN(time.getTime()) ? time : fallback;
}

function contentId(parts: readonly (string | Buffer)[]): string {
  const hash = createHash('sha1');
  for (const part of parts) hash.update(part).update('\u0000');
  const hex = hash.digest('hex');
  // Shaped as a name-based (version 5) UUID.
  const variant = ((parseInt(hex[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Truncates the payload and gives the letter its content-derived id. */
export function toStoredDeadLetter(letter: DeadLetterRecord): StoredDeadLetter {
  const full = Buffer.isBuffer(letter.payload)
    ? letter.payload
    : Buffer.from(letter.payload, 'utf8');
  const payload = full.subarray(0, MAX_PAYLOAD_BYTES);
  const time = validTime(letter.time);
  const connection = withoutNul(letter.connection);
  const address = withoutNul(letter.address);
  const reason = withoutNul(letter.reason);
  return {
    kind: 'deadLetter',
    id: contentId([connection, address, time.toISOString(), reason, payload]),
    connection,
    address,
    payload,
    payloadSize: full.length,
    reason,
    time,
    configVersion: letter.configVersion ?? null,
  };
}

const recordKey = (record: IngestRecord): string =>
  record.kind === 'datapoint' ? record.tagId : record.assetId;

/** A record the database refused (or that references nothing), kept as a writer dead letter. */
export function rejectedRecord(record: IngestRecord, reason: string): StoredDeadLetter {
  return toStoredDeadLetter({
    connection: WRITER_CONNECTION,
    address: `${record.kind}/${String(recordKey(record))}`,
    payload: JSON.stringify(record),
    reason,
    time: validTime(record.time),
  });
}

/** A spool line that could not be read back (a write torn by a crash). */
function unreadableLine(line: string, reason: string, time: Date): StoredDeadLetter {
  return toStoredDeadLetter({
    connection: WRITER_CONNECTION,
    address: 'spool',
    payload: line,
    reason: `unreadable spool line: ${reason}`,
    time,
  });
}

/** One NDJSON spool line; dates as ISO strings, dead-letter payloads as base64. */
export function toSpoolLine(item: QueueItem): string {
  if (item.kind !== 'deadLetter') return JSON.stringify(item);
  return JSON.stringify({ ...item, payload: item.payload.toString('base64') });
}

const time = z.iso.datetime({ offset: true }).transform((text) => new Date(text));
const uuid = z.string().min(1);
/**
 * Names a record carries for publishing. Lines spooled by a version whose records had none read
 * back with empty names: they are stored all the same, and not published.
 */
const name = z.string().default('');
const place = { assetId: uuid, assetPath: name };

const spoolLineSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('datapoint'),
    tagId: uuid,
    tag: name,
    assetId: name,
    assetPath: name,
    time,
    value: z.number().nullable(),
    text: z.string().nullable(),
    quality: z.enum(['GOOD', 'UNCERTAIN', 'BAD']),
  }),
  z.object({
    kind: z.literal('state'),
    ...place,
    time,
    state: z.enum(machineStates),
    reason: z.string().nullable(),
  }),
  z.object({
    kind: z.literal('counter'),
    ...place,
    time,
    counter: z.enum(counterKinds),
    increment: z.number(),
    total: z.object({ connection: z.string(), address: z.string(), value: z.number() }).optional(),
  }),
  z.object({
    kind: z.literal('alarm'),
    ...place,
    time,
    code: z.string(),
    active: z.boolean(),
    severity: z.enum(alarmSeverities),
    message: z.string(),
    clearReason: z.string().optional(),
  }),
  z.object({
    kind: z.literal('deadLetter'),
    id: uuid,
    connection: z.string(),
    address: z.string(),
    payload: z.base64().transform((text) => Buffer.from(text, 'base64')),
    payloadSize: z.number().int().min(0),
    reason: z.string(),
    time,
    // Spool lines written before versions existed have none.
    configVersion: z.number().int().nullable().default(null),
  }),
]);

/**
 * Reads a spool line back; a line that does not parse comes back as a writer dead letter received
 * at `fileTime` (the spool file's creation), so replaying the file twice stores it once.
 */
export function fromSpoolLine(line: string, fileTime: Date): QueueItem {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch (error) {
    return unreadableLine(line, (error as Error).message, fileTime);
  }
  const parsed = spoolLineSchema.safeParse(json);
  if (!parsed.success) return unreadableLine(line, z.prettifyError(parsed.error), fileTime);
  return parsed.data;
}

import type { BulkColumn, Sql } from '@plantgraph/db';

/** A message no mapping could turn into data, as a connector stores it. */
export interface NewDeadLetter {
  /** Derived from the content, so a letter stored twice is kept once. */
  id: string;
  connection: string;
  address: string;
  /** The (possibly truncated) payload. */
  payload: Buffer;
  /** The size of the payload as received. */
  payloadSize: number;
  reason: string;
  time: Date;
  /** The configuration version that refused it, when the connector ran a stored version. */
  configVersion: number | null;
}

/** A dead letter whose replay was requested and not yet carried out. */
export interface PendingReplay {
  id: string;
  connection: string;
  address: string;
  payload: Uint8Array;
  received_at: Date;
}

const col = (name: string, type: string): BulkColumn => ({ name, type });

const DEAD_LETTER_COLUMNS = [
  col('id', 'uuid'),
  col('connection', 'text'),
  col('address', 'text'),
  col('payload', 'bytea'),
  col('payload_size', 'int4'),
  col('reason', 'text'),
  col('received_at', 'timestamptz'),
  col('config_version', 'int4'),
];

// bytea's hex input format: the bulk loader hands every value over as text.
const hex = (payload: Buffer): string => `\\x${payload.toString('hex')}`;

/** Stores dead letters in one statement; a letter already stored (same id) is ignored. */
export function insertDeadLetters(tx: Sql, letters: readonly NewDeadLetter[]): Promise<void> {
  return tx.bulkInsert(
    'dead_letter',
    DEAD_LETTER_COLUMNS,
    letters.map((l) => [
      l.id,
      l.connection,
      l.address,
      hex(l.payload),
      l.payloadSize,
      l.reason,
      l.time,
      l.configVersion,
    ]),
    'on conflict (id) do nothing',
  );
}

/**
 * The oldest dead letters of these connections whose replay was requested (`requestReplay`) and
 * has neither succeeded nor failed yet, at most `limit`.
 */
export function pendingReplays(
  sql: Sql,
  connections: readonly string[],
  limit: number,
): Promise<PendingReplay[]> {
  return sql.query<PendingReplay>(
    `select id, connection, address, payload, received_at from dead_letter
      where replay_requested_at is not null and replayed_at is null and replay_error is null
        and connection = any($1::text[])
      order by received_at limit $2`,
    [connections, limit],
  );
}

/** Records a replay's outcome: replayed now, or why the letter still does not map. */
export async function settleReplay(
  sql: Sql,
  id: string,
  outcome: { ok: true } | { ok: false; reason: string },
): Promise<void> {
  await sql.query(
    outcome.ok
      ? 'update dead_letter set replayed_at = now(), replay_error = null where id = $1'
      : 'update dead_letter set replay_error = $2 where id = $1',
    outcome.ok ? [id] : [id, outcome.reason],
  );
}

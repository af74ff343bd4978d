import type { Sql } from '@plantgraph/db';
import { NotFoundError } from '@plantgraph/errors';
import { microsOf, timestampFromMicros } from '@plantgraph/db';

/** A message no mapping could turn into data, as the dead_letter table keeps it. */
export interface DeadLetterRow {
  id: string;
  connection: string;
  address: string;
  payload: Uint8Array;
  payload_size: number;
  reason: string;
  received_at: Date;
  /** `received_at` in exact microseconds: the cursor key. */
  received_us: number;
  replay_requested_at: Date | null;
  replayed_at: Date | null;
  replay_error: string | null;
  /** The configuration version its connector ran when it refused the message; null before any. */
  config_version: number | null;
}

const columns = `id, connection, address, payload, payload_size, reason, received_at,
  ${microsOf('received_at')} as received_us,
  replay_requested_at, replayed_at, replay_error, config_version`;

/** Which dead letters a page lists and where it starts. */
export interface DeadLetterListing {
  /** Only letters of this connection; null for all. */
  source: string | null;
  /** Received in [from, to); null leaves that side open. */
  from: Date | null;
  to: Date | null;
  /** The (received_us, id) of the previous page's last letter; undefined to start. */
  after: { micros: number; id: string } | undefined;
  /** Rows to read: the page size plus one, which tells whether another page exists. */
  limit: number;
}

/**
 * One page of dead letters, newest first, and how many the whole list holds. The cursor keeps
 * microseconds so pages neither skip nor repeat letters.
 */
export async function deadLetterPage(
  sql: Sql,
  listing: DeadLetterListing,
): Promise<{ rows: DeadLetterRow[]; total: number }> {
  const filter = `($1::text is null or connection = $1)
    and ($2::timestamptz is null or received_at >= $2)
    and ($3::timestamptz is null or received_at < $3)`;
  const params = [listing.source, listing.from, listing.to];
  const [rows, [count]] = await Promise.all([
    sql.query<DeadLetterRow>(
      `select ${columns} from dead_letter
        where ${filter}
          and ($4::int8 is null or (received_at, id) < (${timestampFromMicros('$4')}, $5::uuid))
        order by received_at desc, id desc limit $6`,
      [...params, listing.after?.micros ?? null, listing.after?.id ?? null, listing.limit],
    ),
    sql.query<{ total: number }>(
      `select count(*) as total from dead_letter where ${filter}`,
      params,
    ),
  ]);
  return { rows, total: count?.total ?? 0 };
}

/**
 * Asks the connectors to map these letters again (after a mapping fix): the process that owns
 * each letter's connection picks the request up, stores what maps and records why the rest
 * still fails. All or nothing: NOT_FOUND naming `ids` for the first unknown id. Returns the
 * letters in the order of `ids`, which must hold no duplicates.
 */
export function requestReplay(sql: Sql, ids: readonly string[]): Promise<DeadLetterRow[]> {
  return sql.transaction(async (tx) => {
    const rows = await tx.query<DeadLetterRow>(
      `update dead_letter
          set replay_requested_at = now(), replayed_at = null, replay_error = null
        where id = any($1::uuid[])
       returning ${columns}`,
      [ids],
    );
    if (rows.length !== ids.length) {
      const found = new Set(rows.map((row) => row.id));
      const missing = ids.find((id) => !found.has(id)) ?? '';
      throw new NotFoundError('DeadLetter', missing, 'ids');
    }
    const order = new Map(ids.map((id, index) => [id, index]));
    return rows.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
  });
}

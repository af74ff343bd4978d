import { exactTimeOf, type Sql } from '@plantgraph/db';
import type { DatapointQuality } from './sample.ts';

/** Samples per statement of a chunked read. */
export const SAMPLE_CHUNK_ROWS = 20_000;

/** One sample as chunks return it: the time as text with every microsecond. */
export interface ExactSample {
  /** `2026-11-20T08:15:00.123456Z`; the next chunk's key, which a Date would truncate. */
  time: string;
  value: number | null;
  quality: DatapointQuality;
  text: string | null;
}

const chunkStatement = (after: boolean) =>
  `select ${exactTimeOf('d.time')} as time, d.value, d.quality::text as quality, d.text
     from datapoint d
    where d.tag_id = $1 and d.time ${after ? '>' : '>='} $2::timestamptz and d.time < $3
    order by d.time
    limit $4`;
const FIRST_CHUNK = chunkStatement(false);
const NEXT_CHUNK = chunkStatement(true);

/**
 * One tag's samples in [from, to), oldest first, in chunks of `chunkRows`: each chunk one range
 * of the (tag_id, time) index starting after the last sample of the one before (keyset
 * pagination, which both backends run alike; PGlite has no server-side cursors). The next
 * chunk is read while the caller works on this one, and not before it asks for this one: memory
 * stays at two chunks however long the window.
 */
export async function* sampleChunks(
  sql: Sql,
  tagId: string,
  window: { from: Date; to: Date },
  chunkRows = SAMPLE_CHUNK_ROWS,
): AsyncGenerator<ExactSample[]> {
  const read = (statement: string, after: string) =>
    sql.query<ExactSample>(statement, [tagId, after, window.to, chunkRows]);
  let pending = read(FIRST_CHUNK, window.from.toISOString());
  for (;;) {
    const rows = await pending;
    const last = rows.length === chunkRows ? rows.at(-1) : undefined;
    if (last) {
      pending = read(NEXT_CHUNK, last.time);
      // Handled where it is awaited; a consumer that stops early never awaits it.
      pending.catch(() => undefined);
    }
    yield rows;
    if (!last) return;
  }
}

/**
 * How many samples `tagIds` hold in [from, to): one count over the (tag_id, time) index, for an
 * export that must know its size before it starts.
 */
export async function sampleCount(
  sql: Sql,
  tagIds: readonly string[],
  window: { from: Date; to: Date },
): Promise<number> {
  const [row] = await sql.query<{ count: string }>(
    `select count(*)::text as count from datapoint
      where tag_id = any($1::uuid[]) and time >= $2 and time < $3`,
    [tagIds, window.from, window.to],
  );
  return Number(row?.count ?? 0);
}

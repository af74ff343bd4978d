import type { Sql } from '@plantgraph/db';
import type { RowEncoder } from './export-format.ts';
import type { ExportTag } from './export-tags.ts';

/** Samples per statement of a raw export. */
export const RAW_CHUNK_ROWS = 20_000;

const TIME_COLUMNS = ['time'];
const TAG_COLUMNS = ['tag_id', 'tag', 'asset_path'];
const SAMPLE_COLUMNS = ['value', 'quality', 'text'];

/** The columns of a raw export, in order. */
export const RAW_COLUMNS = [...TIME_COLUMNS, ...TAG_COLUMNS, ...SAMPLE_COLUMNS];

/** One sample as the chunk statements return it. */
export interface RawSample {
  /** The sample's time with all its microseconds: `2026-11-20T08:15:00.123456Z`. */
  time: string;
  value: number | null;
  quality: string;
  text: string | null;
}

// PostgreSQL keeps microseconds, a JavaScript Date milliseconds: a millisecond key would repeat
// or skip samples at chunk edges, so the key travels as text with every digit.
const EXACT_TIME = `to_char(d.time at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

const chunkStatement = (after: boolean) =>
  `select ${EXACT_TIME} as time, d.value, d.quality::text as quality, d.text
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
 * chunk is read while the caller writes this one.
 */
export async function* rawSampleChunks(
  sql: Sql,
  tagId: string,
  window: { from: Date; to: Date },
  chunkRows = RAW_CHUNK_ROWS,
): AsyncGenerator<RawSample[]> {
  const read = (statement: string, after: string) =>
    sql.query<RawSample>(statement, [tagId, after, window.to, chunkRows]);
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

/** `2026-11-20T08:15:00.123456Z` → `2026-11-20T08:15:00.123Z`. */
const toMilliseconds = (time: string) => `${time.slice(0, 23)}Z`;

/**
 * The file of a raw export, in pieces of a chunk each: the header, then each tag's samples in
 * time order, tag after tag. The first piece holds the header and the first samples.
 */
export async function* rawExport(
  sql: Sql,
  tags: readonly ExportTag[],
  window: { from: Date; to: Date },
  encoder: RowEncoder,
  chunkRows = RAW_CHUNK_ROWS,
): AsyncGenerator<string> {
  let piece = encoder.header(RAW_COLUMNS);
  for (const tag of tags) {
    const tagCells = encoder.fragment(TAG_COLUMNS, [tag.id, tag.name, tag.asset_path]);
    for await (const samples of rawSampleChunks(sql, tag.id, window, chunkRows)) {
      for (const sample of samples) {
        piece += encoder.row([
          encoder.fragment(TIME_COLUMNS, [toMilliseconds(sample.time)]),
          tagCells,
          encoder.fragment(SAMPLE_COLUMNS, [sample.value, sample.quality, sample.text]),
        ]);
      }
      if (piece === '') continue;
      yield piece;
      piece = '';
    }
  }
  if (piece !== '') yield piece;
}

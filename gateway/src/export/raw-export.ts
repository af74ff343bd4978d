import type { Sql } from '@plantgraph/db';
import { SAMPLE_CHUNK_ROWS, sampleChunks } from '@plantgraph/timeseries-domain';
import type { RowEncoder } from './export-format.ts';
import type { ExportTag } from './export-tags.ts';

const TIME_COLUMNS = ['time'];
const TAG_COLUMNS = ['tag_id', 'tag', 'asset_path'];
const SAMPLE_COLUMNS = ['value', 'quality', 'text'];

/** The columns of a raw export, in order. */
export const RAW_COLUMNS = [...TIME_COLUMNS, ...TAG_COLUMNS, ...SAMPLE_COLUMNS];

/** `2026-11-20T08:15:00.123456Z` → `2026-11-20T08:15:00.123Z`. */
const toMilliseconds = (time: string) => `${time.slice(0, 23)}Z`;

/**
 * The file of a raw export, in pieces of a chunk each: the header, then each tag's samples in
 * time order, tag after tag. The first piece holds the header and the first samples. Chunks are
 * the timeseries domain's keyset reads: the next is read only when this generator is asked for
 * more, so the endpoint's backpressure reaches the database.
 */
export async function* rawExport(
  sql: Sql,
  tags: readonly ExportTag[],
  window: { from: Date; to: Date },
  encoder: RowEncoder,
  chunkRows = SAMPLE_CHUNK_ROWS,
): AsyncGenerator<string> {
  let piece = encoder.header(RAW_COLUMNS);
  for (const tag of tags) {
    const tagCells = encoder.fragment(TAG_COLUMNS, [tag.id, tag.name, tag.assetPath]);
    for await (const samples of sampleChunks(sql, tag.id, window, chunkRows)) {
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

import type { Sql } from '@plantgraph/db';
import { sampleChunks } from '@plantgraph/timeseries-domain';
import { functionColumns, tagFramePages, type RunFrame } from './aggregate-export.ts';
import {
  ColumnBatchBuilder,
  microsecondsOf,
  microsecondsOfIso,
  type ColumnBatch,
  type ColumnarFormatWriter,
  type ColumnSpec,
} from './column-batch.ts';
import type { AggregateSpec } from './export-request.ts';
import type { ExportTag } from './export-tags.ts';

/**
 * Rows per Parquet row group and Arrow record batch: large enough for readers to scan well
 * (Parquet readers read a row group at a time), small enough that a batch in flight stays a few
 * megabytes.
 */
export const BATCH_ROWS = 100_000;

const TAG_SPECS: readonly ColumnSpec[] = [
  { name: 'tag_id', kind: 'text', nullable: false },
  { name: 'tag', kind: 'text', nullable: false },
  { name: 'asset_path', kind: 'text', nullable: false },
];

/** The columns of a raw columnar export: those of CSV, with the time in microseconds. */
export const RAW_SPECS: readonly ColumnSpec[] = [
  { name: 'time', kind: 'time', nullable: false },
  ...TAG_SPECS,
  { name: 'value', kind: 'double', nullable: true },
  { name: 'quality', kind: 'text', nullable: false },
  { name: 'text', kind: 'text', nullable: true },
];

/** The columns of an aggregated columnar export: those of CSV, a double per function. */
export function aggregateSpecs(spec: AggregateSpec): ColumnSpec[] {
  return [
    { name: 'bucket_start', kind: 'time', nullable: false },
    ...TAG_SPECS,
    ...functionColumns(spec).map((name): ColumnSpec => ({ name, kind: 'double', nullable: true })),
  ];
}

/**
 * A raw export's samples in batches of `batchRows`, in the order of the text formats: each tag's
 * samples oldest first, tag after tag; a batch may hold the end of one tag and the start of the
 * next. The next chunk is read only when a batch is asked for and not yet full.
 */
export async function* rawBatches(
  sql: Sql,
  tags: readonly ExportTag[],
  window: { from: Date; to: Date },
  batchRows = BATCH_ROWS,
): AsyncGenerator<ColumnBatch> {
  const builder = new ColumnBatchBuilder(RAW_SPECS, batchRows);
  for (const tag of tags) {
    for await (const samples of sampleChunks(sql, tag.id, window)) {
      for (const sample of samples) {
        builder.push([
          microsecondsOf(sample.time),
          tag.id,
          tag.name,
          tag.assetPath,
          sample.value,
          sample.quality,
          sample.text,
        ]);
        if (builder.full) yield builder.take();
      }
    }
  }
  if (!builder.empty) yield builder.take();
}

/**
 * An aggregated export's buckets in batches of `batchRows`: `timeseriesFrame` through the graph,
 * a frame per tag, as in the text formats (tagFramePages).
 */
export async function* aggregateBatches(
  runFrame: RunFrame,
  tags: readonly ExportTag[],
  window: { from: Date; to: Date },
  spec: AggregateSpec,
  batchRows = BATCH_ROWS,
): AsyncGenerator<ColumnBatch> {
  const builder = new ColumnBatchBuilder(aggregateSpecs(spec), batchRows);
  for await (const { tag, page } of tagFramePages(runFrame, tags, window, spec)) {
    for (const [index, start] of page.timestamps.entries()) {
      builder.push([
        microsecondsOfIso(start),
        tag.id,
        tag.name,
        tag.assetPath,
        ...page.columns.map((column) => column.values[index] ?? null),
      ]);
      if (builder.full) yield builder.take();
    }
  }
  if (!builder.empty) yield builder.take();
}

/**
 * The file of a columnar export in pieces: the file's start with the first batch (so that what
 * can fail the first batch fails before anything is sent), then a piece per batch, then the end.
 * A batch is encoded only when the piece before it has been taken.
 */
export async function* columnarExport(
  batches: AsyncGenerator<ColumnBatch>,
  format: ColumnarFormatWriter,
  columns: readonly ColumnSpec[],
): AsyncGenerator<Uint8Array> {
  const encoder = format.encoder(columns);
  let head: Uint8Array | undefined = encoder.start();
  try {
    for await (const batch of batches) {
      const bytes = encoder.batch(batch);
      yield head ? Buffer.concat([head, bytes]) : bytes;
      head = undefined;
    }
    const end = encoder.end();
    yield head ? Buffer.concat([head, end]) : end;
  } finally {
    await batches.return(undefined);
  }
}

import type { Sql } from '@plantgraph/db';
import { PlantgraphError } from '@plantgraph/errors';
import { parseInterval, sampleCount } from '@plantgraph/timeseries-domain';
import type { ExportRequest } from './export-request.ts';
import type { ExportTag } from './export-tags.ts';

/**
 * Rows a Parquet export may hold unless configured otherwise. A Parquet file is readable only
 * once its footer has arrived, and readers (pandas, polars) load it whole; CSV, NDJSON and Arrow
 * streams have no such limit.
 */
export const DEFAULT_MAX_PARQUET_ROWS = 10_000_000;

/** How many rows an export holds: counted for raw ones, the window's buckets for aggregates. */
export interface ExportSize {
  rows: number;
  /** True when `rows` is the count of samples; false for the buckets of an aggregated export. */
  exact: boolean;
}

/** A Parquet export larger than the gateway allows, refused before it starts. */
export class ExportTooLargeError extends PlantgraphError<'BAD_USER_INPUT'> {
  constructor(size: ExportSize, maxRows: number) {
    const rows = `${size.exact ? '' : 'about '}${size.rows.toLocaleString('en')}`;
    super(
      'BAD_USER_INPUT',
      `Argument "format": this Parquet export would hold ${rows} rows; the limit is ` +
        `${maxRows.toLocaleString('en')}. Export a shorter window or fewer tags, or use ` +
        'format=arrow or csv, which stream without a row limit',
      { argument: 'format', rows: size.rows, maxRows },
    );
  }
}

/**
 * The size of `request` over `tags`: one count of the samples for a raw export; for an aggregated
 * one the buckets the window holds per tag (as the graph's bucket limit counts them) times the
 * tags, which `fill: NONE` may undercut.
 */
export async function exportSize(
  sql: Sql,
  tags: readonly ExportTag[],
  request: ExportRequest,
): Promise<ExportSize> {
  const window = { from: request.from, to: request.to };
  if (!request.aggregate) {
    return {
      rows: await sampleCount(
        sql,
        tags.map((tag) => tag.id),
        window,
      ),
      exact: true,
    };
  }
  const interval = parseInterval(request.aggregate.interval);
  const buckets = Math.ceil((window.to.getTime() - window.from.getTime()) / interval.approxMs);
  return { rows: buckets * tags.length, exact: false };
}

/** Refuses a Parquet export of more than `maxRows` rows, naming both figures. */
export async function checkParquetSize(
  sql: Sql,
  tags: readonly ExportTag[],
  request: ExportRequest,
  maxRows: number,
): Promise<void> {
  const size = await exportSize(sql, tags, request);
  if (size.rows > maxRows) throw new ExportTooLargeError(size, maxRows);
}

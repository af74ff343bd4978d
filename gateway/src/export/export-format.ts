import type { TextFormat } from './export-request.ts';

/** A value in a row of an export. */
export type Cell = string | number | null;

/**
 * Writes rows of named cells as one format. Rows are built from fragments (runs of cells) so
 * that the cells every row of a tag shares are encoded once per tag, not once per row.
 */
export interface RowEncoder {
  readonly contentType: string;
  readonly extension: string;
  /** What the file starts with. */
  header(columns: readonly string[]): string;
  /** The cells under `columns`, encoded. */
  fragment(columns: readonly string[], cells: readonly Cell[]): string;
  /** One row made of fragments, in column order, with its line end. */
  row(fragments: readonly string[]): string;
}

/**
 * A CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break. Rows end in LF,
 * which every CSV reader accepts and line-based tools prefer to RFC 4180's CRLF.
 */
export function csvField(cell: Cell): string {
  if (cell === null) return '';
  if (typeof cell === 'number') return String(cell);
  return /[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
}

/** A JSON value; JSON has no NaN or infinities, so they become null. */
function jsonValue(cell: Cell): string {
  if (typeof cell === 'number' && !Number.isFinite(cell)) return 'null';
  return JSON.stringify(cell);
}

const csv: RowEncoder = {
  contentType: 'text/csv; charset=utf-8',
  extension: 'csv',
  header: (columns) => `${columns.map(csvField).join(',')}\n`,
  fragment: (_columns, cells) => cells.map(csvField).join(','),
  row: (fragments) => `${fragments.join(',')}\n`,
};

const ndjson: RowEncoder = {
  contentType: 'application/x-ndjson',
  extension: 'ndjson',
  header: () => '',
  fragment: (columns, cells) =>
    columns
      .map((column, index) => `${JSON.stringify(column)}:${jsonValue(cells[index] ?? null)}`)
      .join(','),
  row: (fragments) => `{${fragments.join(',')}}\n`,
};

export const ENCODERS: Readonly<Record<TextFormat, RowEncoder>> = { csv, ndjson };

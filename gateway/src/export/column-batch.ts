/**
 * What a column of a columnar export holds: a UTC time in microseconds since the epoch, text, or
 * a double.
 */
export type ColumnKind = 'time' | 'text' | 'double';

/** A column of a columnar export. */
export interface ColumnSpec {
  name: string;
  kind: ColumnKind;
  nullable: boolean;
}

/** The values of one column of a batch, by kind. */
export type ColumnValues = BigInt64Array | (string | null)[] | (number | null)[];

/** Rows of an export gathered column by column, in the order of their specs. */
export interface ColumnBatch {
  rows: number;
  /** `time` columns as BigInt64Array, the others as arrays with nulls. */
  columns: readonly ColumnValues[];
}

/**
 * Turns a batch into bytes of one format. `start` is the file's beginning (magic, schema), each
 * `batch` a Parquet row group or an Arrow record batch, `end` what closes the file (footer, end of
 * stream). An encoder keeps no values of a batch once it has returned its bytes.
 */
export interface BatchEncoder {
  start(): Uint8Array;
  batch(batch: ColumnBatch): Uint8Array;
  end(): Uint8Array;
}

/** A columnar format: its media type, file extension and encoder for a set of columns. */
export interface ColumnarFormatWriter {
  readonly contentType: string;
  readonly extension: string;
  encoder(columns: readonly ColumnSpec[]): BatchEncoder;
}

/** The values of the column at `index` of `batch`, in the order of the specs. */
export function columnOf(batch: ColumnBatch, index: number): ColumnValues {
  const values = batch.columns[index];
  if (!values) throw new Error(`The batch has no column ${index}`);
  return values;
}

/** A row as the builder takes it: bigint microseconds for `time` columns, else text or numbers. */
export type ColumnarRow = readonly (bigint | string | number | null)[];

/**
 * Gathers rows into batches of `capacity` rows. The arrays of a full batch are handed over and
 * replaced, never reused, so an encoder may keep views of them until it returns.
 */
export class ColumnBatchBuilder {
  private columns: ColumnValues[] = [];
  private rows = 0;
  private readonly timeColumns: readonly boolean[];

  constructor(
    private readonly specs: readonly ColumnSpec[],
    readonly capacity: number,
  ) {
    this.timeColumns = specs.map((spec) => spec.kind === 'time');
    this.reset();
  }

  get full(): boolean {
    return this.rows >= this.capacity;
  }

  get empty(): boolean {
    return this.rows === 0;
  }

  /** Appends a row; its cells in the order of the specs. */
  push(row: ColumnarRow): void {
    let index = 0;
    for (const values of this.columns) {
      if (this.timeColumns[index]) (values as BigInt64Array)[this.rows] = row[index] as bigint;
      else (values as unknown[]).push(row[index] ?? null);
      index++;
    }
    this.rows++;
  }

  /** The rows gathered so far, as a batch; the builder starts empty again. */
  take(): ColumnBatch {
    const batch: ColumnBatch = {
      rows: this.rows,
      columns: this.columns.map((values) =>
        values instanceof BigInt64Array ? values.subarray(0, this.rows) : values,
      ),
    };
    this.reset();
    return batch;
  }

  private reset(): void {
    this.rows = 0;
    this.columns = this.specs.map((spec) =>
      spec.kind === 'time' ? new BigInt64Array(this.capacity) : [],
    );
  }
}

/** `2026-11-20T08:15:00.123456Z` (the database's exact time) → microseconds since the epoch. */
export function microsecondsOf(exactTime: string): bigint {
  const milliseconds = Date.parse(`${exactTime.slice(0, 23)}Z`);
  return BigInt(milliseconds) * 1000n + BigInt(exactTime.slice(23, 26));
}

/** An ISO 8601 time with at most milliseconds → microseconds since the epoch. */
export function microsecondsOfIso(time: string): bigint {
  return BigInt(Date.parse(time)) * 1000n;
}

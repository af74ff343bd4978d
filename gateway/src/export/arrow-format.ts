import {
  AsyncByteQueue,
  Field,
  Float64,
  makeData,
  RecordBatch,
  RecordBatchStreamWriter,
  Schema,
  Struct,
  TimestampMicrosecond,
  Utf8,
  type Data,
  type DataType,
} from 'apache-arrow';
import {
  columnOf,
  type BatchEncoder,
  type ColumnBatch,
  type ColumnarFormatWriter,
  type ColumnSpec,
  type ColumnValues,
} from './column-batch.ts';

/**
 * The sink of apache-arrow's stream writer, which writes into it synchronously: the bytes of a
 * message are taken out as soon as it is written, so nothing piles up in the writer's queue.
 */
class TakingSink extends AsyncByteQueue {
  private pieces: Uint8Array[] = [];

  override write(value: Uint8Array): void {
    this.pieces.push(value);
  }

  take(): Uint8Array {
    // A copy: the pieces are views of the batch's own arrays.
    const bytes = Buffer.concat(this.pieces);
    this.pieces = [];
    return bytes;
  }
}

function dataType(spec: ColumnSpec): DataType {
  switch (spec.kind) {
    case 'time':
      return new TimestampMicrosecond('UTC');
    case 'text':
      return new Utf8();
    case 'double':
      return new Float64();
  }
}

/** A validity bitmap of `values` (bit set = valid) and its count of nulls. */
function validityOf(values: readonly unknown[]): { bitmap: Uint8Array | null; nullCount: number } {
  const bitmap = new Uint8Array(Math.ceil(values.length / 8));
  let nullCount = 0;
  for (let index = 0; index < values.length; index++) {
    if (values[index] === null || values[index] === undefined) {
      nullCount++;
      continue;
    }
    const byte = index >> 3;
    bitmap[byte] = (bitmap[byte] ?? 0) | (1 << (index & 7));
  }
  return { bitmap: nullCount > 0 ? bitmap : null, nullCount };
}

/**
 * Text with nulls as Arrow data: UTF-8 bytes, offsets and validity. A run of one string (a tag's
 * id, name and path on every row of the tag) is encoded once, which apache-arrow's generic
 * builder would do per row.
 */
function textData(values: readonly (string | null)[]): Data<Utf8> {
  const offsets = new Int32Array(values.length + 1);
  const encoded: Buffer[] = [];
  let total = 0;
  let last: string | undefined;
  let lastBytes = Buffer.alloc(0);
  for (let index = 0; index < values.length; index++) {
    const value = values[index];
    if (typeof value === 'string') {
      if (value !== last) {
        last = value;
        lastBytes = Buffer.from(value, 'utf8');
      }
      encoded.push(lastBytes);
      total += lastBytes.length;
    }
    offsets[index + 1] = total;
  }
  const { bitmap, nullCount } = validityOf(values);
  return makeData({
    type: new Utf8(),
    length: values.length,
    nullCount,
    nullBitmap: bitmap,
    valueOffsets: offsets,
    data: Buffer.concat(encoded, total),
  });
}

/** Doubles with nulls as Arrow data: a value buffer and validity. */
function doubleData(values: readonly (number | null)[]): Data<Float64> {
  const data = new Float64Array(values.length);
  for (let index = 0; index < values.length; index++) data[index] = values[index] ?? 0;
  const { bitmap, nullCount } = validityOf(values);
  return makeData({
    type: new Float64(),
    length: values.length,
    nullCount,
    nullBitmap: bitmap,
    data,
  });
}

function columnData(spec: ColumnSpec, values: ColumnValues, rows: number): Data {
  switch (spec.kind) {
    case 'time':
      return makeData({
        type: new TimestampMicrosecond('UTC'),
        length: rows,
        data: values as BigInt64Array,
      });
    case 'text':
      return textData(values as (string | null)[]);
    case 'double':
      return doubleData(values as (number | null)[]);
  }
}

function arrowEncoder(columns: readonly ColumnSpec[]): BatchEncoder {
  const schema = new Schema(
    columns.map((spec) => new Field(spec.name, dataType(spec), spec.nullable)),
  );
  const sink = new TakingSink();
  const writer = new RecordBatchStreamWriter();
  return {
    start() {
      // Given the schema, reset writes the schema message at once.
      writer.reset(sink, schema);
      return sink.take();
    },
    batch(batch: ColumnBatch) {
      const children = columns.map((spec, index) =>
        columnData(spec, columnOf(batch, index), batch.rows),
      );
      const struct = makeData({
        type: new Struct(schema.fields),
        length: batch.rows,
        nullCount: 0,
        children,
      });
      writer.write(new RecordBatch(schema, struct));
      return sink.take();
    },
    end() {
      writer.finish();
      return sink.take();
    },
  };
}

/** The Arrow IPC stream format, a record batch per batch (application/vnd.apache.arrow.stream). */
export const ARROW: ColumnarFormatWriter = {
  contentType: 'application/vnd.apache.arrow.stream',
  extension: 'arrows',
  encoder: arrowEncoder,
};

import { ByteWriter, ParquetWriter } from 'hyparquet-writer';
import {
  columnOf,
  type BatchEncoder,
  type ColumnBatch,
  type ColumnarFormatWriter,
  type ColumnSpec,
} from './column-batch.ts';

type SchemaElement = ConstructorParameters<typeof ParquetWriter>[0]['schema'][number];

/**
 * A ByteWriter whose bytes are taken out after each row group: its buffer holds one row group at
 * most, while `offset` keeps counting the whole file for the footer's column chunk offsets.
 */
class TakingWriter extends ByteWriter {
  take(): Uint8Array {
    const bytes = new Uint8Array(this.buffer.slice(0, this.index));
    this.index = 0;
    return bytes;
  }
}

/** The Parquet schema element of a column (Parquet format spec, LogicalTypes.md). */
function schemaElement(spec: ColumnSpec): SchemaElement {
  const repetition_type = spec.nullable ? 'OPTIONAL' : 'REQUIRED';
  switch (spec.kind) {
    case 'time':
      return {
        name: spec.name,
        type: 'INT64',
        repetition_type,
        logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MICROS' },
      };
    case 'text':
      return {
        name: spec.name,
        type: 'BYTE_ARRAY',
        repetition_type,
        converted_type: 'UTF8',
        logical_type: { type: 'STRING' },
      };
    case 'double':
      return { name: spec.name, type: 'DOUBLE', repetition_type };
  }
}

function parquetEncoder(columns: readonly ColumnSpec[]): BatchEncoder {
  const writer = new TakingWriter();
  let parquet: ParquetWriter | undefined;
  return {
    start() {
      // The constructor writes the leading magic number.
      parquet = new ParquetWriter({
        writer,
        schema: [{ name: 'schema', num_children: columns.length }, ...columns.map(schemaElement)],
        createdBy: 'plantgraph',
        statistics: false,
      });
      return writer.take();
    },
    batch(batch: ColumnBatch) {
      if (!parquet) throw new Error('Parquet batch before start');
      // One row group per batch: written now, only its place in the footer is kept.
      void parquet.write({
        columnData: columns.map((spec, index) => ({
          name: spec.name,
          data: columnOf(batch, index),
          // Min and max of the times let readers skip row groups outside a range; statistics of
          // every column would cost most of the encoding time.
          statistics: spec.kind === 'time',
        })),
        rowGroupSize: batch.rows,
      });
      return writer.take();
    },
    end() {
      if (!parquet) throw new Error('Parquet end before start');
      void parquet.finish();
      return writer.take();
    },
  };
}

/** Parquet, a row group per batch (application/vnd.apache.parquet, IANA). */
export const PARQUET: ColumnarFormatWriter = {
  contentType: 'application/vnd.apache.parquet',
  extension: 'parquet',
  encoder: parquetEncoder,
};

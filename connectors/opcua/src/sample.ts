import {
  DataType,
  Int64ToBigInt,
  UInt64ToBigInt,
  VariantArrayType,
  type DataValue,
  type Int64,
  type LocalizedText,
  type StatusCode,
  type UInt64,
  type Variant,
} from 'node-opcua';
import type { Quality, SourceSample } from '@plantgraph/ingest';
import { plainValueOf } from './structured-value.ts';

/** What a data change becomes: a sample for the mapper, or why it cannot be one. */
export type Conversion = { ok: true; sample: SourceSample } | { ok: false; reason: string };

type ScalarValue = number | boolean | string | null;
type ValueConversion = { ok: true; value: ScalarValue } | { ok: false; reason: string };
type SampleValue = { ok: true; value: unknown } | { ok: false; reason: string };

const numericTypes = new Set([
  DataType.SByte,
  DataType.Byte,
  DataType.Int16,
  DataType.UInt16,
  DataType.Int32,
  DataType.UInt32,
  DataType.Float,
  DataType.Double,
]);

/** Turns a monitored item's data change into a sample for the mapper. */
export function toSourceSample(
  connection: string,
  address: string,
  dataValue: DataValue,
  receivedAt: Date,
): Conversion {
  const converted = sampleValueOf(dataValue.value);
  if (!converted.ok) return converted;
  return {
    ok: true,
    sample: {
      connection,
      address,
      value: converted.value,
      time: sampleTime(dataValue, receivedAt),
      quality: qualityOf(dataValue.statusCode),
    },
  };
}

/**
 * Scalars as `scalarValueOf` has them; arrays and structures as plain JSON (see
 * structured-value.ts), which mappings pick an element or field from or JSON tags store whole.
 */
export function sampleValueOf(variant: Variant): SampleValue {
  return isStructured(variant) ? plainValueOf(variant) : scalarValueOf(variant);
}

const isStructured = (variant: Variant) =>
  variant.arrayType !== VariantArrayType.Scalar || variant.dataType === DataType.ExtensionObject;

/** The source timestamp; the server timestamp or the receive time for servers that send none. */
export function sampleTime(dataValue: DataValue, receivedAt: Date): Date {
  return dataValue.sourceTimestamp ?? dataValue.serverTimestamp ?? receivedAt;
}

/** Good, Uncertain and Bad are the two severity bits at the top of every status code. */
export function qualityOf(statusCode: StatusCode): Quality {
  const severity = statusCode.value >>> 30;
  if (severity === 0) return 'GOOD';
  return severity === 1 ? 'UNCERTAIN' : 'BAD';
}

/**
 * Numbers, booleans and strings pass as they are; 64-bit integers become numbers (exact up to
 * 2^53, which covers counters and timestamps in practice). Arrays and structures are not scalars:
 * `sampleValueOf` takes them.
 */
export function scalarValueOf(variant: Variant): ValueConversion {
  const typeName = DataType[variant.dataType] ?? `DataType ${variant.dataType}`;
  if (variant.arrayType !== VariantArrayType.Scalar) {
    return { ok: false, reason: `${typeName} array is not a scalar` };
  }
  if (variant.value === null || variant.value === undefined) return { ok: true, value: null };
  if (numericTypes.has(variant.dataType)) return { ok: true, value: variant.value as number };
  switch (variant.dataType) {
    case DataType.Boolean:
      return { ok: true, value: variant.value as boolean };
    case DataType.String:
      return { ok: true, value: variant.value as string };
    case DataType.Int64:
      return { ok: true, value: Number(Int64ToBigInt(variant.value as Int64)) };
    case DataType.UInt64:
      return { ok: true, value: Number(UInt64ToBigInt(variant.value as UInt64)) };
    case DataType.LocalizedText:
      return { ok: true, value: (variant.value as LocalizedText).text ?? null };
    case DataType.DateTime:
      return { ok: true, value: (variant.value as Date).toISOString() };
    default:
      return { ok: false, reason: `values of type ${typeName} are not supported` };
  }
}

/**
 * The dead-letter payload: the value and its status, readable without node-opcua. Arrays and
 * structures are written as the mapper saw them (plain JSON, structure fields by their
 * DataTypeDefinition names), so a replay picks the same element or field.
 */
export function describeDataValue(dataValue: DataValue): string {
  const variant = dataValue.value;
  const plain = isStructured(variant) ? plainValueOf(variant) : undefined;
  return JSON.stringify(
    {
      dataType: DataType[variant.dataType],
      arrayType: VariantArrayType[variant.arrayType],
      value: plain?.ok ? plain.value : variant.value,
      status: dataValue.statusCode.name,
      sourceTimestamp: dataValue.sourceTimestamp,
      serverTimestamp: dataValue.serverTimestamp,
    },
    jsonSafe,
  );
}

function jsonSafe(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    return Array.from(value as unknown as ArrayLike<number>);
  }
  return value;
}

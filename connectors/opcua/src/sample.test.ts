import { DataType, DataValue, StatusCodes, Variant, VariantArrayType } from 'node-opcua';
import { describe, expect, it } from 'vitest';
import {
  describeDataValue,
  qualityOf,
  sampleValueOf,
  scalarValueOf,
  toSourceSample,
} from './sample.ts';

const receivedAt = new Date('2026-01-01T12:00:00Z');

describe('toSourceSample', () => {
  it('takes the source timestamp, then the server timestamp, then the receive time', () => {
    const sourceTimestamp = new Date('2026-01-01T11:59:58Z');
    const serverTimestamp = new Date('2026-01-01T11:59:59Z');
    const value = new Variant({ dataType: DataType.Double, value: 1.5 });
    const times = [
      new DataValue({ value, sourceTimestamp, serverTimestamp }),
      new DataValue({ value, serverTimestamp }),
      new DataValue({ value }),
    ].map((dataValue) => {
      const converted = toSourceSample('plc', 'ns=2;s=X', dataValue, receivedAt);
      return converted.ok ? converted.sample.time : undefined;
    });
    expect(times).toEqual([sourceTimestamp, serverTimestamp, receivedAt]);
  });
});

describe('qualityOf', () => {
  it('reads the severity bits', () => {
    expect(qualityOf(StatusCodes.Good)).toBe('GOOD');
    expect(qualityOf(StatusCodes.UncertainLastUsableValue)).toBe('UNCERTAIN');
    expect(qualityOf(StatusCodes.BadSensorFailure)).toBe('BAD');
    expect(qualityOf(StatusCodes.BadCommunicationError)).toBe('BAD');
  });
});

describe('scalarValueOf', () => {
  const valueOf = (dataType: DataType, value: unknown) =>
    scalarValueOf(new Variant({ dataType, arrayType: VariantArrayType.Scalar, value }));

  it('passes numbers, booleans and strings through', () => {
    expect(valueOf(DataType.Float, 2.5)).toEqual({ ok: true, value: 2.5 });
    expect(valueOf(DataType.UInt32, 0b101)).toEqual({ ok: true, value: 5 });
    expect(valueOf(DataType.Boolean, true)).toEqual({ ok: true, value: true });
    expect(valueOf(DataType.String, 'R-17')).toEqual({ ok: true, value: 'R-17' });
    expect(valueOf(DataType.Null, null)).toEqual({ ok: true, value: null });
  });

  it('turns 64-bit integers into numbers', () => {
    expect(valueOf(DataType.Int64, [0xffffffff, 0xfffffffe])).toEqual({ ok: true, value: -2 });
    expect(valueOf(DataType.UInt64, [1, 0])).toEqual({ ok: true, value: 2 ** 32 });
  });

  it('rejects arrays and types it does not know with a reason', () => {
    const array = new Variant({
      dataType: DataType.Double,
      arrayType: VariantArrayType.Array,
      value: [1, 2],
    });
    expect(scalarValueOf(array)).toEqual({ ok: false, reason: 'Double array is not a scalar' });
    expect(valueOf(DataType.ByteString, Buffer.from('x'))).toEqual({
      ok: false,
      reason: 'values of type ByteString are not supported',
    });
  });
});

describe('sampleValueOf', () => {
  it('takes scalars as they are and arrays as plain JSON', () => {
    const scalar = new Variant({ dataType: DataType.Int32, value: 7 });
    const array = new Variant({
      dataType: DataType.Double,
      arrayType: VariantArrayType.Array,
      value: new Float64Array([1, 2.5]),
    });
    expect(sampleValueOf(scalar)).toEqual({ ok: true, value: 7 });
    expect(sampleValueOf(array)).toEqual({ ok: true, value: [1, 2.5] });
  });
});

describe('describeDataValue', () => {
  it('writes the value and its status as JSON', () => {
    const dataValue = new DataValue({
      value: new Variant({
        dataType: DataType.Double,
        arrayType: VariantArrayType.Array,
        value: new Float64Array([1, 2]),
      }),
      statusCode: StatusCodes.UncertainLastUsableValue,
    });
    expect(JSON.parse(describeDataValue(dataValue))).toMatchObject({
      dataType: 'Double',
      arrayType: 'Array',
      value: [1, 2],
      status: 'UncertainLastUsableValue',
    });
  });
});

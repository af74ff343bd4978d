import {
  BuildInfo,
  DataType,
  ExtensionObject,
  LocalizedText,
  Range,
  ServerState,
  ServerStatusDataType,
  Variant,
  VariantArrayType,
} from 'node-opcua';
import { describe, expect, it } from 'vitest';
import { plainValueOf } from './structured-value.ts';

const array = (dataType: DataType, value: unknown) =>
  new Variant({ dataType, arrayType: VariantArrayType.Array, value });

describe('plainValueOf', () => {
  it('turns arrays of each kind into JSON arrays', () => {
    expect(plainValueOf(array(DataType.Double, new Float64Array([1.5, 2])))).toEqual({
      ok: true,
      value: [1.5, 2],
    });
    expect(
      plainValueOf(
        array(DataType.Int64, [
          [0, 5],
          [0xffffffff, 0xffffffff],
        ]),
      ),
    ).toEqual({
      ok: true,
      value: [5, -1],
    });
    const texts = [new LocalizedText({ text: 'auf' }), new LocalizedText({ text: 'zu' })];
    expect(plainValueOf(array(DataType.LocalizedText, texts))).toEqual({
      ok: true,
      value: ['auf', 'zu'],
    });
    const time = new Date('2026-01-01T06:00:00Z');
    expect(plainValueOf(array(DataType.DateTime, [time]))).toEqual({
      ok: true,
      value: ['2026-01-01T06:00:00.000Z'],
    });
  });

  it('nests a matrix, its first dimension outermost', () => {
    const matrix = new Variant({
      dataType: DataType.Int32,
      arrayType: VariantArrayType.Matrix,
      dimensions: [2, 3],
      value: new Int32Array([1, 2, 3, 4, 5, 6]),
    });
    expect(plainValueOf(matrix)).toEqual({
      ok: true,
      value: [
        [1, 2, 3],
        [4, 5, 6],
      ],
    });
  });

  it('keys structure fields by their DataTypeDefinition names, nested structures nested', () => {
    const range = new Variant({
      dataType: DataType.ExtensionObject,
      value: new Range({ low: 0, high: 250 }),
    });
    expect(plainValueOf(range)).toEqual({ ok: true, value: { Low: 0, High: 250 } });
    const startTime = new Date('2026-01-01T06:00:00Z');
    const status = new ServerStatusDataType({
      startTime,
      currentTime: startTime,
      state: ServerState.Running,
      buildInfo: new BuildInfo({ productName: 'Press PLC', buildNumber: '42' }),
      secondsTillShutdown: 0,
      shutdownReason: new LocalizedText({ text: 'none' }),
    });
    const statuses = array(DataType.ExtensionObject, [status]);
    const converted = plainValueOf(statuses);
    expect(converted).toMatchObject({
      ok: true,
      value: [
        {
          StartTime: '2026-01-01T06:00:00.000Z',
          State: ServerState.Running,
          BuildInfo: { ProductName: 'Press PLC', BuildNumber: '42' },
          ShutdownReason: 'none',
        },
      ],
    });
  });

  it('says so when a structure was left undecoded', () => {
    // What node-opcua hands over for a data type the server does not describe: an
    // ExtensionObject without fields of its own (an OpaqueStructure).
    const opaque = new Variant({
      dataType: DataType.ExtensionObject,
      value: new ExtensionObject(),
    });
    expect(plainValueOf(opaque)).toEqual({
      ok: false,
      reason: 'cannot decode the ExtensionObject value: the server describes no data type for it',
    });
  });
});

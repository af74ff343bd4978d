import {
  DataType,
  StatusCodes,
  VariantArrayType,
  ensureDatatypeExtracted,
  type BaseNode,
  type INamespace,
  type OPCUAServer,
  type UADataType,
  type UAVariable,
} from 'node-opcua';

/** The fixture server's namespace (fixture-server.ts re-exports it). */
const FIXTURE_NAMESPACE_URI = 'urn:plantgraph:test-plant';

/**
 * Custom structures for the fixture server, described the OPC UA 1.04 way: a DataType node with a
 * DataTypeDefinition and a "Default Binary" encoding, which clients read to decode the values.
 * `AxisState` holds one axis; `SpindleState` nests one (`Axis`) and an array of them (`Axes`).
 */

export interface AxisState {
  X: number;
  Y: number;
  Position: number;
}

export interface SpindleState {
  Speed: number;
  Tool: string;
  Axis: AxisState;
  Axes: AxisState[];
}

export interface FixtureStructures {
  /** The Spindle variable of type SpindleState. */
  spindle: UAVariable;
  /** Sets the Spindle as a device would, with a source timestamp. */
  setSpindle(value: SpindleState, time: Date): void;
}

/** The Spindle variable, a SpindleState structure (ns 2: the fixture's namespace). */
export const SPINDLE_NODE_ID = 'ns=2;s=Press01.Spindle';

export const SPINDLE_INITIAL: SpindleState = {
  Speed: 1200,
  Tool: 'T-7',
  Axis: { X: 1.5, Y: -2, Position: 10 },
  Axes: [
    { X: 0, Y: 0, Position: 1 },
    { X: 1, Y: 1, Position: 2 },
    { X: 2, Y: 2, Position: 3 },
  ],
};

/** Adds the structure types, and the Spindle variable to Press01 of the fixture's namespace. */
export async function addFixtureStructures(
  server: OPCUAServer,
  initialTime: Date,
): Promise<FixtureStructures> {
  const addressSpace = server.engine.addressSpace;
  const namespace = addressSpace?.getNamespace(FIXTURE_NAMESPACE_URI);
  const machine = addressSpace?.findNode(`ns=${namespace?.index};s=Press01`);
  if (!addressSpace || !namespace || !machine) throw new Error('fixture machine not found');
  addGrid(namespace, machine, initialTime);
  const axisType = structureType(namespace, 'AxisState', [
    { name: 'X', dataType: DataType.Double },
    { name: 'Y', dataType: DataType.Double },
    { name: 'Position', dataType: DataType.Double },
  ]);
  const spindleType = structureType(namespace, 'SpindleState', [
    { name: 'Speed', dataType: DataType.Double },
    { name: 'Tool', dataType: DataType.String },
    { name: 'Axis', dataType: axisType.nodeId },
    { name: 'Axes', dataType: axisType.nodeId, valueRank: 1 },
  ]);
  // Builds the constructors of the new types from their definitions, as a server loading a
  // nodeset does.
  await ensureDatatypeExtracted(addressSpace);
  const spindle = namespace.addVariable({
    componentOf: machine,
    browseName: 'Spindle',
    nodeId: 's=Press01.Spindle',
    dataType: spindleType,
    minimumSamplingInterval: 0,
  });
  const construct = (value: SpindleState) =>
    addressSpace.constructExtensionObject(spindleType, {
      speed: value.Speed,
      tool: value.Tool,
      axis: addressSpace.constructExtensionObject(axisType, axisOptions(value.Axis)),
      axes: value.Axes.map((axis) =>
        addressSpace.constructExtensionObject(axisType, axisOptions(axis)),
      ),
    });
  const setSpindle = (value: SpindleState, time: Date) =>
    spindle.setValueFromSource(
      {
        dataType: DataType.ExtensionObject,
        arrayType: VariantArrayType.Scalar,
        value: construct(value),
      },
      StatusCodes.Good,
      time,
    );
  setSpindle(SPINDLE_INITIAL, initialTime);
  return { spindle, setSpindle };
}

/** A 2×3 matrix of Doubles with fixed ArrayDimensions: Grid = [[1, 2, 3], [4, 5, 6]]. */
function addGrid(namespace: INamespace, machine: BaseNode, time: Date): void {
  const grid = namespace.addVariable({
    componentOf: machine,
    browseName: 'Grid',
    nodeId: 's=Press01.Grid',
    dataType: 'Double',
    valueRank: 2,
    arrayDimensions: [2, 3],
    minimumSamplingInterval: 0,
  });
  grid.setValueFromSource(
    {
      dataType: DataType.Double,
      arrayType: VariantArrayType.Matrix,
      dimensions: [2, 3],
      value: new Float64Array([1, 2, 3, 4, 5, 6]),
    },
    StatusCodes.Good,
    time,
  );
}

const axisOptions = (axis: AxisState) => ({ x: axis.X, y: axis.Y, position: axis.Position });

function structureType(
  namespace: INamespace,
  name: string,
  fields: { name: string; dataType: DataType | UADataType['nodeId']; valueRank?: number }[],
): UADataType {
  const dataType = namespace.createDataType({
    browseName: name,
    isAbstract: false,
    subtypeOf: 'Structure',
    partialDefinition: fields.map((field) => ({
      name: field.name,
      dataType: field.dataType,
      valueRank: field.valueRank ?? -1,
    })),
  });
  namespace.addObject({
    browseName: { name: 'Default Binary', namespaceIndex: 0 },
    encodingOf: dataType,
    typeDefinition: 'DataTypeEncodingType',
  });
  return dataType;
}

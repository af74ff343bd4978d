import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DataType,
  StatusCodes,
  VariantArrayType,
  type OPCUAServer,
  type StatusCode,
  type UAVariable,
} from 'node-opcua';
import { addFixtureStructures, type FixtureStructures } from './fixture-structures.ts';
import { loopbackServer, type LoopbackServerOptions } from './loopback-server.ts';

export { freePort, loopbackServer, type LoopbackServer } from './loopback-server.ts';

export {
  SPINDLE_INITIAL,
  SPINDLE_NODE_ID,
  type AxisState,
  type SpindleState,
} from './fixture-structures.ts';

/**
 * A small OPC UA server for the connector's tests: one machine with a variable of each shape a
 * mapping meets. Values are only ever set with an explicit source timestamp, so tests can tell
 * the source time from the receive time.
 */

export const FIXTURE_NAMESPACE_URI = 'urn:plantgraph:test-plant';

/** Variable name → node id; the namespace is registered after the server's own, so it is 2. */
export const fixtureNodes = {
  temperature: 'ns=2;s=Press01.Temperature',
  state: 'ns=2;s=Press01.State',
  running: 'ns=2;s=Press01.Running',
  recipe: 'ns=2;s=Press01.Recipe',
  pressure: 'ns=2;s=Press01.Pressure',
  alarmWord: 'ns=2;s=Press01.AlarmWord',
  cycles: 'ns=2;s=Press01.Cycles',
  profile: 'ns=2;s=Press01.Profile',
} as const;

/** The one variable with a numeric node id, reached by browse path in the tests. */
export const SPEED_BROWSE_PATH = '/Objects/2:Plant/2:Press01/2:Speed';

export type FixtureVariable = keyof typeof fixtureNodes | 'speed';

/** When the fixture's initial values were "measured". */
export const FIXTURE_START = new Date('2026-01-01T06:00:00Z');

const variables: {
  name: FixtureVariable;
  browseName: string;
  dataType: DataType;
  initial: unknown;
}[] = [
  { name: 'temperature', browseName: 'Temperature', dataType: DataType.Double, initial: 20.5 },
  { name: 'state', browseName: 'State', dataType: DataType.Int32, initial: 100 },
  { name: 'running', browseName: 'Running', dataType: DataType.Boolean, initial: true },
  { name: 'recipe', browseName: 'Recipe', dataType: DataType.String, initial: 'R-1' },
  { name: 'pressure', browseName: 'Pressure', dataType: DataType.Double, initial: 1.5 },
  { name: 'alarmWord', browseName: 'AlarmWord', dataType: DataType.UInt32, initial: 0 },
  { name: 'cycles', browseName: 'Cycles', dataType: DataType.Int64, initial: 0 },
  { name: 'profile', browseName: 'Profile', dataType: DataType.Double, initial: [1, 2, 3] },
  { name: 'speed', browseName: 'Speed', dataType: DataType.Double, initial: 0 },
];

export interface FixtureServerOptions {
  port: number;
  /**
   * The numeric id of the Speed variable. Servers that number their nodes at start-up give the
   * same variable another id after a restart; only its browse path stays.
   */
  speedNodeNumber?: number;
  /**
   * Variables whose history the server keeps (the last `historyValues` values each) and lets
   * clients read; the others have none, like most variables of a real PLC.
   */
  historizing?: readonly FixtureVariable[];
  historyValues?: number;
  /** Limits the server publishes and enforces, as a small PLC's would be. */
  serverCapabilities?: LoopbackServerOptions['serverCapabilities'];
}

export interface FixtureServer {
  readonly server: OPCUAServer;
  /** The Spindle structure variable (fixture-structures.ts). */
  readonly structures: FixtureStructures;
  readonly endpoint: string;
  /** Sets a variable as a device would: value, status and source timestamp. */
  set(name: FixtureVariable, value: unknown, time: Date, status?: StatusCode): void;
  stop(): Promise<void>;
}

const pkiRoot = join(tmpdir(), 'plantgraph-opcua-test');

/** Starts the fixture server on 127.0.0.1:`port`. */
export async function startFixtureServer(options: FixtureServerOptions): Promise<FixtureServer> {
  const { server, endpoint } = await loopbackServer({
    port: options.port,
    resourcePath: 'fixture',
    pkiFolder: pkiRoot,
    serverCapabilities: options.serverCapabilities,
  });
  const nodes = buildAddressSpace(server, options.speedNodeNumber ?? 1000);
  const structures = await addFixtureStructures(server, FIXTURE_START);
  for (const name of options.historizing ?? []) {
    const variable = nodes.get(name);
    if (!variable) throw new Error(`no fixture variable ${name}`);
    // node-opcua's in-memory historian: values set from now on are kept, the oldest dropped.
    const maxOnlineValues = options.historyValues ?? 100;
    server.engine.addressSpace?.installHistoricalDataNode(variable, { maxOnlineValues });
  }
  await server.start();
  return {
    server,
    structures,
    endpoint,
    set(name, value, time, status = StatusCodes.Good) {
      const variable = nodes.get(name);
      if (!variable) throw new Error(`no fixture variable ${name}`);
      setValue(variable, value, time, status);
    },
    stop: () => server.shutdown(0),
  };
}

function setValue(variable: UAVariable, value: unknown, time: Date, status: StatusCode) {
  const dataType = variable.getBasicDataType();
  const arrayType = Array.isArray(value) ? VariantArrayType.Array : VariantArrayType.Scalar;
  variable.setValueFromSource({ dataType, arrayType, value }, status, time);
}

function buildAddressSpace(server: OPCUAServer, speedNodeNumber: number) {
  const addressSpace = server.engine.addressSpace;
  if (!addressSpace) throw new Error('address space not loaded');
  const namespace = addressSpace.registerNamespace(FIXTURE_NAMESPACE_URI);
  const plant = namespace.addObject({
    organizedBy: addressSpace.rootFolder.objects,
    browseName: 'Plant',
    nodeId: 's=Plant',
  });
  const press = namespace.addObject({
    componentOf: plant,
    browseName: 'Press01',
    nodeId: 's=Press01',
  });
  const nodes = new Map<FixtureVariable, UAVariable>();
  for (const { name, browseName, dataType, initial } of variables) {
    const nodeId = name === 'speed' ? `i=${speedNodeNumber}` : `s=Press01.${browseName}`;
    const variable = namespace.addVariable({
      componentOf: press,
      browseName,
      nodeId,
      dataType,
      valueRank: Array.isArray(initial) ? 1 : -1,
      minimumSamplingInterval: 0,
    });
    setValue(variable, initial, FIXTURE_START, StatusCodes.Good);
    nodes.set(name, variable);
  }
  return nodes;
}

import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ENTERPRISE,
  OPCUA_NAMESPACE_URI,
  opcuaNodeId,
  opcuaNodePath,
  orderNodeId,
  orderParametersFor,
  type PlantEquipment,
} from '@plantgraph/demo-catalog';
import type { Logger } from '@plantgraph/config';
import {
  DataType,
  MessageSecurityMode,
  OPCUACertificateManager,
  OPCUAServer,
  SecurityPolicy,
  StatusCodes,
  Variant,
  type Namespace,
  type UAObject,
  type UAVariable,
} from 'node-opcua';
import {
  DOWNLOAD_STATUS,
  type Machine,
  type OrderAbort,
  type OrderDownload,
  type PointType,
} from './machine.ts';
import { addMachineConditions } from './opcua-conditions.ts';
import { createMachines, siteEquipment } from './plant.ts';
import { PortInUseError } from '@plantgraph/service';

/** How `startOpcuaSimulator` serves; every option has a demo default. */
export interface OpcuaSimulatorOptions {
  /** 0 picks a free port once; restarts keep it. */
  port?: number;
  /** The variable that moves the port, named when it is taken (default PLANTGRAPH_OPCUA_PORT). */
  portVariable?: string;
  host?: string;
  /** Defaults to the Dresden site. */
  equipment?: readonly PlantEquipment[];
  seed?: number;
  tickMs?: number;
  speed?: number;
  /** A user that may log in besides anonymous. */
  user?: { username: string; password: string };
  /** Where the server keeps its certificate and the client certificates it has seen. */
  pkiDir?: string;
  /**
   * Values each signal keeps in the server's history for HistoryRead (node-opcua's in-memory
   * historian; lost when the server stops). Default 600, ten minutes at one tick a second; 0: none.
   */
  historyValues?: number;
  /**
   * Asset paths of machines whose alarms are also served as OPC UA Alarms & Conditions
   * (opcua-conditions.ts); default none.
   */
  conditionAssets?: readonly string[];
  logger?: Logger;
}

/** A running OPC UA simulator; its machines keep running while the server is stopped. */
export interface OpcuaSimulator {
  /** `opc.tcp://<host>:<port>/plantgraph` */
  endpointUrl: string;
  port: number;
  machines: Machine[];
  /** Takes the server down, as in an outage: sessions drop, connects fail, machines run on. */
  stop(): Promise<void>;
  /** Brings a stopped server back on the same endpoint. */
  start(): Promise<void>;
  close(): Promise<void>;
}

const DATA_TYPES: Record<PointType, DataType> = {
  Double: DataType.Double,
  Int32: DataType.Int32,
  UInt32: DataType.UInt32,
  Boolean: DataType.Boolean,
  String: DataType.String,
};

/** Browse names are the last node id segment, so browse paths and node ids spell names alike. */
const lastSegment = (nodeIdOrPath: string) => nodeIdOrPath.split('.').at(-1) ?? nodeIdOrPath;

/**
 * Serves machines over OPC UA at `opc.tcp://<host>:<port>/plantgraph`: per equipment an object
 * under site/area/line (and cell) folders, one read-only variable per signal at
 * `ns=2;s=<nodePath>.<Signal>`, refreshed with a source timestamp every tick, and an `Order`
 * folder whose writable variables and `Download` method hand an order to the machine and whose
 * read-only ones report its progress.
 */
export async function startOpcuaSimulator(
  options: OpcuaSimulatorOptions = {},
): Promise<OpcuaSimulator> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port === 0 ? await freePort(host) : (options.port ?? 4840);
  const tickMs = options.tickMs ?? 1000;
  const machines = createMachines(options.equipment ?? siteEquipment('Dresden'), {
    seed: options.seed,
    speed: options.speed,
  });
  const pkiDir = options.pkiDir ?? join(tmpdir(), 'plantgraph-opcua-simulator-pki');
  let server: RunningServer | null = null;
  let starting: Promise<void> | null = null;

  const start = async () => {
    if (server) return;
    starting ??= serve({ ...options, host, port, pkiDir }, machines)
      .then((running) => {
        server = running;
        running.update();
      })
      .finally(() => {
        starting = null;
      });
    await starting;
  };
  await start().catch((error: unknown) => {
    if (!String(error).includes('EADDRINUSE')) throw error;
    throw new PortInUseError(port, options.portVariable ?? 'PLANTGRAPH_OPCUA_PORT');
  });
  const timer = setInterval(() => {
    const now = Date.now();
    for (const machine of machines) machine.step(now);
    server?.update();
  }, tickMs);

  const stop = async () => {
    const running = server;
    server = null;
    await running?.shutdown();
  };
  return {
    endpointUrl: endpointUrl(host, port),
    port,
    machines,
    stop,
    start,
    close: async () => {
      clearInterval(timer);
      await stop();
    },
  };
}

interface RunningServer {
  update(): void;
  shutdown(): Promise<void>;
}

const endpointUrl = (host: string, port: number) => `opc.tcp://${host}:${port}/plantgraph`;

async function serve(
  options: OpcuaSimulatorOptions & { host: string; port: number; pkiDir: string },
  machines: readonly Machine[],
): Promise<RunningServer> {
  const { user, logger } = options;
  const server = new OPCUAServer({
    host: options.host,
    hostname: options.host,
    port: options.port,
    resourcePath: '/plantgraph',
    serverInfo: {
      applicationUri: 'urn:plantgraph:plant-simulator',
      productUri: 'urn:plantgraph:plant-simulator',
      applicationName: { text: 'Plantgraph plant simulator' },
    },
    buildInfo: { productName: 'Plantgraph plant simulator', manufacturerName: ENTERPRISE.name },
    serverCertificateManager: new OPCUACertificateManager({
      rootFolder: options.pkiDir,
      // A demo server: any client certificate is trusted on first use.
      automaticallyAcceptUnknownCertificate: true,
    }),
    securityPolicies: [SecurityPolicy.None, SecurityPolicy.Basic256Sha256],
    securityModes: [
      MessageSecurityMode.None,
      MessageSecurityMode.Sign,
      MessageSecurityMode.SignAndEncrypt,
    ],
    allowAnonymous: true,
    userManager: {
      isValidUser: (username: string, password: string) =>
        !!user && username === user.username && password === user.password,
    },
  });
  try {
    const updates = await populate(server, machines, logger, options.historyValues ?? 600);
    updates.push(addMachineConditions(server, machines, options.conditionAssets ?? [], 2));
    await server.start();
    logger?.info({ endpoint: server.getEndpointUrl() }, 'OPC UA simulator listening');
    return {
      update: () => updates.forEach((update) => update()),
      shutdown: () => server.shutdown(),
    };
  } catch (error) {
    await server.shutdown().catch(() => undefined);
    throw error;
  }
}

/** Builds the address space: the demo namespace, folders, machines; returns their refreshers. */
async function populate(
  server: OPCUAServer,
  machines: readonly Machine[],
  logger: Logger | undefined,
  historyValues: number,
): Promise<(() => void)[]> {
  await server.initialize();
  const addressSpace = server.engine.addressSpace;
  if (!addressSpace) throw new Error('OPC UA server started without an address space');
  const namespace = addressSpace.registerNamespace(OPCUA_NAMESPACE_URI);
  if (namespace.index !== 2) {
    throw new Error(`${OPCUA_NAMESPACE_URI} got namespace index ${namespace.index}, not 2`);
  }
  const folders = new Map<string, UAObject>();
  const folderFor = (parts: readonly string[]): UAObject => {
    const path = [ENTERPRISE.name, ...parts].join('/');
    const existing = folders.get(path);
    if (existing) return existing;
    const name = parts.at(-1) ?? '';
    const parent =
      parts.length > 1 ? folderFor(parts.slice(0, -1)) : addressSpace.rootFolder.objects;
    const nodePath = opcuaNodePath(path);
    const folder = namespace.addFolder(parent, {
      browseName: lastSegment(nodePath),
      displayName: name,
      nodeId: `s=${nodePath}`,
    });
    folders.set(path, folder);
    return folder;
  };
  const history = (variable: UAVariable) => {
    if (historyValues > 0) {
      addressSpace.installHistoricalDataNode(variable, { maxOnlineValues: historyValues });
    }
  };
  return machines.map((machine) => addMachine(namespace, machine, folderFor, history, logger));
}

/** Adds a machine's object, signals and order interface; returns what refreshes its values. */
function addMachine(
  namespace: Namespace,
  machine: Machine,
  folderFor: (parts: readonly string[]) => UAObject,
  keepHistory: (variable: UAVariable) => void,
  logger: Logger | undefined,
): () => void {
  const { asset } = machine.equipment;
  const parts = asset.path.split('/').slice(1);
  const nodePath = opcuaNodePath(asset.path);
  const object = namespace.addObject({
    organizedBy: folderFor(parts.slice(0, -1)),
    browseName: lastSegment(nodePath),
    displayName: asset.name,
    description: asset.description ?? undefined,
    nodeId: `s=${nodePath}`,
  });
  const variables = machine.points.map((point) => {
    const nodeId = opcuaNodeId(asset.path, point.name);
    const variable = namespace.addVariable({
      componentOf: object,
      browseName: lastSegment(nodeId),
      displayName: point.name,
      description: point.tag?.spec.description,
      nodeId,
      dataType: DATA_TYPES[point.type],
      accessLevel: 'CurrentRead',
      userAccessLevel: 'CurrentRead',
      minimumSamplingInterval: 0,
    });
    keepHistory(variable);
    return { variable, point };
  });
  const updateOrder = addOrderInterface(namespace, object, machine, logger);
  return () => {
    const time = machine.time;
    for (const { variable, point } of variables) {
      const value = new Variant({
        dataType: DATA_TYPES[point.type],
        value: machine.read(point.name),
      });
      variable.setValueFromSource(value, StatusCodes.Good, time);
    }
    updateOrder();
  };
}

/**
 * `<nodePath>.Order`: Number, Material, Quantity, CommandId and the type's setpoints under
 * `Parameters` (`Parameters.StrokeRate`) are written first, then `Download()` returns 0 when the
 * machine took the order, 1 when CommandId repeats the last accepted one (a retry; nothing
 * changes) and 2 when the machine rejects it, with `Machine.rejection`'s reason as the second
 * output. `Abort(CommandId, OrderCommandId)` answers alike (`Machine.abort`). The read-only State
 * (`ORDER_STATES`), ActiveCommandId, Good and Reject report the order's progress; the returned
 * function refreshes them.
 */
function addOrderInterface(
  namespace: Namespace,
  object: UAObject,
  machine: Machine,
  logger: Logger | undefined,
): () => void {
  const { path } = machine.equipment.asset;
  const addFolder = (parent: UAObject, nodeId: string) =>
    namespace.addObject({
      componentOf: parent,
      typeDefinition: 'FolderType',
      browseName: lastSegment(nodeId),
      nodeId,
    });
  const order = addFolder(object, `s=${opcuaNodePath(path)}.Order`);
  const parameterFolder = addFolder(order, orderNodeId(path, 'Parameters'));
  const addVariable = (
    parent: UAObject,
    field: string,
    dataType: DataType,
    value: string | number,
    access: 'CurrentRead' | 'CurrentRead | CurrentWrite',
    description?: string,
  ): UAVariable => {
    const nodeId = orderNodeId(path, field);
    return namespace.addVariable({
      componentOf: parent,
      browseName: lastSegment(nodeId),
      displayName: lastSegment(field),
      description,
      nodeId,
      dataType,
      accessLevel: access,
      userAccessLevel: access,
      minimumSamplingInterval: 0,
      value: new Variant({ dataType, value }),
    });
  };
  const input = (field: string, dataType: DataType, value: string | number) =>
    addVariable(order, field, dataType, value, 'CurrentRead | CurrentWrite');
  const fields = {
    number: input('Number', DataType.String, ''),
    material: input('Material', DataType.String, ''),
    quantity: input('Quantity', DataType.Double, 0),
    commandId: input('CommandId', DataType.String, ''),
  };
  // Setpoints start mid-range, so an order that sets none of them is still valid.
  const parameters = orderParametersFor(machine.equipment.type).map((spec) => ({
    name: spec.name,
    variable: addVariable(
      parameterFolder,
      `Parameters.${spec.name}`,
      DataType.Double,
      (spec.min + spec.max) / 2,
      'CurrentRead | CurrentWrite',
      `Setpoint in ${spec.unit}, ${spec.min} to ${spec.max}`,
    ),
  }));
  const output = (field: string, dataType: DataType, value: () => string | number) => ({
    variable: addVariable(order, field, dataType, value(), 'CurrentRead'),
    dataType,
    value,
  });
  const progress = [
    output('State', DataType.Int32, () => machine.orderState),
    output('ActiveCommandId', DataType.String, () => machine.activeCommandId),
    output('Good', DataType.UInt32, () => machine.orderGood),
    output('Reject', DataType.UInt32, () => machine.orderReject),
  ];
  const update = () => {
    const time = machine.time;
    for (const { variable, dataType, value } of progress) {
      variable.setValueFromSource(
        new Variant({ dataType, value: value() }),
        StatusCodes.Good,
        time,
      );
    }
  };

  const answer = [
    { name: 'Status', dataType: DataType.Int32, valueRank: -1 },
    { name: 'Reason', dataType: DataType.String, valueRank: -1 },
  ];
  const answered = (status: number, reason: string | null) => ({
    statusCode: StatusCodes.Good,
    outputArguments: [
      new Variant({ dataType: DataType.Int32, value: status }),
      new Variant({ dataType: DataType.String, value: reason ?? '' }),
    ],
  });
  const method = namespace.addMethod(order, {
    browseName: 'Download',
    nodeId: orderNodeId(path, 'Download'),
    description:
      'Hands the written order to the machine. Status 0 accepted, 1 duplicate, 2 rejected; ' +
      'Reason says why a rejected order was refused',
    inputArguments: [],
    outputArguments: answer,
  });
  // node-opcua tells promise methods from callback ones by their arity, hence the unused parameters.
  method.bindMethod(async (_inputArguments: unknown, _context: unknown) => {
    const read = (variable: UAVariable): unknown => variable.readValue().value.value;
    const downloaded: OrderDownload = {
      number: String(read(fields.number) ?? ''),
      material: String(read(fields.material) ?? ''),
      quantity: Number(read(fields.quantity) ?? 0),
      commandId: String(read(fields.commandId) ?? ''),
      parameters: Object.fromEntries(
        parameters.map(({ name, variable }) => [name, Number(read(variable))]),
      ),
    };
    const status = machine.download(downloaded);
    const reason = status === DOWNLOAD_STATUS.rejected ? machine.rejection(downloaded) : null;
    logger?.info({ asset: path, order: downloaded, status, reason }, 'order download');
    // Clients see DOWNLOADED even when the changeover is over by the next tick.
    update();
    return answered(status, reason);
  });

  const abort = namespace.addMethod(order, {
    browseName: 'Abort',
    nodeId: orderNodeId(path, 'Abort'),
    description:
      'Stops and drops the order taken with OrderCommandId. Status 0 accepted, 1 duplicate ' +
      '(already aborted), 2 rejected; Reason says why a rejected abort was refused',
    inputArguments: [
      { name: 'CommandId', dataType: DataType.String, valueRank: -1 },
      { name: 'OrderCommandId', dataType: DataType.String, valueRank: -1 },
    ],
    outputArguments: answer,
  });
  abort.bindMethod(async (inputArguments: Variant[], _context: unknown) => {
    const [commandId, orderCommandId] = inputArguments.map((argument) =>
      String((argument.value as unknown) ?? ''),
    );
    const request: OrderAbort = {
      commandId: commandId ?? '',
      orderCommandId: orderCommandId ?? '',
    };
    const status = machine.abort(request);
    const reason = status === DOWNLOAD_STATUS.rejected ? machine.abortRejection(request) : null;
    logger?.info({ asset: path, abort: request, status, reason }, 'order abort');
    update();
    return answered(status, reason);
  });
  return update;
}

/** A port the OS reports free on `host`, so a server started on "port 0" can restart on it. */
function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

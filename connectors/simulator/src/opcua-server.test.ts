import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  OPCUA_NAMESPACE_URI,
  ORDER_STATES,
  opcuaNodeId,
  opcuaNodePath,
  orderNodeId,
} from '@plantgraph/demo-catalog';
import {
  AttributeIds,
  ClientMonitoredItem,
  ClientSubscription,
  DataType,
  HistoryData,
  MessageSecurityMode,
  OPCUACertificateManager,
  OPCUAClient,
  SecurityPolicy,
  StatusCodes,
  TimestampsToReturn,
  UserTokenType,
  type ClientSession,
  type DataValue,
  type UserIdentityInfo,
} from 'node-opcua';
import { startOpcuaSimulator, type OpcuaSimulator } from './opcua-server.ts';

const USER = { username: 'operator', password: 'demo-secret' };
const PRESS = 'Acme Manufacturing/Dresden/Body Shop/Line 1/Press 01';
const WELDER = 'Acme Manufacturing/Dresden/Body Shop/Line 1/Welding Cell 01/Spot Welder 01';
const PRESS_2 = 'Acme Manufacturing/Dresden/Body Shop/Line 2/Press 02';
const CONVEYOR = 'Acme Manufacturing/Dresden/Assembly/Line 1/Conveyor 01';
const OPERATOR: UserIdentityInfo = {
  type: UserTokenType.UserName,
  userName: USER.username,
  password: USER.password,
};

let simulator: OpcuaSimulator;
const clients: OPCUAClient[] = [];

function client(security?: { mode: MessageSecurityMode; policy: SecurityPolicy }): OPCUAClient {
  const created = OPCUAClient.create({
    applicationName: 'plant-simulator-test',
    endpointMustExist: false,
    securityMode: security?.mode ?? MessageSecurityMode.None,
    securityPolicy: security?.policy ?? SecurityPolicy.None,
    connectionStrategy: { maxRetry: 0, initialDelay: 100, maxDelay: 200 },
    clientCertificateManager: new OPCUACertificateManager({
      rootFolder: join(tmpdir(), 'plantgraph-simulator-test-client-pki'),
      automaticallyAcceptUnknownCertificate: true,
    }),
  });
  clients.push(created);
  return created;
}

async function session(
  identity?: UserIdentityInfo,
  security?: Parameters<typeof client>[0],
): Promise<ClientSession> {
  const created = client(security);
  await created.connect(simulator.endpointUrl);
  return created.createSession(identity);
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition: () => boolean, timeout = 5000): Promise<void> {
  const deadline = Date.now() + timeout;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await wait(20);
  }
}

beforeAll(async () => {
  simulator = await startOpcuaSimulator({ port: 0, seed: 3, tickMs: 100, speed: 600, user: USER });
});

afterAll(async () => {
  await Promise.allSettled(clients.map((created) => created.disconnect()));
  await simulator?.close();
});

describe('OPC UA simulator', () => {
  it('serves the demo namespace at index 2 under /plantgraph', async () => {
    expect(simulator.endpointUrl).toBe(`opc.tcp://127.0.0.1:${simulator.port}/plantgraph`);
    const anonymous = await session();
    const namespaces = await anonymous.readNamespaceArray();
    expect(namespaces[2]).toBe(OPCUA_NAMESPACE_URI);
    const browse = await anonymous.browse(`ns=2;s=${opcuaNodePath(PRESS)}`);
    const names = browse.references?.map((reference) => reference.browseName.name);
    expect(names).toEqual(expect.arrayContaining(['MotorCurrent', 'State', 'AlarmWord', 'Order']));
    const line = await anonymous.browse('ns=2;s=Dresden.BodyShop.Line1');
    expect(line.references?.map((reference) => reference.browseName.name)).toEqual(
      expect.arrayContaining(['Press01', 'WeldingCell01']),
    );
  });

  it('reads typed values with fresh source timestamps', async () => {
    const anonymous = await session();
    const signals = [
      'MotorCurrent',
      'State',
      'GoodCount',
      'AlarmWord',
      'DoorClosed',
      'ProgramName',
    ];
    const values = await anonymous.read(
      signals.map((signal) => ({
        nodeId: opcuaNodeId(PRESS, signal),
        attributeId: AttributeIds.Value,
      })),
    );
    expect(values.map((value) => value.statusCode)).toEqual(signals.map(() => StatusCodes.Good));
    expect(values.map((value) => value.value.dataType)).toEqual([
      DataType.Double,
      DataType.Int32,
      DataType.UInt32,
      DataType.UInt32,
      DataType.Boolean,
      DataType.String,
    ]);
    const press = simulator.machines.find((machine) => machine.equipment.asset.path === PRESS)!;
    expect(press.stateCodes.map((entry) => entry.code)).toContain(values[1]!.value.value);
    expect(values[2]!.value.value).toBeGreaterThan(0);
    expect(values[5]!.value.value).toMatch(/^PRG_/);
    // Wall-clock time, not plant time, which runs 600 times faster.
    const stamped = values[0]!.sourceTimestamp!.getTime();
    expect(stamped).toBeLessThanOrEqual(Date.now());
    const motorCurrent = {
      nodeId: opcuaNodeId(PRESS, 'MotorCurrent'),
      attributeId: AttributeIds.Value,
    };
    await expect
      .poll(async () => (await anonymous.read(motorCurrent)).sourceTimestamp!.getTime(), {
        timeout: 10_000,
      })
      .toBeGreaterThan(stamped);
  });

  it('keeps a short history of each signal for HistoryRead', async () => {
    const anonymous = await session();
    const nodeId = opcuaNodeId(PRESS, 'MotorCurrent');
    const from = new Date(Date.now() - 60_000);
    const read = () =>
      anonymous.readHistoryValue({ nodeId }, from, new Date(), {
        returnBounds: false,
      });
    await expect
      .poll(async () => (await read()).historyData, { timeout: 10_000 })
      .toMatchObject({
        dataValues: expect.arrayContaining([expect.anything(), expect.anything()]),
      });
    const { statusCode, historyData } = await read();
    expect(statusCode.isGood()).toBe(true);
    expect(historyData).toBeInstanceOf(HistoryData);
    const values = (historyData as HistoryData).dataValues ?? [];
    const times = values.map((value) => value.sourceTimestamp!.getTime());
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(values.every((value) => value.value.dataType === DataType.Double)).toBe(true);
  });

  it('notifies monitored items as values change', async () => {
    const anonymous = await session();
    const subscription = ClientSubscription.create(anonymous, {
      requestedPublishingInterval: 100,
      publishingEnabled: true,
      requestedMaxKeepAliveCount: 10,
      requestedLifetimeCount: 100,
    });
    const seen: DataValue[] = [];
    const item = ClientMonitoredItem.create(
      subscription,
      { nodeId: opcuaNodeId(WELDER, 'Motor Temperature'), attributeId: AttributeIds.Value },
      { samplingInterval: 100, queueSize: 10, discardOldest: true },
      TimestampsToReturn.Both,
    );
    item.on('changed', (value) => seen.push(value));
    const distinct = () => new Set(seen.map((value) => value.value.value)).size;
    for (const deadline = Date.now() + 5000; distinct() < 4 && Date.now() < deadline;) {
      await wait(50);
    }
    await subscription.terminate();
    expect(new Set(seen.map((value) => value.value.value)).size).toBeGreaterThan(3);
    const times = seen.map((value) => value.sourceTimestamp!.getTime());
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('refuses writes to signals', async () => {
    const anonymous = await session();
    const status = await anonymous.write({
      nodeId: opcuaNodeId(PRESS, 'GoodCount'),
      attributeId: AttributeIds.Value,
      value: { value: { dataType: DataType.UInt32, value: 0 } },
    });
    expect(status.isGood()).toBe(false);
  });

  it('takes a downloaded order once; a repeated command id is ignored', async () => {
    const operator = await session({
      type: UserTokenType.UserName,
      userName: USER.username,
      password: USER.password,
    });
    const order = `ns=2;s=${opcuaNodePath(PRESS)}.Order`;
    const write = (values: Record<string, [DataType, string | number]>) =>
      operator.write(
        Object.entries(values).map(([name, [dataType, value]]) => ({
          nodeId: `${order}.${name}`,
          attributeId: AttributeIds.Value,
          value: { value: { dataType, value } },
        })),
      );
    const download = async () => {
      const result = await operator.call({
        objectId: order,
        methodId: `${order}.Download`,
        inputArguments: [],
      });
      expect(result.statusCode).toBe(StatusCodes.Good);
      return result.outputArguments?.[0]?.value as number;
    };
    const written = await write({
      Number: [DataType.String, 'PO-2026-000777'],
      Material: [DataType.String, 'PNL-2210 Door Inner Panel'],
      Quantity: [DataType.Double, 250],
      CommandId: [DataType.String, 'cmd-1'],
    });
    expect(written.every((status) => status.isGood())).toBe(true);
    expect(await download()).toBe(0);
    await write({ Number: [DataType.String, 'PO-2026-000778'] });
    expect(await download()).toBe(1);
    const press = simulator.machines.find((machine) => machine.equipment.asset.path === PRESS)!;
    expect(press.order).toMatchObject({
      number: 'PO-2026-000777',
      material: 'PNL-2210 Door Inner Panel',
      quantity: 250,
      commandId: 'cmd-1',
    });
    await write({ CommandId: [DataType.String, 'cmd-2'], Quantity: [DataType.Double, 0] });
    const refused = await operator.call({
      objectId: order,
      methodId: `${order}.Download`,
      inputArguments: [],
    });
    expect(refused.outputArguments?.map((argument) => argument.value as unknown)).toEqual([
      2,
      'quantity must be positive, got 0',
    ]);
  });

  it('aborts the order the machine holds through Order.Abort, saying why it refuses one', async () => {
    const connection = client();
    await connection.connect(simulator.endpointUrl);
    const operator = await connection.createSession(OPERATOR);
    const machine = simulator.machines.find((item) => item.equipment.asset.path === CONVEYOR)!;
    expect(
      machine.download({
        number: 'PO-2026-000950',
        material: 'BRKT-4711 Bracket',
        quantity: 100_000,
        commandId: 'run-2',
        parameters: {},
      }),
    ).toBe(0);
    const abort = async (commandId: string, orderCommandId: string) => {
      const result = await operator.call({
        objectId: `ns=2;s=${opcuaNodePath(CONVEYOR)}.Order`,
        methodId: orderNodeId(CONVEYOR, 'Abort'),
        inputArguments: [
          { dataType: DataType.String, value: commandId },
          { dataType: DataType.String, value: orderCommandId },
        ],
      });
      expect(result.statusCode).toBe(StatusCodes.Good);
      return result.outputArguments?.map((argument) => argument.value as unknown);
    };
    const state = async () =>
      (await operator.read({ nodeId: orderNodeId(CONVEYOR, 'State') })).value.value as number;

    expect(await abort('abort-1', 'run-9')).toEqual([
      2,
      'the machine holds order PO-2026-000950 (run-2), not command run-9',
    ]);
    // The refused abort changed nothing: the order goes on (its changeover may be over by now).
    expect([ORDER_STATES.DOWNLOADED, ORDER_STATES.RUNNING]).toContain(await state());
    expect(await abort('abort-2', 'run-2')).toEqual([0, '']);
    expect(await state()).toBe(ORDER_STATES.ABORTED);
    expect(await abort('abort-3', 'run-2')).toEqual([1, '']);
    expect(machine.orderState).toBe(ORDER_STATES.ABORTED);
    await connection.disconnect();
  });

  it('executes a downloaded order with its setpoints: State 1, 2, 3 and Good up to the quantity', async () => {
    // Its own connection, closed at the end: the server takes ten at a time.
    const connection = client();
    await connection.connect(simulator.endpointUrl);
    const operator = await connection.createSession(OPERATOR);
    const parameters = await operator.browse(orderNodeId(PRESS_2, 'Parameters'));
    expect(parameters.references?.map((reference) => reference.browseName.name)).toEqual([
      'StrokeRate',
      'Tonnage',
    ]);
    const subscription = ClientSubscription.create(operator, {
      requestedPublishingInterval: 50,
      publishingEnabled: true,
      requestedMaxKeepAliveCount: 10,
      requestedLifetimeCount: 1000,
    });
    const monitor = (field: string) => {
      const values: number[] = [];
      const item = ClientMonitoredItem.create(
        subscription,
        { nodeId: orderNodeId(PRESS_2, field), attributeId: AttributeIds.Value },
        // Sampling interval 0 reports every change, so the short DOWNLOADED is not sampled away.
        { samplingInterval: 0, queueSize: 100, discardOldest: false },
        TimestampsToReturn.Both,
      );
      item.on('changed', (value) => values.push(value.value.value as number));
      return values;
    };
    const states = monitor('State');
    const good = monitor('Good');
    await until(() => states.length > 0 && good.length > 0);

    const write = (values: Record<string, [DataType, string | number]>) =>
      operator.write(
        Object.entries(values).map(([field, [dataType, value]]) => ({
          nodeId: orderNodeId(PRESS_2, field),
          attributeId: AttributeIds.Value,
          value: { value: { dataType, value } },
        })),
      );
    const download = async () => {
      const result = await operator.call({
        objectId: `ns=2;s=${opcuaNodePath(PRESS_2)}.Order`,
        methodId: orderNodeId(PRESS_2, 'Download'),
        inputArguments: [],
      });
      return result.outputArguments?.[0]?.value as number;
    };
    const written = await write({
      Number: [DataType.String, 'PO-2026-000900'],
      Material: [DataType.String, 'BRKT-4711 Bracket'],
      Quantity: [DataType.Double, 2],
      CommandId: [DataType.String, 'run-1'],
      'Parameters.StrokeRate': [DataType.Double, 20],
      'Parameters.Tonnage': [DataType.Double, 900],
    });
    expect(written.every((status) => status.isGood())).toBe(true);
    expect(await download()).toBe(2);
    await write({ 'Parameters.Tonnage': [DataType.Double, 400] });
    expect(await download()).toBe(0);
    expect(await download()).toBe(1);

    await until(() => states.includes(ORDER_STATES.COMPLETE), 50_000);
    await subscription.terminate();
    expect(states.filter((state, i) => state !== states[i - 1])).toEqual([0, 1, 2, 3]);
    expect(good.filter((count, i) => count !== good[i - 1])).toEqual([0, 1, 2]);
    const progress = await operator.read(
      ['Good', 'Reject', 'ActiveCommandId'].map((field) => ({
        nodeId: orderNodeId(PRESS_2, field),
        attributeId: AttributeIds.Value,
      })),
    );
    expect(progress.map((value) => value.value.dataType)).toEqual([
      DataType.UInt32,
      DataType.UInt32,
      DataType.String,
    ]);
    expect(progress[0]!.value.value).toBe(2);
    expect(progress[2]!.value.value).toBe('run-1');
    const press = simulator.machines.find((machine) => machine.equipment.asset.path === PRESS_2)!;
    expect(press.order?.parameters).toEqual({ 'Stroke Rate': 20, Tonnage: 400 });
    expect(press.orderReject).toBe(progress[1]!.value.value);
    const [refused] = await write({ State: [DataType.Int32, 0] });
    expect(refused!.isGood()).toBe(false);
    await connection.disconnect();
  });

  it('offers None and Basic256Sha256 endpoints, anonymous and the configured user', async () => {
    const probe = client();
    await probe.connect(simulator.endpointUrl);
    const endpoints = await probe.getEndpoints();
    const offered = endpoints.map(
      (endpoint) =>
        `${endpoint.securityPolicyUri?.split('#')[1]}/${MessageSecurityMode[endpoint.securityMode]}`,
    );
    expect(offered.sort()).toEqual([
      'Basic256Sha256/Sign',
      'Basic256Sha256/SignAndEncrypt',
      'None/None',
    ]);
    const tokens = endpoints[0]!.userIdentityTokens!.map((token) => UserTokenType[token.tokenType]);
    expect(tokens).toEqual(expect.arrayContaining(['Anonymous', 'UserName']));

    const secure = await session(
      { type: UserTokenType.UserName, userName: USER.username, password: USER.password },
      { mode: MessageSecurityMode.SignAndEncrypt, policy: SecurityPolicy.Basic256Sha256 },
    );
    const state = await secure.read({
      nodeId: opcuaNodeId(PRESS, 'State'),
      attributeId: AttributeIds.Value,
    });
    expect(state.statusCode).toBe(StatusCodes.Good);
    await expect(
      session({ type: UserTokenType.UserName, userName: USER.username, password: 'wrong' }),
    ).rejects.toThrow();
  });

  it('goes away on stop and comes back on the same endpoint on start', async () => {
    const before = await session();
    await simulator.stop();
    const refused = client();
    await expect(refused.connect(simulator.endpointUrl)).rejects.toThrow();
    const { port } = simulator;
    await simulator.start();
    expect(simulator.port).toBe(port);
    const after = await session();
    const value = await after.read({
      nodeId: opcuaNodeId(PRESS, 'GoodCount'),
      attributeId: AttributeIds.Value,
    });
    expect(value.statusCode).toBe(StatusCodes.Good);
    await expect(before.read({ nodeId: opcuaNodeId(PRESS, 'State') })).rejects.toThrow();
  });
});

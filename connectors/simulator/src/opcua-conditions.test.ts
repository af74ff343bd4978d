import {
  AttributeIds,
  DataType,
  MethodIds,
  ObjectIds,
  ObjectTypeIds,
  OPCUAClient,
  TimestampsToReturn,
  constructEventFilter,
  ofType,
  resolveNodeId,
  type ClientSession,
  type LocalizedText,
  type Variant,
} from 'node-opcua';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ALARMS, opcuaNodePath } from '@plantgraph/demo-catalog';
import { CONDITIONS_NAMESPACE_URI } from './opcua-conditions.ts';
import { startOpcuaSimulator, type OpcuaSimulator } from './opcua-server.ts';
import { siteEquipment } from './plant.ts';

/** Every Dresden machine serves conditions: one of them soon has an alarm. */
const MACHINES = siteEquipment('Dresden').map((equipment) => equipment.asset.path);

let simulator: OpcuaSimulator;
let client: OPCUAClient;
let session: ClientSession;

beforeAll(async () => {
  simulator = await startOpcuaSimulator({
    port: 0,
    seed: 3,
    tickMs: 100,
    speed: 600,
    conditionAssets: MACHINES,
  });
  client = OPCUAClient.create({ endpointMustExist: false, connectionStrategy: { maxRetry: 0 } });
  await client.connect(simulator.endpointUrl);
  session = await client.createSession();
});

afterAll(async () => {
  await session?.close();
  await client?.disconnect();
  await simulator?.close();
});

describe('OPC UA simulator conditions', () => {
  it("serves the machines' alarms as conditions on the Server object", async () => {
    const namespaces = await session.readNamespaceArray();
    expect(namespaces[3]).toBe(CONDITIONS_NAMESPACE_URI);

    const fields = ['ConditionName', 'SourceName', 'ActiveState.Id', 'Severity', 'Message'];
    const latest = new Map<string, { active: boolean; severity: number; message: string }>();

    const subscription = await session.createSubscription2({
      requestedPublishingInterval: 50,
      publishingEnabled: true,
    });
    const item = await subscription.monitor(
      { nodeId: resolveNodeId(ObjectIds.Server), attributeId: AttributeIds.EventNotifier },
      {
        queueSize: 1000,
        filter: constructEventFilter(
          fields,
          ofType(resolveNodeId(ObjectTypeIds.AlarmConditionType)),
        ),
      },
      TimestampsToReturn.Neither,
    );
    item.on('changed', (values: Variant[]) => {
      const [name, source, active, severity, message] = values.map((value) => value.value);
      if (typeof name !== 'string') return;
      latest.set(`${String(source)}|${name}`, {
        active: active === true,
        severity: Number(severity),
        message: (message as LocalizedText).text ?? '',
      });
    });
    await session.call({
      objectId: resolveNodeId(ObjectTypeIds.ConditionType),
      methodId: resolveNodeId(MethodIds.ConditionType_ConditionRefresh),
      inputArguments: [{ dataType: DataType.UInt32, value: subscription.subscriptionId }],
    });
    // node-opcua names the source by its qualified browse name, e.g. "2:Press01".
    const sourceOf = (path: string) => `2:${opcuaNodePath(path).split('.').at(-1)}`;
    const served = (path: string) =>
      [...latest]
        .filter(([key, state]) => state.active && key.startsWith(`${sourceOf(path)}|`))
        .map(([key]) => key.split('|')[1]!)
        .sort();
    // Wait for a moment when a machine has alarms and the served conditions match them.
    const [path, code] = await vi.waitFor(
      () => {
        const machine = simulator.machines.find(
          (item) =>
            item.activeAlarms.length > 0 &&
            served(item.equipment.asset.path).join() === [...item.activeAlarms].sort().join(),
        );
        if (!machine) throw new Error('no machine with alarms served yet');
        return [machine.equipment.asset.path, machine.activeAlarms[0]!] as const;
      },
      { timeout: 45_000, interval: 20 },
    );
    const state = latest.get(`${sourceOf(path)}|${code}`);
    expect(state?.message).toBe(ALARMS[code]?.message ?? code);
    const band = ALARMS[code]?.severity ?? 'MEDIUM';
    expect(state?.severity).toBe({ LOW: 125, MEDIUM: 375, HIGH: 625, CRITICAL: 875 }[band]);
    await subscription.terminate();
  });
});

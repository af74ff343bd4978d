import { DataType, StatusCodes, type OPCUAServer, type UAVariable } from 'node-opcua';

/**
 * OPC UA Alarms & Conditions on a test server: an oven with two off-normal alarms driven by
 * Boolean inputs, as a device raises them. The oven is an event source of the Server object, so
 * its conditions reach subscriptions on the Server object and on the oven itself.
 */

export const CONDITIONS_NAMESPACE_URI = 'urn:plantgraph:test-conditions';

/** Condition name → severity (1–1000) and message. */
export const fixtureConditions = {
  DoorOpen: { severity: 300, message: 'Oven door open' },
  OverTemperature: { severity: 900, message: 'Oven over temperature' },
} as const;

export type FixtureCondition = keyof typeof fixtureConditions;

export interface FixtureConditionsHandle {
  /** The oven object's node id (a subtree event source). */
  readonly sourceNodeId: string;
  /** The oven's browse path from the Root folder. */
  readonly sourceBrowsePath: string;
  /** Sets the alarm's input: true raises it, false clears it. */
  set(name: FixtureCondition, active: boolean): void;
  /** The condition's AckedState on the server. */
  acked(name: FixtureCondition): boolean;
  /** The condition's ActiveState on the server. */
  active(name: FixtureCondition): boolean;
  /** Acknowledges the condition on the server, as an operator at the machine's HMI does. */
  acknowledge(name: FixtureCondition, comment: string): void;
  /** Deletes the condition's node, as a server reconfigured under a running client does. */
  remove(name: FixtureCondition): void;
}

interface ConditionInfoLike {
  message: string;
  severity: number;
  quality: typeof StatusCodes.Good;
  retain: boolean;
}

/** Adds the oven and its conditions to a running server's address space. */
export function addFixtureConditions(server: OPCUAServer): FixtureConditionsHandle {
  const addressSpace = server.engine.addressSpace;
  if (!addressSpace) throw new Error('address space not loaded');
  addressSpace.installAlarmsAndConditionsService();
  const namespace = addressSpace.registerNamespace(CONDITIONS_NAMESPACE_URI);
  const ns = addressSpace.getNamespaceIndex(CONDITIONS_NAMESPACE_URI);
  const oven = namespace.addObject({
    organizedBy: addressSpace.rootFolder.objects,
    browseName: 'Oven01',
    nodeId: 's=Oven01',
    eventSourceOf: addressSpace.rootFolder.objects.server,
  });
  const normalState = namespace.addVariable({
    componentOf: oven,
    browseName: 'NormalState',
    nodeId: 's=Oven01.NormalState',
    dataType: 'Boolean',
    value: { dataType: DataType.Boolean, value: false },
  });
  const inputs = new Map<FixtureCondition, UAVariable>();
  const alarms = new Map<
    FixtureCondition,
    ReturnType<typeof namespace.instantiateOffNormalAlarm>
  >();
  for (const [name, { severity, message }] of Object.entries(fixtureConditions)) {
    const input = namespace.addVariable({
      componentOf: oven,
      browseName: `${name}Input`,
      nodeId: `s=Oven01.${name}Input`,
      dataType: 'Boolean',
      value: { dataType: DataType.Boolean, value: false },
    });
    const alarm = namespace.instantiateOffNormalAlarm({
      browseName: name,
      conditionName: name,
      nodeId: `s=Oven01.${name}`,
      componentOf: oven,
      conditionSource: oven,
      inputNode: input,
      normalState,
    });
    // The server's own condition text and severity, as a device configures them.
    const info = (_state: unknown, isActive: boolean): ConditionInfoLike => ({
      message: isActive ? message : `${message}: back to normal`,
      severity,
      quality: StatusCodes.Good,
      retain: true,
    });
    // node-opcua reads these four fields; its ConditionInfo class is not exported.
    alarm.calculateConditionInfo = info as unknown as typeof alarm.calculateConditionInfo;
    inputs.set(name as FixtureCondition, input);
    alarms.set(name as FixtureCondition, alarm);
  }
  const alarmOf = (name: FixtureCondition) => {
    const alarm = alarms.get(name);
    if (!alarm) throw new Error(`no fixture condition ${name}`);
    return alarm;
  };
  return {
    sourceNodeId: `ns=${ns};s=Oven01`,
    sourceBrowsePath: `/Objects/${ns}:Oven01`,
    set(name, active) {
      inputs.get(name)?.setValueFromSource({ dataType: DataType.Boolean, value: active });
    },
    acked: (name) => alarmOf(name).currentBranch().getAckedState(),
    active: (name) => alarmOf(name).currentBranch().getActiveState(),
    acknowledge(name, comment) {
      const alarm = alarmOf(name);
      alarm.acknowledgeAndAutoConfirmBranch(alarm.currentBranch(), comment);
    },
    remove: (name) => addressSpace.deleteNode(alarmOf(name)),
  };
}

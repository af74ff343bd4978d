import { ALARMS, opcuaNodePath } from '@plantgraph/demo-catalog';
import {
  DataType,
  StatusCodes,
  type OPCUAServer,
  type UAObject,
  type UAVariable,
} from 'node-opcua';
import type { Machine } from './machine.ts';

/**
 * OPC UA Alarms & Conditions for chosen machines (OPC 10000-9): each alarm code of the machine's
 * type is an OffNormalAlarm, a component of the machine's object and named by the code, active
 * while the machine has that alarm (the same alarms its AlarmWord carries). The machine object is
 * an event source of the Server object, so the conditions reach subscriptions there, and its
 * browse name is the events' SourceName.
 */

export const CONDITIONS_NAMESPACE_URI = 'urn:plantgraph:demo-plant:conditions';

/** The middle of each Plantgraph severity band in OPC UA's 1–1000 (docs/connectors.md). */
const OPCUA_SEVERITY = { LOW: 125, MEDIUM: 375, HIGH: 625, CRITICAL: 875 } as const;

/** The node id of a machine's condition: `ns=3;s=<nodePath>.Conditions.<code>`. */
export function conditionNodeId(assetPath: string, code: string, namespaceIndex = 3): string {
  return `ns=${namespaceIndex};s=${opcuaNodePath(assetPath)}.Conditions.${code}`;
}

interface ConditionInfoLike {
  message: string;
  severity: number;
  quality: typeof StatusCodes.Good;
  retain: boolean;
}

/**
 * Adds the conditions of the machines whose asset paths are in `assetPaths` to an initialized
 * server whose demo namespace holds the machine objects; returns what refreshes their inputs.
 */
export function addMachineConditions(
  server: OPCUAServer,
  machines: readonly Machine[],
  assetPaths: readonly string[],
  demoNamespaceIndex: number,
): () => void {
  const chosen = machines.filter((machine) => assetPaths.includes(machine.equipment.asset.path));
  if (chosen.length === 0) return () => undefined;
  const addressSpace = server.engine.addressSpace;
  if (!addressSpace) throw new Error('OPC UA server started without an address space');
  addressSpace.installAlarmsAndConditionsService();
  const namespace = addressSpace.registerNamespace(CONDITIONS_NAMESPACE_URI);
  const normalState = namespace.addVariable({
    organizedBy: addressSpace.rootFolder.objects.server,
    browseName: 'ConditionsNormalState',
    nodeId: 's=Conditions.NormalState',
    dataType: 'Boolean',
    value: { dataType: DataType.Boolean, value: false },
  });
  const inputs: { machine: Machine; code: string; input: UAVariable }[] = [];
  for (const machine of chosen) {
    const nodePath = opcuaNodePath(machine.equipment.asset.path);
    const object = addressSpace.findNode(`ns=${demoNamespaceIndex};s=${nodePath}`) as UAObject;
    if (!object) throw new Error(`no machine object for ${machine.equipment.asset.path}`);
    addressSpace.rootFolder.objects.server.addReference({
      referenceType: 'HasEventSource',
      nodeId: object.nodeId,
    });
    object.setEventNotifier(1);
    for (const code of machine.alarmCodes) {
      const input = namespace.addVariable({
        componentOf: object,
        browseName: `${code}Input`,
        nodeId: `s=${nodePath}.Conditions.${code}.Input`,
        dataType: 'Boolean',
        value: { dataType: DataType.Boolean, value: false },
      });
      const alarm = namespace.instantiateOffNormalAlarm({
        browseName: code,
        conditionName: code,
        nodeId: `s=${nodePath}.Conditions.${code}`,
        componentOf: object,
        conditionSource: object,
        inputNode: input,
        normalState,
      });
      const text = ALARMS[code];
      const severity = OPCUA_SEVERITY[text?.severity ?? 'MEDIUM'];
      const message = text?.message ?? code;
      const info = (_state: unknown, isActive: boolean): ConditionInfoLike => ({
        message: isActive ? message : `${message}: back to normal`,
        severity,
        quality: StatusCodes.Good,
        retain: true,
      });
      // node-opcua reads these four fields; its ConditionInfo class is not exported.
      alarm.calculateConditionInfo = info as unknown as typeof alarm.calculateConditionInfo;
      inputs.push({ machine, code, input });
    }
  }
  return () => {
    for (const { machine, code, input } of inputs) {
      const active = machine.activeAlarms.includes(code);
      if (input.readValue().value.value === active) continue;
      input.setValueFromSource({ dataType: DataType.Boolean, value: active });
    }
  };
}

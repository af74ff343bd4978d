export {
  DOWNLOAD_STATUS,
  Machine,
  type AcceptedOrder,
  type DownloadStatus,
  type MachineOptions,
  type MachinePoint,
  type OrderAbort,
  type OrderDownload,
  type PointType,
} from './machine.ts';
export { createMachines, siteEquipment } from './plant.ts';
export { programName, type SignalValue } from './signals.ts';
export {
  startOpcuaSimulator,
  type OpcuaSimulator,
  type OpcuaSimulatorOptions,
} from './opcua-server.ts';
export { CONDITIONS_NAMESPACE_URI, conditionNodeId } from './opcua-conditions.ts';
export {
  startMqttSimulator,
  type CloseOptions,
  type MqttSimulator,
  type MqttSimulatorOptions,
} from './mqtt-simulator.ts';
export type { SparkplugEdgeNode } from './sparkplug.ts';
export type { OrderAck, OrderProgress } from './uns-orders.ts';
// The address tables the simulator serves by; they live with the demo plant's catalog.
export { alarmCodesFor, plcStateCodes } from '@plantgraph/demo-catalog';
export { simulatorEnvironment, simulatorRole } from './role.ts';

export { startOpcuaConnector } from './opcua-connector.ts';
export type {
  OpcuaConnector,
  OpcuaConnectorEvents,
  OpcuaConnectorOptions,
  SubscriptionSummary,
} from './opcua-connector.types.ts';
export { browseTree, formatBrowseTree, type BrowsedNode } from './browse.ts';
export { CredentialConfigError, defaultPkiFolder, userIdentityFor } from './client.ts';
export { routeOpcuaStackLogs } from './stack-logs.ts';
export {
  type AcknowledgedAtSource,
  type ConditionAckResult,
  type OpenAlarm,
} from './events/alarm-conditions.ts';
export { severityBand } from './events/condition-event.ts';

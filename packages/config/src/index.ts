export { loadConfig, ConfigError, port, optionalUrl } from './load-config.ts';
export {
  callerDirectory,
  dataDir,
  describeEnvironment,
  embeddedOrDatabaseUrl,
  gatewaySecret,
  listenHost,
  listenPort,
  mqttUrl,
  requiredDatabaseUrl,
  requiredMqttUrl,
} from './environment.ts';
export {
  SUBGRAPHS,
  SUBGRAPH_NAMES,
  defaultSubgraphUrl,
  isSubgraphName,
  subgraphRegistration,
  type SubgraphName,
  type SubgraphRegistration,
} from './subgraphs.ts';
export { runtimeFile } from './resources.ts';
export { createLogger, type Logger } from './logger.ts';
export { platformVersion } from './version.ts';
export { exitOnStartupError } from './fail-fast.ts';
export { closeOnSignals } from './shutdown.ts';
export { uniqueClientId } from './client-id.ts';
export { defineRole, runRole, type ProcessRole, type RunningRole } from './role.ts';

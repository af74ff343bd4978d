export { loadConfig, ConfigError, port, optionalUrl } from './load-config.ts';
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
export { uniqueClientId } from './client-id.ts';

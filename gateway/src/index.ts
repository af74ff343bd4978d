export {
  composeSupergraph,
  loadSupergraphSdl,
  CompositionError,
  type ComposedGraph,
} from './compose.ts';
export { startGateway, type GatewayOptions } from './gateway-server.ts';
export { DEFAULT_LIMITS, type GatewayLimits } from './limits/limits.ts';
export { limitsEnvironment, limitsFromEnvironment } from './limits/environment.ts';
export { operationHash, OperationsAllowList } from './limits/operations-allowlist.ts';
export { subgraphEntries, defaultSubgraphUrl, type SubgraphEntry } from './subgraphs.ts';

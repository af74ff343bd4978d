export { loadSupergraphSdl, defaultSupergraphPath } from './supergraph.ts';
export { startGateway, type GatewayOptions } from './gateway-server.ts';
export { gatewayEnvironment, gatewayRole } from './role.ts';
export { SubgraphReplicas } from './subgraph-replicas.ts';
export { DEFAULT_LIMITS, type GatewayLimits } from './limits/limits.ts';
export { limitsEnvironment, limitsFromEnvironment } from './limits/environment.ts';
export { exportEnvironment, exportFromEnvironment } from './export/export-environment.ts';
export { operationHash, OperationsAllowList } from './limits/operations-allowlist.ts';

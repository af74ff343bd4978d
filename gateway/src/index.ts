export {
  composeSupergraph,
  loadSupergraphSdl,
  CompositionError,
  type ComposedGraph,
} from './compose.ts';
export { startGateway, type GatewayOptions } from './gateway-server.ts';
export { subgraphEntries, defaultSubgraphUrl, type SubgraphEntry } from './subgraphs.ts';

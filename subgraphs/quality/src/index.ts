export { qualitySubgraph } from './subgraph.ts';

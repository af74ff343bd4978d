export { alarmsSubgraph } from './subgraph.ts';

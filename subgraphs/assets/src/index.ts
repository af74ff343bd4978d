export { assetsSubgraph } from './subgraph.ts';

export { timeseriesSubgraph } from './subgraph.ts';

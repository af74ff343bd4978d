export { ordersSubgraph } from './subgraph.ts';

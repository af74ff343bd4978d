import { runStandaloneSubgraph } from '@plantgraph/graph';
import { ordersSubgraph } from './subgraph.ts';

await runStandaloneSubgraph(ordersSubgraph, 4002);

import { runStandaloneSubgraph } from '@plantgraph/graph';
import { alarmsSubgraph } from './subgraph.ts';

await runStandaloneSubgraph(alarmsSubgraph, 4004);

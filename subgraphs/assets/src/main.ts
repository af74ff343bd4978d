import { runStandaloneSubgraph } from '@plantgraph/graph';
import { assetsSubgraph } from './subgraph.ts';

await runStandaloneSubgraph(assetsSubgraph, 4001);

import { runStandaloneSubgraph } from '@plantgraph/graph';
import { timeseriesSubgraph } from './subgraph.ts';

await runStandaloneSubgraph(timeseriesSubgraph, 4005);

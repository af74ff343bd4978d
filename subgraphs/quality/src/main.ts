import { runStandaloneSubgraph } from '@plantgraph/graph';
import { qualitySubgraph } from './subgraph.ts';

await runStandaloneSubgraph(qualitySubgraph, 4003);

import { alarmsSubgraph } from '@plantgraph/alarms-subgraph';
import { assetsSubgraph } from '@plantgraph/assets-subgraph';
import type { SubgraphModule } from '@plantgraph/graph';
import { ordersSubgraph } from '@plantgraph/orders-subgraph';
import { qualitySubgraph } from '@plantgraph/quality-subgraph';
import { timeseriesSubgraph } from '@plantgraph/timeseries-subgraph';

export interface SubgraphEntry {
  module: SubgraphModule;
  /** The port the subgraph listens on when run as its own process. */
  defaultPort: number;
  /** The environment variable that points the gateway at the subgraph. */
  urlVariable: string;
}

/** The five subgraphs of the graph, in the order the supergraph lists them. */
export const subgraphEntries: readonly SubgraphEntry[] = [
  { module: assetsSubgraph, defaultPort: 4001, urlVariable: 'ASSETS_URL' },
  { module: ordersSubgraph, defaultPort: 4002, urlVariable: 'ORDERS_URL' },
  { module: qualitySubgraph, defaultPort: 4003, urlVariable: 'QUALITY_URL' },
  { module: alarmsSubgraph, defaultPort: 4004, urlVariable: 'ALARMS_URL' },
  { module: timeseriesSubgraph, defaultPort: 4005, urlVariable: 'TIMESERIES_URL' },
];

export const defaultSubgraphUrl = (entry: SubgraphEntry) =>
  `http://127.0.0.1:${entry.defaultPort}/graphql`;

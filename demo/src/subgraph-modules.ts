import { alarmsSubgraph } from '@plantgraph/alarms-subgraph';
import { assetsSubgraph } from '@plantgraph/assets-subgraph';
import { SUBGRAPHS, type SubgraphName, type SubgraphRegistration } from '@plantgraph/config';
import type { SubgraphModule } from '@plantgraph/graph';
import { ordersSubgraph } from '@plantgraph/orders-subgraph';
import { qualitySubgraph } from '@plantgraph/quality-subgraph';
import { timeseriesSubgraph } from '@plantgraph/timeseries-subgraph';

const MODULES: Record<SubgraphName, SubgraphModule> = {
  assets: assetsSubgraph,
  orders: ordersSubgraph,
  quality: qualitySubgraph,
  alarms: alarmsSubgraph,
  timeseries: timeseriesSubgraph,
};

/** The five subgraphs in process, with their registry entries, in the supergraph's order. */
export const subgraphModules: readonly (SubgraphRegistration & { module: SubgraphModule })[] =
  SUBGRAPHS.map((entry) => ({ ...entry, module: MODULES[entry.name] }));

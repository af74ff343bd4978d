/**
 * The five subgraphs of the graph, in the order the supergraph lists them: the one registry that
 * subgraph processes (default ports), the gateway (URL variables), the demo and the composition
 * tooling read.
 */
export const SUBGRAPHS = [
  { name: 'assets', defaultPort: 4001, urlVariable: 'ASSETS_URL' },
  { name: 'orders', defaultPort: 4002, urlVariable: 'ORDERS_URL' },
  { name: 'quality', defaultPort: 4003, urlVariable: 'QUALITY_URL' },
  { name: 'alarms', defaultPort: 4004, urlVariable: 'ALARMS_URL' },
  { name: 'timeseries', defaultPort: 4005, urlVariable: 'TIMESERIES_URL' },
] as const;

export type SubgraphName = (typeof SUBGRAPHS)[number]['name'];
export type SubgraphRegistration = (typeof SUBGRAPHS)[number];

export const SUBGRAPH_NAMES: readonly SubgraphName[] = SUBGRAPHS.map((entry) => entry.name);

export const isSubgraphName = (name: string | undefined): name is SubgraphName =>
  SUBGRAPH_NAMES.includes(name as SubgraphName);

export function subgraphRegistration(name: SubgraphName): SubgraphRegistration {
  const entry = SUBGRAPHS.find((candidate) => candidate.name === name);
  if (!entry) throw new Error(`unknown subgraph ${name}`);
  return entry;
}

/** Where a subgraph listens by default, as the supergraph records it. */
export const defaultSubgraphUrl = (entry: SubgraphRegistration): string =>
  `http://127.0.0.1:${entry.defaultPort}/graphql`;

import { readFileSync } from 'node:fs';
import { operationFromDocument, Supergraph } from '@apollo/federation-internals';
import {
  QueryPlanner,
  type PlanNode,
  type QueryPlan,
  type SubscriptionNode,
} from '@apollo/query-planner';
import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';

/**
 * How the gateway plans reads of one tag, from the committed supergraph: `Query.tag` is answered
 * by both the assets and the timeseries subgraph, so a tag's values take one fetch.
 */

const supergraph = Supergraph.build(
  readFileSync(new URL('../gateway/supergraph.graphql', import.meta.url), 'utf8'),
);
const planner = new QueryPlanner(supergraph);

/** The subgraphs the plan fetches from, in plan order. */
function fetchesOf(query: string): string[] {
  const operation = operationFromDocument(supergraph.apiSchema(), parse(query));
  const plan: QueryPlan = planner.buildQueryPlan(operation);
  const services: string[] = [];
  const visit = (node: PlanNode | SubscriptionNode | undefined): void => {
    if (!node) return;
    switch (node.kind) {
      case 'Fetch':
        services.push(node.serviceName);
        return;
      case 'Flatten':
        return visit(node.node);
      case 'Sequence':
      case 'Parallel':
        return node.nodes.forEach(visit);
      default:
        throw new Error(`unexpected plan node ${node.kind}`);
    }
  };
  visit(plan.node);
  return services;
}

const WINDOW = 'from: "2026-12-06T00:00:00Z", to: "2026-12-07T00:00:00Z"';

describe('query plans for one tag', () => {
  it('sends a tag’s 24 h aggregate to the timeseries subgraph in one fetch', () => {
    expect(
      fetchesOf(`query ($id: ID!) {
        tag(id: $id) { id aggregate(${WINDOW}, interval: "1 minute", functions: [AVG]) { start avg } }
      }`),
    ).toEqual(['timeseries']);
  });

  it('sends raw history, columnar or paged, and the latest value there in one fetch', () => {
    expect(
      fetchesOf(`query ($id: ID!) {
        tag(id: $id) {
          historyFrame(${WINDOW}, first: 100000) { timestamps values qualities pageInfo { endCursor } }
          history(${WINDOW}, first: 1000) { edges { node { time value } } }
          latest { value }
        }
      }`),
    ).toEqual(['timeseries']);
  });

  it('still asks the assets subgraph for what only it knows', () => {
    expect(fetchesOf('query ($id: ID!) { tag(id: $id) { name unit } }')).toEqual(['assets']);
    expect(
      fetchesOf(`query ($id: ID!) {
        tag(id: $id) { name aggregate(${WINDOW}, interval: "1 hour", functions: [MAX]) { max } }
      }`),
    ).toHaveLength(2);
  });
});

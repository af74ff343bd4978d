import { buildSchema, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { DEFAULT_COST_MODEL } from './operation-cost.ts';
import { checkOperationLimits } from './operation-limits.ts';

const schema = buildSchema(`
  type Query { node: Node }
  type Node { child: Node items(first: Int): [Node!]! id: ID }
`);

const check = (query: string, maxDepth: number, maxCost: number) =>
  checkOperationLimits(
    { schema, document: parse(query) },
    { maxDepth, maxCost, costModel: DEFAULT_COST_MODEL },
  ).map((error) => ({ message: error.message, extensions: error.extensions }));

describe('checkOperationLimits', () => {
  it('accepts an operation within both limits', () => {
    expect(check('{ node { child { id } } }', 3, 3)).toEqual([]);
  });

  it('states the depth and the limit', () => {
    expect(check('{ node { child { child { id } } } }', 3, 100)).toEqual([
      {
        message: 'Query depth 4 exceeds the limit 3',
        extensions: { code: 'QUERY_TOO_COMPLEX', depth: 4, limit: 3 },
      },
    ]);
  });

  it('states the computed cost and the limit', () => {
    // node 1 + items (1 + 1000 × (items (1 + 20 × id 1)))
    const query = '{ node { items(first: 1000) { items(first: 20) { id } } } }';
    expect(check(query, 10, 10_000)).toEqual([
      {
        message: 'Query cost 21002 exceeds the limit 10000',
        extensions: { code: 'QUERY_TOO_COMPLEX', cost: 21_002, limit: 10_000 },
      },
    ]);
  });
});

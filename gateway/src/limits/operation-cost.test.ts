import { buildSchema, getIntrospectionQuery, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { measureOperation } from './operation-cost.ts';

const schema = buildSchema(`
  type Query {
    asset(id: ID!): Asset
    assets(first: Int, after: String): AssetConnection!
    characteristics: [Characteristic!]!
  }
  type Asset {
    id: ID!
    name: String!
    parent: Asset
    tags: [Tag!]!
    history(first: Int): [Datapoint!]!
  }
  type Tag { name: String! latest: Datapoint historyFrame(first: Int!): HistoryFrame! }
  type HistoryFrame { timestamps: [String!]! values: [Float]! pageInfo: PageInfo! }
  type Datapoint { time: String! value: Float }
  type Characteristic { name: String! }
  type AssetConnection { edges: [AssetEdge!]! pageInfo: PageInfo! totalCount: Int! }
  type AssetEdge { cursor: String! node: Asset! }
  type PageInfo { hasNextPage: Boolean! }
`);

const measure = (query: string, variables?: Record<string, unknown>) =>
  measureOperation({ schema, document: parse(query), variables });

describe('measureOperation', () => {
  it('counts every field once outside lists', () => {
    expect(measure('{ asset(id: "a") { id name parent { name } } }')).toEqual({
      depth: 3,
      cost: 5,
    });
  });

  it('multiplies plain lists by the default list size', () => {
    // asset 1 + id 1 + tags (1 + 10 × (name 1 + latest (1 + value 1)))
    expect(measure('{ asset(id: "a") { id tags { name latest { value } } } }')).toEqual({
      depth: 4,
      cost: 1 + 1 + 1 + 10 * 3,
    });
  });

  it("multiplies a connection's edges by its page size, default 50, not its totals", () => {
    // assets 1 + totalCount 1 + pageInfo 2 + edges (1 + first × (node 1 + id 1))
    const query = (first: string) =>
      `{ assets${first} { totalCount pageInfo { hasNextPage } edges { node { id } } } }`;
    expect(measure(query('(first: 5)')).cost).toBe(1 + 1 + 2 + 1 + 5 * 2);
    expect(measure(query('')).cost).toBe(1 + 1 + 2 + 1 + 50 * 2);
  });

  it('reads a page size given as a variable, and caps it at the largest page', () => {
    const query = 'query ($n: Int) { asset(id: "a") { history(first: $n) { value } } }';
    expect(measure(query, { n: 20 }).cost).toBe(1 + 1 + 20);
    expect(measure(query, { n: 100_000 }).cost).toBe(1 + 1 + 1000);
    expect(measure(query).cost).toBe(1 + 1 + 50);
  });

  it('counts a columnar page by its values, up to its own largest page', () => {
    const query = (first: number) =>
      `{ asset(id: "a") { tags { historyFrame(first: ${first}) { timestamps values pageInfo { hasNextPage } } } } }`;
    // asset 1 + tags (1 + 10 × historyFrame (1 + 2 columns × (1 + first × 0.1) + pageInfo 2))
    expect(measure(query(100_000)).cost).toBe(1 + 1 + 10 * (1 + 2 * (1 + 10_000) + 2));
    expect(measure(query(500_000)).cost).toBe(measure(query(100_000)).cost);
    expect(measure(query(10)).cost).toBe(1 + 1 + 10 * (1 + 2 * (1 + 1) + 2));
  });

  it('multiplies nested lists', () => {
    const query = '{ assets(first: 10) { edges { node { history(first: 100) { value } } } } }';
    // assets 1 + edges (1 + 10 × (node 1 + history (1 + 100 × 1)))
    expect(measure(query)).toEqual({ depth: 5, cost: 1 + 1 + 10 * (1 + 1 + 100) });
  });

  it('follows fragments and inline fragments', () => {
    const query = `
      query { asset(id: "a") { ...Names ... on Asset { parent { ...Names } } } }
      fragment Names on Asset { id name }
    `;
    expect(measure(query)).toEqual({ depth: 3, cost: 1 + 2 + 1 + 2 });
  });

  it('measures the named operation of several', () => {
    const document = parse(`
      query Small { asset(id: "a") { id } }
      query Large { characteristics { name } }
    `);
    expect(measureOperation({ schema, document, operationName: 'Large' }).cost).toBe(1 + 10);
  });

  it('leaves introspection out', () => {
    expect(measure(getIntrospectionQuery())).toEqual({ depth: 0, cost: 0 });
    expect(measure('{ __typename asset(id: "a") { __typename id } }')).toEqual({
      depth: 2,
      cost: 2,
    });
  });
});

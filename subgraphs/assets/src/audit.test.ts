import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, SubgraphClient, type TestDatabase } from '@plantgraph/testing';
import { assetsSubgraph } from './subgraph.ts';

let database: TestDatabase;
let client: SubgraphClient;

const ORDER_1 = '11111111-1111-4111-8111-111111111111';
const ORDER_2 = '22222222-2222-4222-8222-222222222222';
const ASSET_1 = '33333333-3333-4333-8333-333333333333';

/** Audit entries with fixed ids, so rows at the same time have a known order (id desc). */
const entries = [
  {
    id: 'a0000000-0000-4000-8000-000000000001',
    time: '2026-03-01T10:00:00.000Z',
    actor: 'erp-adapter',
    operation: 'createProductionOrder',
    entityType: 'ProductionOrder',
    entityId: ORDER_1,
    input: { input: { number: 'PO-1', quantity: 10 } },
    outcome: 'OK',
    errorCode: null,
    result: { id: ORDER_1 },
  },
  {
    id: 'a0000000-0000-4000-8000-000000000002',
    time: '2026-03-01T10:01:00.000Z',
    actor: 'planner',
    operation: 'releaseOrder',
    entityType: 'ProductionOrder',
    entityId: ORDER_1,
    input: { id: ORDER_1 },
    outcome: 'OK',
    errorCode: null,
    result: { id: ORDER_1 },
  },
  {
    id: 'a0000000-0000-4000-8000-000000000003',
    time: '2026-03-01T10:02:00.000Z',
    actor: 'erp-adapter',
    operation: 'createProductionOrder',
    entityType: 'ProductionOrder',
    entityId: ORDER_2,
    input: { input: { number: 'PO-1', quantity: 10 } },
    outcome: 'ERROR',
    errorCode: 'CONFLICT',
    result: { message: 'Argument "input.number": already exists' },
  },
  {
    // Same time as the entry before: the higher id comes first.
    id: 'a0000000-0000-4000-8000-000000000004',
    time: '2026-03-01T10:02:00.000Z',
    actor: 'engineer',
    operation: 'updateAsset',
    entityType: 'Asset',
    entityId: ASSET_1,
    input: { id: ASSET_1 },
    outcome: 'DENIED',
    errorCode: 'FORBIDDEN',
    result: { message: 'Not allowed to run updateAsset' },
  },
  {
    id: 'a0000000-0000-4000-8000-000000000005',
    time: '2026-03-01T10:03:00.000Z',
    actor: 'planner',
    operation: 'downloadOrder',
    entityType: 'ProductionOrder',
    entityId: ORDER_1,
    input: { orderId: ORDER_1 },
    outcome: 'ERROR',
    errorCode: 'BAD_USER_INPUT',
    result: { message: 'Argument "equipmentId": no download mapping' },
  },
  // A tenth of a millisecond apart: a millisecond cursor would skip one of them.
  {
    id: 'a0000000-0000-4000-8000-000000000006',
    time: '2026-03-01T10:04:00.000100Z',
    actor: 'planner',
    operation: 'downloadOrder',
    entityType: 'ProductionOrder',
    entityId: ORDER_1,
    input: { orderId: ORDER_1 },
    outcome: 'OK',
    errorCode: null,
    result: { id: ORDER_1 },
  },
  {
    id: 'a0000000-0000-4000-8000-000000000007',
    time: '2026-03-01T10:04:00.000200Z',
    actor: 'mes',
    operation: 'abortOrder',
    entityType: 'ProductionOrder',
    entityId: ORDER_1,
    input: { id: ORDER_1 },
    outcome: 'ERROR',
    errorCode: 'CONFLICT',
    result: { message: 'Cannot change a production order from DOWNLOADING to ABORTED' },
  },
];

const numberOf = (id: string) => Number(id.slice(-1));

interface Page {
  auditLog: {
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    edges: { node: { id: string } }[];
  };
}

const pageQuery = `query ($entityType: String, $entityId: String, $from: DateTime, $to: DateTime,
    $first: Int, $after: String) {
  auditLog(entityType: $entityType, entityId: $entityId, from: $from, to: $to, first: $first,
    after: $after) { pageInfo { hasNextPage endCursor } edges { node { id } } } }`;

/** The entry numbers of one page, newest first. */
async function page(variables: Record<string, unknown>) {
  const { data, errors } = await client.execute<Page>(pageQuery, variables);
  expect(errors).toBeUndefined();
  return {
    numbers: data!.auditLog.edges.map((edge) => numberOf(edge.node.id)),
    ...data!.auditLog.pageInfo,
  };
}

beforeAll(async () => {
  database = await openTestDatabase();
  client = await SubgraphClient.start(await assetsSubgraph.buildSchema(), database.services);
  for (const entry of entries) {
    await database.sql.query(
      `insert into audit_log
         (id, time, actor, operation, entity_type, entity_id, input, outcome, error_code, result)
       values ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, $10::jsonb)`,
      [
        entry.id,
        entry.time,
        entry.actor,
        entry.operation,
        entry.entityType,
        entry.entityId,
        JSON.stringify(entry.input),
        entry.outcome,
        entry.errorCode,
        JSON.stringify(entry.result),
      ],
    );
  }
});

afterAll(async () => {
  await client?.stop();
  await database?.close();
});

describe('auditLog', () => {
  it('returns every entry newest first, as stored', async () => {
    const { data, errors } = await client.execute<{
      auditLog: { edges: { node: Record<string, unknown> }[] };
    }>(`{ auditLog { edges { node {
        id time actor operation entityType entityId input outcome errorCode result } } } }`);
    expect(errors).toBeUndefined();
    const nodes = data!.auditLog.edges.map((edge) => edge.node);
    expect(nodes.map((node) => numberOf(node.id as string))).toEqual([7, 6, 5, 4, 3, 2, 1]);
    const { time, ...downloadRefused } = entries[4]!;
    expect(nodes[2]).toEqual({ ...downloadRefused, time: new Date(time) });
  });

  it.each([
    ['an entity type', { entityType: 'Asset' }, [4]],
    ['an entity', { entityType: 'ProductionOrder', entityId: ORDER_1 }, [7, 6, 5, 2, 1]],
    ['an entity id alone', { entityId: ORDER_2 }, [3]],
    // `from` is inclusive, `to` exclusive.
    ['a time range', { from: '2026-03-01T10:01:00Z', to: '2026-03-01T10:03:00Z' }, [4, 3, 2]],
    ['a start', { from: '2026-03-01T10:03:00Z' }, [7, 6, 5]],
    ['an end', { to: '2026-03-01T10:02:00Z' }, [2, 1]],
    [
      'an entity and a time range',
      { entityId: ORDER_1, from: '2026-03-01T10:00:00.001Z', to: '2026-03-01T10:04:00.001Z' },
      [7, 6, 5, 2],
    ],
    ['an unknown entity type', { entityType: 'Tag' }, []],
  ])('filters by %s', async (_, filter, expected) => {
    const { numbers, hasNextPage } = await page(filter);
    expect(numbers).toEqual(expected);
    expect(hasNextPage).toBe(false);
  });

  it('pages through everything with cursors exact to the microsecond', async () => {
    const seen: number[][] = [];
    let after: string | null = null;
    for (;;) {
      const result = await page({ first: 1, after });
      seen.push(result.numbers);
      if (!result.hasNextPage) break;
      after = result.endCursor;
      expect(seen.length).toBeLessThan(entries.length);
    }
    // Every boundary is crossed: 7 → 6 differ by 100 µs, 4 → 3 only by id.
    expect(seen).toEqual([[7], [6], [5], [4], [3], [2], [1]]);
  });

  it('pages within a filter', async () => {
    const first = await page({ entityId: ORDER_1, first: 3 });
    expect(first).toMatchObject({ numbers: [7, 6, 5], hasNextPage: true });
    const second = await page({ entityId: ORDER_1, first: 3, after: first.endCursor });
    expect(second).toMatchObject({ numbers: [2, 1], hasNextPage: false });
  });

  it.each([
    [{ from: '2026-03-01T10:03:00Z', to: '2026-03-01T10:02:59.999Z' }, 'from'],
    [{ first: 0 }, 'first'],
    [{ first: 1001 }, 'first'],
    [{ after: 'bogus' }, 'after'],
  ])('refuses %o with BAD_USER_INPUT naming %s', async (variables, argument) => {
    const { data, errors } = await client.execute(pageQuery, variables);
    expect(data?.auditLog ?? null).toBeNull();
    expect(errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument });
    expect(errors?.[0]?.message).toContain(`"${argument}"`);
  });

  it('accepts an empty range where from equals to', async () => {
    const { numbers } = await page({ from: '2026-03-01T10:02:00Z', to: '2026-03-01T10:02:00Z' });
    expect(numbers).toEqual([]);
  });
});

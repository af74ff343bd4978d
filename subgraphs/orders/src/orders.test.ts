import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext } from '@plantgraph/graph';
import { openTestDatabase, SubgraphClient, type TestDatabase } from '@plantgraph/testing';
import { changeOrderStatus } from './order/order.commands.ts';
import { ProductionOrderStatus } from './order/order.type.ts';
import { ordersSubgraph } from './subgraph.ts';

let database: TestDatabase;
let client: SubgraphClient;
const assets: Record<string, string> = {};
const orders: Record<string, string> = {};
const UNKNOWN = '00000000-0000-4000-8000-000000000000';

async function insertAsset(name: string, kind = 'EQUIPMENT'): Promise<void> {
  const [row] = await database.sql.query<{ id: string }>(
    'insert into asset (kind, name, path) values ($1, $2, $2) returning id',
    [kind, name],
  );
  assets[name] = row!.id;
}

async function insertOrder(
  number: string,
  asset: string,
  status: string,
  createdAt: string,
  externalId: string | null = null,
): Promise<void> {
  const [row] = await database.sql.query<{ id: string }>(
    `insert into production_order
       (number, external_id, material, quantity, status, asset_id, created_at, updated_at)
     values ($1, $2, 'BRKT-1', 10, $3, $4, $5, $5) returning id`,
    [number, externalId, status, assets[asset], createdAt],
  );
  orders[number] = row!.id;
}

/** Every stored order and status change: what a failed mutation must leave as it was. */
async function snapshot() {
  const [orderRows, changes] = await Promise.all([
    database.sql.query('select * from production_order order by number'),
    database.sql.query('select * from production_order_status_change order by id'),
  ]);
  return { orderRows, changes };
}

interface OrderResult {
  id: string;
  number: string;
  status: string;
  statusHistory: { from: string | null; to: string; actor: string; reason: string | null }[];
}

const orderFields = 'id number status statusHistory { from to actor reason }';

beforeAll(async () => {
  database = await openTestDatabase();
  client = await SubgraphClient.start(await ordersSubgraph.buildSchema(), database.services);
  for (const name of ['Press A', 'Press B', 'Press C', 'Press D', 'Press E']) {
    await insertAsset(name);
  }
  await insertOrder('PO-A1', 'Press A', 'RUNNING', '2026-01-01T10:00:00Z', 'ERP-A1');
  await insertOrder('PO-A2', 'Press A', 'DOWNLOADED', '2026-01-01T11:00:00Z');
  await insertOrder('PO-A3', 'Press A', 'COMPLETED', '2026-01-01T09:00:00Z');
  await insertOrder('PO-B1', 'Press B', 'DOWNLOADED', '2026-01-01T08:00:00Z');
  await insertOrder('PO-B2', 'Press B', 'DOWNLOADED', '2026-01-01T09:00:00Z');
  await insertOrder('PO-C1', 'Press C', 'CREATED', '2026-01-01T08:00:00Z');
  // Two orders a tenth of a millisecond apart: a millisecond cursor would lose the second.
  await insertOrder('PO-E1', 'Press E', 'CREATED', '2026-01-02T00:00:00.000200Z');
  await insertOrder('PO-E2', 'Press E', 'CREATED', '2026-01-02T00:00:00.000100Z');
  await database.sql.query(
    `insert into production_order_status_change (order_id, from_status, to_status, actor, changed_at)
     values ($1, null, 'CREATED', 'erp', '2026-01-01T10:00:00Z'),
            ($1, 'CREATED', 'RELEASED', 'planner', '2026-01-01T10:01:00Z')`,
    [orders['PO-A1']],
  );
});

afterAll(async () => {
  await client?.stop();
  await database?.close();
});

describe('orders queries', () => {
  it('returns an order with its asset key and status history', async () => {
    const { data, errors } = await client.execute<{ productionOrder: Record<string, unknown> }>(
      `query ($id: ID!) { productionOrder(id: $id) {
          number externalId material quantity unit status priority dueAt asset { id }
          statusHistory { from to actor reason } } }`,
      { id: orders['PO-A1'] },
    );
    expect(errors).toBeUndefined();
    expect(data?.productionOrder).toEqual({
      number: 'PO-A1',
      externalId: 'ERP-A1',
      material: 'BRKT-1',
      quantity: 10,
      unit: 'pcs',
      status: 'RUNNING',
      priority: 0,
      dueAt: null,
      asset: { id: assets['Press A'] },
      statusHistory: [
        { from: null, to: 'CREATED', actor: 'erp', reason: null },
        { from: 'CREATED', to: 'RELEASED', actor: 'planner', reason: null },
      ],
    });
  });

  it('filters by status and asset, newest first, with the total', async () => {
    const { data } = await client.execute<{
      productionOrders: { totalCount: number; edges: { node: { number: string } }[] };
    }>(
      `query ($asset: ID) { productionOrders(status: DOWNLOADED, assetId: $asset) {
          totalCount edges { node { number } } } }`,
      { asset: assets['Press B'] },
    );
    expect(data?.productionOrders.totalCount).toBe(2);
    expect(data?.productionOrders.edges.map((edge) => edge.node.number)).toEqual([
      'PO-B2',
      'PO-B1',
    ]);
  });

  it('pages with cursors exact to the microsecond', async () => {
    type Page = {
      productionOrders: {
        totalCount: number;
        pageInfo: { hasNextPage: boolean; endCursor: string };
        edges: { node: { number: string } }[];
      };
    };
    const query = `query ($asset: ID, $after: String) {
      productionOrders(assetId: $asset, first: 1, after: $after) {
        totalCount pageInfo { hasNextPage endCursor } edges { node { number } } } }`;
    const first = await client.execute<Page>(query, { asset: assets['Press E'] });
    expect(first.data?.productionOrders.edges.map((edge) => edge.node.number)).toEqual(['PO-E1']);
    expect(first.data?.productionOrders.pageInfo.hasNextPage).toBe(true);
    expect(first.data?.productionOrders.totalCount).toBe(2);
    const second = await client.execute<Page>(query, {
      asset: assets['Press E'],
      after: first.data?.productionOrders.pageInfo.endCursor,
    });
    expect(second.data?.productionOrders.edges.map((edge) => edge.node.number)).toEqual(['PO-E2']);
    expect(second.data?.productionOrders.pageInfo.hasNextPage).toBe(false);
  });

  it.each([
    ['{ productionOrder(id: "nope") { number } }', 'BAD_USER_INPUT', /"id"/],
    [`{ productionOrder(id: "${UNKNOWN}") { number } }`, 'NOT_FOUND', /"id"/],
    ['{ productionOrders(first: 0) { totalCount } }', 'BAD_USER_INPUT', /"first"/],
    ['{ productionOrders(after: "bogus") { totalCount } }', 'BAD_USER_INPUT', /"after"/],
    ['{ productionOrders(after: "WyJ4IiwieSJd") { totalCount } }', 'BAD_USER_INPUT', /"after"/],
    ['{ productionOrders(assetId: "nope") { totalCount } }', 'BAD_USER_INPUT', /"assetId"/],
  ])('rejects %s with %s', async (query, code, message) => {
    const { errors } = await client.execute(query);
    expect(errors?.[0]?.extensions?.code).toBe(code);
    expect(errors?.[0]?.message).toMatch(message);
  });
});

describe('fields on the Asset entity', () => {
  const entities = `query ($reps: [_Any!]!) { _entities(representations: $reps) {
      ... on Asset { id orders { number } created: orders(status: CREATED) { number }
        activeOrder { number } } } }`;
  const representations = (...names: string[]) =>
    names.map((name) => ({ __typename: 'Asset', id: assets[name] }));

  it('lists orders newest first and picks the active one', async () => {
    const { data, errors } = await client.execute<{ _entities: Record<string, unknown>[] }>(
      entities,
      { reps: representations('Press A', 'Press B', 'Press C', 'Press D') },
    );
    expect(errors).toBeUndefined();
    expect(data?._entities).toEqual([
      {
        id: assets['Press A'],
        orders: [{ number: 'PO-A2' }, { number: 'PO-A1' }, { number: 'PO-A3' }],
        created: [],
        // RUNNING wins over a newer DOWNLOADED order.
        activeOrder: { number: 'PO-A1' },
      },
      {
        id: assets['Press B'],
        orders: [{ number: 'PO-B2' }, { number: 'PO-B1' }],
        created: [],
        activeOrder: { number: 'PO-B2' },
      },
      {
        id: assets['Press C'],
        orders: [{ number: 'PO-C1' }],
        created: [{ number: 'PO-C1' }],
        activeOrder: null,
      },
      { id: assets['Press D'], orders: [], created: [], activeOrder: null },
    ]);
  });

  it('batches: more assets cost no more statements', async () => {
    const count = async (names: string[]) => {
      let statements = 0;
      const stop = database.sql.observe(() => statements++);
      try {
        const { errors } = await client.execute(entities, { reps: representations(...names) });
        expect(errors).toBeUndefined();
      } finally {
        stop();
      }
      return statements;
    };
    const two = await count(['Press A', 'Press B']);
    const five = await count(['Press A', 'Press B', 'Press C', 'Press D', 'Press E']);
    expect(five).toBe(two);
    expect(two).toBe(2);
  });

  it('resolves ProductionOrder references in one statement', async () => {
    let statements = 0;
    const stop = database.sql.observe(() => statements++);
    const { data } = await client.execute<{ _entities: { number: string }[] }>(
      `query ($reps: [_Any!]!) { _entities(representations: $reps) {
          ... on ProductionOrder { number } } }`,
      {
        reps: ['PO-B1', 'PO-C1'].map((number) => ({
          __typename: 'ProductionOrder',
          id: orders[number],
        })),
      },
    );
    stop();
    expect(data?._entities).toEqual([{ number: 'PO-B1' }, { number: 'PO-C1' }]);
    expect(statements).toBe(1);
  });
});

describe('createProductionOrder', () => {
  const create = `mutation ($input: CreateProductionOrderInput!) {
    createProductionOrder(input: $input) {
      ${orderFields} externalId material quantity unit priority dueAt asset { id } } }`;
  const valid = () => ({
    number: 'PO-N1',
    material: 'BRKT-2',
    quantity: 5,
    assetId: assets['Press D'],
  });

  it('creates an order in CREATED with defaults and records the creation', async () => {
    const { data, errors } = await client.execute<{
      createProductionOrder: OrderResult & Record<string, unknown>;
    }>(create, { input: valid() }, 'erp-adapter');
    expect(errors).toBeUndefined();
    expect(data?.createProductionOrder).toMatchObject({
      number: 'PO-N1',
      status: 'CREATED',
      externalId: null,
      material: 'BRKT-2',
      quantity: 5,
      unit: 'pcs',
      priority: 0,
      dueAt: null,
      asset: { id: assets['Press D'] },
      statusHistory: [{ from: null, to: 'CREATED', actor: 'erp-adapter', reason: null }],
    });
    const { data: full } = await client.execute<{ createProductionOrder: OrderResult }>(create, {
      input: {
        ...valid(),
        number: 'PO-N2',
        externalId: 'ERP-N2',
        unit: 'kg',
        priority: 3,
        dueAt: '2026-02-01T00:00:00.000Z',
      },
    });
    expect(full?.createProductionOrder).toMatchObject({
      externalId: 'ERP-N2',
      unit: 'kg',
      priority: 3,
      // The test client skips JSON serialisation, so DateTime values arrive as Date objects.
      dueAt: new Date('2026-02-01T00:00:00.000Z'),
    });
  });

  it.each([
    [{ quantity: 0 }, 'BAD_USER_INPUT', /"input\.quantity"/],
    [{ quantity: -1 }, 'BAD_USER_INPUT', /"input\.quantity"/],
    [{ number: '' }, 'BAD_USER_INPUT', /"input\.number"/],
    [{ material: '  ' }, 'BAD_USER_INPUT', /"input\.material"/],
    [{ unit: '' }, 'BAD_USER_INPUT', /"input\.unit"/],
    [{ assetId: 'nope' }, 'BAD_USER_INPUT', /"input\.assetId"/],
    [{ assetId: UNKNOWN }, 'NOT_FOUND', /"input\.assetId"/],
    [{ number: 'PO-A1' }, 'CONFLICT', /"input\.number"/],
    [{ number: 'PO-N9', externalId: 'ERP-A1' }, 'CONFLICT', /"input\.externalId"/],
  ])('refuses %o with %s and writes nothing', async (change, code, message) => {
    const before = await snapshot();
    const { errors } = await client.execute(create, { input: { ...valid(), ...change } });
    expect(errors?.[0]?.extensions?.code).toBe(code);
    expect(errors?.[0]?.message).toMatch(message);
    expect(await snapshot()).toEqual(before);
  });
  it('refuses a non-finite quantity', async () => {
    // Variables cannot carry Infinity, but a literal too large for a double parses to it.
    const { errors } = await client.execute(
      `mutation ($asset: ID!) { createProductionOrder(input: {
          number: "PO-INF", material: "M", quantity: 1e999, assetId: $asset }) { id } }`,
      { asset: assets['Press D'] },
    );
    expect(errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(errors?.[0]?.message).toMatch(/"input\.quantity"/);
  });
});

describe('updateProductionOrder', () => {
  const update = `mutation ($id: ID!, $input: UpdateProductionOrderInput!) {
    updateProductionOrder(id: $id, input: $input) {
      number material quantity unit priority dueAt updatedAt asset { id } } }`;

  it('changes the given fields of a RELEASED order and leaves the rest', async () => {
    await insertOrder('PO-U1', 'Press C', 'RELEASED', '2026-01-03T00:00:00Z');
    const { data, errors } = await client.execute<{
      updateProductionOrder: Record<string, unknown>;
    }>(update, {
      id: orders['PO-U1'],
      input: {
        material: 'BRKT-3',
        quantity: 7.5,
        priority: 2,
        dueAt: '2026-03-01T00:00:00Z',
        assetId: assets['Press D'],
      },
    });
    expect(errors).toBeUndefined();
    expect(data?.updateProductionOrder).toMatchObject({
      number: 'PO-U1',
      material: 'BRKT-3',
      quantity: 7.5,
      unit: 'pcs',
      priority: 2,
      dueAt: new Date('2026-03-01T00:00:00Z'),
      asset: { id: assets['Press D'] },
    });
    expect(data?.updateProductionOrder.updatedAt).toBeInstanceOf(Date);
    expect((data?.updateProductionOrder.updatedAt as Date).getTime()).toBeGreaterThan(
      Date.parse('2026-01-03T00:00:00Z'),
    );
    const cleared = await client.execute<{ updateProductionOrder: { dueAt: null; unit: string } }>(
      update,
      { id: orders['PO-U1'], input: { dueAt: null, unit: 'kg' } },
    );
    expect(cleared.data?.updateProductionOrder).toMatchObject({ dueAt: null, unit: 'kg' });
  });

  it.each([
    ['PO-A1', { material: 'X' }, 'CONFLICT', /RUNNING/],
    ['PO-C1', { quantity: 0 }, 'BAD_USER_INPUT', /"input\.quantity"/],
    ['PO-C1', { material: '' }, 'BAD_USER_INPUT', /"input\.material"/],
    ['PO-C1', { material: null }, 'BAD_USER_INPUT', /"input\.material"/],
    ['PO-C1', {}, 'BAD_USER_INPUT', /"input"/],
    ['PO-C1', { assetId: UNKNOWN }, 'NOT_FOUND', /"input\.assetId"/],
    [UNKNOWN, { material: 'X' }, 'NOT_FOUND', /"id"/],
    ['nope', { material: 'X' }, 'BAD_USER_INPUT', /"id"/],
  ])('refuses %s %o with %s and changes nothing', async (order, input, code, message) => {
    const before = await snapshot();
    const { errors } = await client.execute(update, { id: orders[order] ?? order, input });
    expect(errors?.[0]?.extensions?.code).toBe(code);
    expect(errors?.[0]?.message).toMatch(message);
    expect(await snapshot()).toEqual(before);
  });
});

describe('cancelProductionOrder and the status machine', () => {
  const cancel = `mutation ($id: ID!, $reason: String) {
    cancelProductionOrder(id: $id, reason: $reason) { ${orderFields} } }`;

  it('cancels a CREATED order and records who and why', async () => {
    await insertOrder('PO-K1', 'Press C', 'CREATED', '2026-01-04T00:00:00Z');
    await database.sql.query(
      `insert into production_order_status_change (order_id, to_status, actor, changed_at)
       values ($1, 'CREATED', 'erp', '2026-01-04T00:00:00Z')`,
      [orders['PO-K1']],
    );
    const { data, errors } = await client.execute<{ cancelProductionOrder: OrderResult }>(
      cancel,
      { id: orders['PO-K1'], reason: 'Customer cancelled' },
      'planner',
    );
    expect(errors).toBeUndefined();
    expect(data?.cancelProductionOrder.status).toBe('CANCELLED');
    expect(data?.cancelProductionOrder.statusHistory).toEqual([
      { from: null, to: 'CREATED', actor: 'erp', reason: null },
      { from: 'CREATED', to: 'CANCELLED', actor: 'planner', reason: 'Customer cancelled' },
    ]);
  });

  it.each([
    ['PO-A1', /RUNNING to CANCELLED/],
    ['PO-A3', /COMPLETED to CANCELLED/],
    ['PO-K1', /CANCELLED to CANCELLED/],
  ])('refuses to cancel %s with CONFLICT and changes nothing', async (order, message) => {
    const before = await snapshot();
    const { errors } = await client.execute(cancel, { id: orders[order], reason: 'late' });
    expect(errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(errors?.[0]?.message).toMatch(message);
    expect(await snapshot()).toEqual(before);
  });

  it.each([
    ['nope', 'BAD_USER_INPUT'],
    [UNKNOWN, 'NOT_FOUND'],
  ])('refuses to cancel %s with %s', async (id, code) => {
    const { errors } = await client.execute(cancel, { id });
    expect(errors?.[0]?.extensions?.code).toBe(code);
    expect(errors?.[0]?.message).toMatch(/"id"/);
  });

  it('walks an order through its lifecycle, recording every step in order', async () => {
    await insertOrder('PO-L1', 'Press E', 'CREATED', '2026-01-05T00:00:00Z');
    const context = createContext(database.services, {
      subject: 'mes',
      role: 'admin',
      sites: null,
    });
    const { CREATED, RELEASED, DOWNLOADING, DOWNLOAD_FAILED, DOWNLOADED, RUNNING, COMPLETED } =
      ProductionOrderStatus;
    const steps = [RELEASED, DOWNLOADING, DOWNLOAD_FAILED, RELEASED, DOWNLOADING, DOWNLOADED];
    for (const step of [...steps, RUNNING, COMPLETED]) {
      const order = await changeOrderStatus(context, orders['PO-L1']!, step, `to ${step}`);
      expect(order.status).toBe(step);
    }
    await expect(changeOrderStatus(context, orders['PO-L1']!, RUNNING)).rejects.toMatchObject({
      extensions: { code: 'CONFLICT' },
    });
    const { data } = await client.execute<{ productionOrder: OrderResult }>(
      `query ($id: ID!) { productionOrder(id: $id) { ${orderFields} } }`,
      { id: orders['PO-L1'] },
    );
    const path = [CREATED, ...steps, RUNNING, COMPLETED];
    expect(data?.productionOrder.statusHistory).toEqual(
      path
        .slice(1)
        .map((to, index) => ({ from: path[index], to, actor: 'mes', reason: `to ${to}` })),
    );
  });
});

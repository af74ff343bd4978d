import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, SubgraphClient, type TestDatabase } from '@plantgraph/testing';
import { ordersSubgraph } from './subgraph.ts';

let database: TestDatabase;
let client: SubgraphClient;
const assets: Record<string, string> = {};
const orders: Record<string, string> = {};

/** The identity the ERP adapter calls with; every audit row of its calls must name it. */
const ERP = 'erp-adapter';
/** The identity of the planner who releases and downloads orders. */
const PLANNER = 'planner';

const STROKE_RATE = { name: 'Stroke Rate', unit: '1/min', min: 5, max: 40 };
const FORCE = { name: 'Force', unit: 'kN', min: 10, max: 200 };

async function insertAsset(name: string, kind: string, parent?: string): Promise<void> {
  const [parentRow] = parent
    ? await database.sql.query<{ path: string }>('select path from asset where id = $1', [
        assets[parent],
      ])
    : [];
  const [row] = await database.sql.query<{ id: string }>(
    'insert into asset (parent_id, kind, name, path) values ($1, $2, $3, $4) returning id',
    [parent ? assets[parent] : null, kind, name, parentRow ? `${parentRow.path}/${name}` : name],
  );
  assets[name] = row!.id;
}

async function insertDownloadTarget(asset: string, limits: object[]): Promise<void> {
  await database.sql.query(
    'insert into download_target (asset_id, connection, parameters) values ($1, $2, $3::jsonb)',
    [assets[asset], `opcua-${asset}`, JSON.stringify(limits)],
  );
}

/** Everything an order write may touch: what a refused mutation must leave as it was. */
async function snapshot() {
  const [orderRows, parameters, changes, commands] = await Promise.all([
    database.sql.query('select * from production_order order by id'),
    database.sql.query('select * from production_order_parameter order by order_id, position'),
    database.sql.query('select * from production_order_status_change order by id'),
    database.sql.query('select * from download_command order by id'),
  ]);
  return { orderRows, parameters, changes, commands };
}

interface AuditRow {
  operation: string;
  actor: string;
  entity_type: string | null;
  entity_id: string | null;
  outcome: string;
  error_code: string | null;
}

/** Runs an operation as `actor` and returns its result with the audit rows it left behind. */
async function mutate<TData = Record<string, unknown>>(
  document: string,
  variables: Record<string, unknown>,
  actor = PLANNER,
) {
  const before = await database.sql.query<{ id: string }>('select id from audit_log');
  const result = await client.execute<TData>(document, variables, actor);
  const audit = await database.sql.query<AuditRow>(
    `select operation, actor, entity_type, entity_id, outcome, error_code from audit_log
      where id <> all($1::uuid[]) order by time, id`,
    [before.map((row) => row.id)],
  );
  return { ...result, audit };
}

const succeeded = (operation: string, entityId: string, actor = PLANNER): AuditRow => ({
  operation,
  actor,
  entity_type: 'ProductionOrder',
  entity_id: entityId,
  outcome: 'OK',
  error_code: null,
});

const refused = (
  operation: string,
  code: string,
  entityId: string | null,
  actor = PLANNER,
): AuditRow => ({
  operation,
  actor,
  entity_type: 'ProductionOrder',
  entity_id: entityId,
  outcome: 'ERROR',
  error_code: code,
});

interface OrderResult {
  id: string;
  number: string;
  status: string;
  parameters: { name: string; value: number; unit: string | null }[];
  equipment: { id: string } | null;
}

const orderFields = 'id number status parameters { name value unit } equipment { id }';

const createMutation = `mutation ($input: CreateProductionOrderInput!) {
  createProductionOrder(input: $input) { ${orderFields} } }`;

const releaseMutation = `mutation ($id: ID!) { releaseOrder(id: $id) { ${orderFields} } }`;

const downloadMutation = `mutation ($orderId: ID!, $equipmentId: ID!, $expiresAt: DateTime) {
  downloadOrder(orderId: $orderId, equipmentId: $equipmentId, expiresAt: $expiresAt) {
    ${orderFields} } }`;

const newOrder = (number: string, changes: Record<string, unknown> = {}) => ({
  number,
  material: 'BRKT-7',
  quantity: 100,
  assetId: assets['Line 1'],
  parameters: [{ name: 'Stroke Rate', value: 20, unit: '1/min' }],
  ...changes,
});

/** Creates an order through the schema and remembers its id under its number. */
async function createOrder(number: string, changes: Record<string, unknown> = {}) {
  const { data, errors } = await client.execute<{ createProductionOrder: OrderResult }>(
    createMutation,
    { input: newOrder(number, changes) },
    ERP,
  );
  expect(errors).toBeUndefined();
  orders[number] = data!.createProductionOrder.id;
  return data!.createProductionOrder;
}

async function releasedOrder(number: string, changes: Record<string, unknown> = {}) {
  await createOrder(number, changes);
  const { errors } = await client.execute(releaseMutation, { id: orders[number] }, PLANNER);
  expect(errors).toBeUndefined();
}

async function statusOf(number: string): Promise<string> {
  const [row] = await database.sql.query<{ status: string }>(
    'select status from production_order where id = $1',
    [orders[number]],
  );
  return row!.status;
}

beforeAll(async () => {
  database = await openTestDatabase();
  client = await SubgraphClient.start(await ordersSubgraph.buildSchema(), database.services);
  await insertAsset('Acme', 'ENTERPRISE');
  await insertAsset('Dresden', 'SITE', 'Acme');
  await insertAsset('Line 1', 'LINE', 'Dresden');
  await insertAsset('Press 1', 'EQUIPMENT', 'Line 1');
  await insertAsset('Press 2', 'EQUIPMENT', 'Line 1');
  await insertAsset('Lyon', 'SITE', 'Acme');
  await insertAsset('Line 9', 'LINE', 'Lyon');
  await insertAsset('Press 9', 'EQUIPMENT', 'Line 9');
  // Press 2 has no download interface; Press 9 has one but is in another site.
  await insertDownloadTarget('Press 1', [STROKE_RATE, FORCE]);
  await insertDownloadTarget('Press 9', [STROKE_RATE, FORCE]);
});

afterAll(async () => {
  await client?.stop();
  await database?.close();
});

describe('createProductionOrder', () => {
  it('stores the setpoints in the order given and returns them', async () => {
    const parameters = [
      { name: 'Stroke Rate', value: 20, unit: '1/min' },
      { name: 'Force', value: 55.5, unit: 'kN' },
      { name: 'Die', value: 3, unit: null },
    ];
    const { data, errors, audit } = await mutate<{ createProductionOrder: OrderResult }>(
      createMutation,
      { input: newOrder('PO-100', { parameters }) },
      ERP,
    );
    expect(errors).toBeUndefined();
    const order = data!.createProductionOrder;
    expect(order).toMatchObject({ number: 'PO-100', status: 'CREATED', parameters });
    const stored = await database.sql.query(
      `select position, name, value, unit from production_order_parameter
        where order_id = $1 order by position`,
      [order.id],
    );
    expect(stored).toEqual(parameters.map((parameter, position) => ({ position, ...parameter })));
    expect(audit).toEqual([succeeded('createProductionOrder', order.id, ERP)]);
  });

  it('answers a retry with the same idempotency key with the order it created, once', async () => {
    const idempotencyKey = 'erp-batch-7/101';
    const input = newOrder('PO-101', { idempotencyKey });
    const first = await mutate<{ createProductionOrder: OrderResult }>(
      createMutation,
      { input },
      ERP,
    );
    const retry = await mutate<{ createProductionOrder: OrderResult }>(
      createMutation,
      { input },
      ERP,
    );
    expect(first.errors).toBeUndefined();
    expect(retry.errors).toBeUndefined();
    const id = first.data!.createProductionOrder.id;
    orders['PO-101'] = id;
    expect(retry.data?.createProductionOrder.id).toBe(id);
    const rows = await database.sql.query(
      "select id from production_order where number = 'PO-101' or idempotency_key = $1",
      [idempotencyKey],
    );
    expect(rows).toEqual([{ id }]);
    const changes = await database.sql.query(
      'select from_status, to_status from production_order_status_change where order_id = $1',
      [id],
    );
    expect(changes).toEqual([{ from_status: null, to_status: 'CREATED' }]);
    expect([...first.audit, ...retry.audit]).toEqual([
      succeeded('createProductionOrder', id, ERP),
      succeeded('createProductionOrder', id, ERP),
    ]);
  });

  it('refuses the same idempotency key with a different payload and writes nothing', async () => {
    const before = await snapshot();
    const { errors, audit } = await mutate(
      createMutation,
      { input: newOrder('PO-102', { idempotencyKey: 'erp-batch-7/101', quantity: 250 }) },
      ERP,
    );
    expect(errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(errors?.[0]?.message).toMatch(/"input\.idempotencyKey"/);
    expect(await snapshot()).toEqual(before);
    expect(audit).toEqual([refused('createProductionOrder', 'CONFLICT', null, ERP)]);
  });

  it('answers a repeated external id with the same payload with the same order', async () => {
    const input = newOrder('PO-103', { externalId: 'ERP-103' });
    const first = await mutate<{ createProductionOrder: OrderResult }>(
      createMutation,
      { input },
      ERP,
    );
    const again = await mutate<{ createProductionOrder: OrderResult }>(
      createMutation,
      { input },
      ERP,
    );
    expect(first.errors).toBeUndefined();
    expect(again.errors).toBeUndefined();
    const id = first.data!.createProductionOrder.id;
    expect(again.data?.createProductionOrder.id).toBe(id);
    const rows = await database.sql.query(
      "select id from production_order where external_id = 'ERP-103'",
    );
    expect(rows).toEqual([{ id }]);
    expect(again.audit).toEqual([succeeded('createProductionOrder', id, ERP)]);
  });

  it('keeps order numbers unique per site, not across sites', async () => {
    const dresden = await mutate<{ createProductionOrder: OrderResult }>(
      createMutation,
      { input: newOrder('PO-200') },
      ERP,
    );
    const lyon = await mutate<{ createProductionOrder: OrderResult }>(
      createMutation,
      { input: newOrder('PO-200', { assetId: assets['Press 9'] }) },
      ERP,
    );
    expect(dresden.errors).toBeUndefined();
    expect(lyon.errors).toBeUndefined();
    const stored = await database.sql.query(
      "select id, site_id from production_order where number = 'PO-200' order by created_at",
    );
    expect(stored).toEqual([
      { id: dresden.data?.createProductionOrder.id, site_id: assets['Dresden'] },
      { id: lyon.data?.createProductionOrder.id, site_id: assets['Lyon'] },
    ]);

    const before = await snapshot();
    // Another asset, but in the site that already has PO-200.
    const clash = await mutate(
      createMutation,
      { input: newOrder('PO-200', { assetId: assets['Press 2'] }) },
      ERP,
    );
    expect(clash.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(clash.errors?.[0]?.message).toMatch(/"input\.number"/);
    expect(await snapshot()).toEqual(before);
    expect(clash.audit).toEqual([refused('createProductionOrder', 'CONFLICT', null, ERP)]);
  });

  it.each([
    [
      'a repeated setpoint name',
      {
        parameters: [
          { name: 'Stroke Rate', value: 20 },
          { name: 'Stroke Rate', value: 25 },
        ],
      },
      'input.parameters[1].name',
    ],
    [
      'a planned end before the planned start',
      { plannedStart: '2026-05-02T08:00:00Z', plannedEnd: '2026-05-02T07:59:59Z' },
      'input.plannedEnd',
    ],
  ])('refuses %s with BAD_USER_INPUT and writes nothing', async (_, changes, argument) => {
    const before = await snapshot();
    const { errors, audit } = await mutate(
      createMutation,
      { input: newOrder('PO-BAD', changes) },
      ERP,
    );
    expect(errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument });
    expect(errors?.[0]?.message).toContain(`"${argument}"`);
    expect(await snapshot()).toEqual(before);
    expect(audit).toEqual([refused('createProductionOrder', 'BAD_USER_INPUT', null, ERP)]);
  });
});

describe('createProductionOrders', () => {
  const batchMutation = `mutation ($inputs: [CreateProductionOrderInput!]!) {
    createProductionOrders(inputs: $inputs) {
      index order { id number status } error { code message argument } } }`;

  interface BatchResult {
    createProductionOrders: {
      index: number;
      order: { id: string; number: string; status: string } | null;
      error: { code: string; message: string; argument: string | null } | null;
    }[];
  }

  it('creates each order on its own and reports the refused one by index', async () => {
    const { data, errors, audit } = await mutate<BatchResult>(
      batchMutation,
      { inputs: [newOrder('PO-300'), newOrder('PO-301', { quantity: 0 }), newOrder('PO-302')] },
      ERP,
    );
    expect(errors).toBeUndefined();
    const results = data!.createProductionOrders;
    expect(results).toMatchObject([
      { index: 0, order: { number: 'PO-300', status: 'CREATED' }, error: null },
      {
        index: 1,
        order: null,
        error: { code: 'BAD_USER_INPUT', argument: 'input.quantity' },
      },
      { index: 2, order: { number: 'PO-302', status: 'CREATED' }, error: null },
    ]);
    expect(results[1]!.error!.message).toMatch(/"input\.quantity".*greater than 0/);
    const stored = await database.sql.query(
      "select id, number from production_order where number like 'PO-30_' order by number",
    );
    expect(stored).toEqual([
      { id: results[0]!.order!.id, number: 'PO-300' },
      { id: results[2]!.order!.id, number: 'PO-302' },
    ]);
    // One entry per item, filed under the order it made, and one for the call itself. Entries
    // written within the same clock tick have no defined order, so the set is compared.
    expect(audit).toHaveLength(4);
    expect(audit).toEqual(
      expect.arrayContaining([
        succeeded('createProductionOrders', results[0]!.order!.id, ERP),
        refused('createProductionOrders', 'BAD_USER_INPUT', null, ERP),
        succeeded('createProductionOrders', results[2]!.order!.id, ERP),
        {
          operation: 'createProductionOrders',
          actor: ERP,
          entity_type: 'CreateProductionOrderResult',
          entity_id: null,
          outcome: 'OK',
          error_code: null,
        },
      ]),
    );
  });

  it('refuses an empty list naming inputs', async () => {
    const before = await snapshot();
    const { errors, audit } = await mutate(batchMutation, { inputs: [] }, ERP);
    expect(errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'inputs' });
    expect(errors?.[0]?.message).toMatch(/"inputs"/);
    expect(await snapshot()).toEqual(before);
    expect(audit).toMatchObject([
      { operation: 'createProductionOrders', actor: ERP, outcome: 'ERROR' },
    ]);
    expect(audit[0]?.error_code).toBe('BAD_USER_INPUT');
  });
});

describe('releaseOrder', () => {
  it('releases a CREATED order once and refuses a second release', async () => {
    await createOrder('PO-400');
    const release = await mutate<{ releaseOrder: OrderResult }>(releaseMutation, {
      id: orders['PO-400'],
    });
    expect(release.errors).toBeUndefined();
    expect(release.data?.releaseOrder.status).toBe('RELEASED');
    expect(await statusOf('PO-400')).toBe('RELEASED');
    expect(release.audit).toEqual([succeeded('releaseOrder', orders['PO-400']!)]);

    const before = await snapshot();
    const again = await mutate(releaseMutation, { id: orders['PO-400'] });
    expect(again.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(again.errors?.[0]?.message).toMatch(/from RELEASED to RELEASED/);
    expect(await snapshot()).toEqual(before);
    expect(again.audit).toEqual([refused('releaseOrder', 'CONFLICT', orders['PO-400']!)]);
  });
});

describe('downloadOrder', () => {
  const inOneHour = () => new Date(Date.now() + 3_600_000);

  beforeAll(async () => {
    await createOrder('PO-500');
    await releasedOrder('PO-501');
    await releasedOrder('PO-502', {
      parameters: [
        { name: 'Force', value: 100, unit: 'kN' },
        { name: 'Stroke Rate', value: 41, unit: '1/min' },
      ],
    });
    await releasedOrder('PO-503', { parameters: [{ name: 'Feed', value: 2, unit: 'mm' }] });
    await releasedOrder('PO-504');
  });

  async function commandsOf(number: string) {
    return database.sql.query<{ equipment_id: string; state: string; expires_at: Date | null }>(
      'select equipment_id, state, expires_at from download_command where order_id = $1',
      [orders[number]],
    );
  }

  it.each([
    ['a CREATED order', 'PO-500', 'Press 1', null, 'CONFLICT', undefined, /CREATED to DOWNLOADING/],
    [
      'equipment without a download interface',
      'PO-501',
      'Press 2',
      null,
      'BAD_USER_INPUT',
      'equipmentId',
      /no download mapping/,
    ],
    [
      "equipment outside the order's asset",
      'PO-501',
      'Press 9',
      null,
      'BAD_USER_INPUT',
      'equipmentId',
      /"Acme\/Lyon\/Line 9\/Press 9" is not the order's asset "Acme\/Dresden\/Line 1"/,
    ],
    [
      'a setpoint above its limit',
      'PO-502',
      'Press 1',
      null,
      'BAD_USER_INPUT',
      'parameters.Stroke Rate',
      /"parameters\.Stroke Rate": 41 1\/min is outside .* \(5 to 40 1\/min\)/,
    ],
    [
      'a setpoint the machine does not have',
      'PO-503',
      'Press 1',
      null,
      'BAD_USER_INPUT',
      'parameters.Feed',
      /no setpoint "Feed" \(it has: Stroke Rate, Force\)/,
    ],
    [
      'an expiry in the past',
      'PO-501',
      'Press 1',
      '2026-01-01T00:00:00Z',
      'BAD_USER_INPUT',
      'expiresAt',
      /"expiresAt"/,
    ],
  ])(
    'refuses %s and leaves the order as it was',
    async (_, number, equipment, expiresAt, code, argument, message) => {
      const status = await statusOf(number);
      const before = await snapshot();
      const { errors, audit } = await mutate(downloadMutation, {
        orderId: orders[number],
        equipmentId: assets[equipment],
        expiresAt,
      });
      expect(errors?.[0]?.extensions?.code).toBe(code);
      expect(errors?.[0]?.extensions?.argument).toBe(argument);
      expect(errors?.[0]?.message).toMatch(message);
      expect(await statusOf(number)).toBe(status);
      expect(await commandsOf(number)).toEqual([]);
      expect(await snapshot()).toEqual(before);
      expect(audit).toEqual([refused('downloadOrder', code, orders[number]!)]);
    },
  );

  it('sends a RELEASED order to its equipment with one pending command', async () => {
    const expiresAt = inOneHour();
    const { data, errors, audit } = await mutate<{ downloadOrder: OrderResult }>(downloadMutation, {
      orderId: orders['PO-501'],
      equipmentId: assets['Press 1'],
      expiresAt,
    });
    expect(errors).toBeUndefined();
    expect(data?.downloadOrder).toMatchObject({
      id: orders['PO-501'],
      status: 'DOWNLOADING',
      equipment: { id: assets['Press 1'] },
    });
    expect(await commandsOf('PO-501')).toEqual([
      { equipment_id: assets['Press 1'], state: 'PENDING', expires_at: expiresAt },
    ]);
    expect(audit).toEqual([succeeded('downloadOrder', orders['PO-501']!)]);
  });

  it('refuses a second order for the occupied equipment', async () => {
    const before = await snapshot();
    const { errors, audit } = await mutate(downloadMutation, {
      orderId: orders['PO-504'],
      equipmentId: assets['Press 1'],
      expiresAt: inOneHour(),
    });
    expect(errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(errors?.[0]?.message).toMatch(/occupied by order PO-501 \(DOWNLOADING\)/);
    expect(await statusOf('PO-504')).toBe('RELEASED');
    expect(await snapshot()).toEqual(before);
    expect(audit).toEqual([refused('downloadOrder', 'CONFLICT', orders['PO-504']!)]);
  });

  it.each([
    ['abortOrder', 'PO-501', /from DOWNLOADING to ABORTED/],
    ['completeOrder', 'PO-504', /from RELEASED to COMPLETED/],
  ])('refuses %s of %s as an illegal step', async (operation, number, message) => {
    const status = await statusOf(number);
    const before = await snapshot();
    const { errors, audit } = await mutate(
      `mutation ($id: ID!) { ${operation}(id: $id, reason: "test") { status } }`,
      { id: orders[number] },
    );
    expect(errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(errors?.[0]?.message).toMatch(message);
    expect(await statusOf(number)).toBe(status);
    expect(await snapshot()).toEqual(before);
    expect(audit).toEqual([refused(operation, 'CONFLICT', orders[number]!)]);
  });
});

describe('downloadOrder at the same moment', () => {
  it('lets exactly one of two orders onto a machine', async () => {
    await releasedOrder('PO-901', { assetId: assets['Press 9'] });
    await releasedOrder('PO-902', { assetId: assets['Press 9'] });
    const attempts = await Promise.all(
      ['PO-901', 'PO-902'].map((number) =>
        client.execute(downloadMutation, {
          orderId: orders[number],
          equipmentId: assets['Press 9'],
          expiresAt: new Date(Date.now() + 3_600_000),
        }),
      ),
    );
    const codes = attempts.map((attempt) => attempt.errors?.[0]?.extensions?.code ?? 'OK');
    expect(codes.sort()).toEqual(['CONFLICT', 'OK']);
    const statuses = [await statusOf('PO-901'), await statusOf('PO-902')];
    expect(statuses.sort()).toEqual(['DOWNLOADING', 'RELEASED']);
  });
});

describe('progress', () => {
  const progressQuery = `query ($id: ID!) { productionOrder(id: $id) {
    progress { good reject remaining ratePerHour estimatedCompletion } } }`;

  interface ProgressResult {
    productionOrder: {
      progress: {
        good: number;
        reject: number;
        remaining: number;
        ratePerHour: number | null;
        estimatedCompletion: Date | null;
      };
    };
  }

  it('has no rate or estimate before the order runs', async () => {
    await createOrder('PO-600', { assetId: assets['Line 9'] });
    const { data, errors } = await client.execute<ProgressResult>(progressQuery, {
      id: orders['PO-600'],
    });
    expect(errors).toBeUndefined();
    expect(data?.productionOrder.progress).toEqual({
      good: 0,
      reject: 0,
      remaining: 100,
      ratePerHour: null,
      estimatedCompletion: null,
    });
  });

  it('extrapolates the good rate since the start to the remaining quantity', async () => {
    const startedAt = new Date(Date.now() - 3_600_000);
    await database.sql.query(
      `update production_order
          set status = 'RUNNING', started_at = $2, produced_good = 30, produced_reject = 4
        where id = $1`,
      [orders['PO-600'], startedAt],
    );
    const before = Date.now();
    const { data, errors } = await client.execute<ProgressResult>(progressQuery, {
      id: orders['PO-600'],
    });
    const after = Date.now();
    expect(errors).toBeUndefined();
    const progress = data!.productionOrder.progress;
    expect(progress).toMatchObject({ good: 30, reject: 4, remaining: 70 });
    // 30 good parts since the start, 70 to go at that rate. The subgraph's "now" lies between
    // `before` and `after` however long the query took; as it moves on, the rate only falls and
    // the estimate only grows, so the answer lies between the figures at the two ends.
    const rate = (now: number) => 30 / ((now - startedAt.getTime()) / 3_600_000);
    const completion = (now: number) => Math.trunc(now + (70 / rate(now)) * 3_600_000);
    expect(progress.ratePerHour).toBeLessThanOrEqual(rate(before));
    expect(progress.ratePerHour).toBeGreaterThanOrEqual(rate(after));
    expect(progress.estimatedCompletion).toBeInstanceOf(Date);
    const estimated = progress.estimatedCompletion!.getTime();
    expect(estimated).toBeGreaterThanOrEqual(completion(before));
    expect(estimated).toBeLessThanOrEqual(completion(after));
  });
});

describe('audit log', () => {
  it.each([
    ['update', "update audit_log set outcome = 'OK', error_code = null"],
    ['delete', 'delete from audit_log'],
  ])('refuses to %s rows', async (_, statement) => {
    const before = await database.sql.query('select * from audit_log order by id');
    expect(before.length).toBeGreaterThan(0);
    await expect(database.sql.query(statement)).rejects.toThrow(/append-only/);
    expect(await database.sql.query('select * from audit_log order by id')).toEqual(before);
  });
});

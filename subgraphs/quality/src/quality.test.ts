import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, SubgraphClient, type TestDatabase } from '@plantgraph/testing';
import { qualitySubgraph } from './subgraph.ts';

let database: TestDatabase;
let client: SubgraphClient;
const ids: Record<string, string> = {};
const UNKNOWN = '00000000-0000-4000-8000-000000000000';

async function insert(key: string, statement: string, params: unknown[]): Promise<void> {
  const [row] = await database.sql.query<{ id: string }>(`${statement} returning id`, params);
  ids[key] = row!.id;
}

async function insertMeasurement(
  key: string,
  asset: string,
  time: string,
  value: number,
  order: string | null = null,
): Promise<void> {
  await insert(
    key,
    `insert into measurement (characteristic_id, asset_id, order_id, time, value, in_spec)
     values ($1, $2, $3, $4, $5, true)`,
    [ids['Bore'], ids[asset], order ? ids[order] : null, time, value],
  );
}

interface Page {
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: { node: { value: number; order?: { id: string } | null } }[];
}

const values = (page: Page | undefined) => page?.edges.map((edge) => edge.node.value);

beforeAll(async () => {
  database = await openTestDatabase();
  client = await SubgraphClient.start(await qualitySubgraph.buildSchema(), database.services);
  for (const name of ['Press A', 'Press B', 'Press C']) {
    await insert(name, `insert into asset (kind, name, path) values ('EQUIPMENT', $1, $1)`, [name]);
  }
  await insert(
    'PO-1',
    `insert into production_order (number, material, quantity, asset_id) values ('PO-1', 'M', 1, $1)`,
    [ids['Press A']],
  );
  const characteristic = `insert into quality_characteristic (name, unit, lsl, target, usl)
    values ($1, $2, $3, $4, $5)`;
  await insert('Bore', characteristic, ['Bore', 'mm', 9.9, 10, 10.1]);
  await insert('Flatness', characteristic, ['Flatness', 'mm', null, 0, 0.05]);
  await insert('Appearance', characteristic, ['Appearance', null, null, null, null]);
  await insertMeasurement('A1', 'Press A', '2026-01-01T08:00:00Z', 1, 'PO-1');
  await insertMeasurement('A2', 'Press A', '2026-01-01T09:00:00Z', 2, 'PO-1');
  // A tenth of a millisecond apart: a millisecond cursor would lose one of them.
  await insertMeasurement('A3', 'Press A', '2026-01-01T10:00:00.000100Z', 3);
  await insertMeasurement('A4', 'Press A', '2026-01-01T10:00:00.000200Z', 4, 'PO-1');
  await insertMeasurement('B1', 'Press B', '2026-01-01T08:00:00Z', 5);
});

afterAll(async () => {
  await client?.stop();
  await database?.close();
});

describe('characteristics', () => {
  it('lists characteristics by name and finds one by id', async () => {
    const { data, errors } = await client.execute<{
      characteristics: { name: string }[];
      characteristic: Record<string, unknown>;
    }>(
      `query ($id: ID!) { characteristics { name }
          characteristic(id: $id) { id name unit lsl target usl description } }`,
      { id: ids['Bore'] },
    );
    expect(errors).toBeUndefined();
    expect(data?.characteristics.map((c) => c.name)).toEqual(['Appearance', 'Bore', 'Flatness']);
    expect(data?.characteristic).toEqual({
      id: ids['Bore'],
      name: 'Bore',
      unit: 'mm',
      lsl: 9.9,
      target: 10,
      usl: 10.1,
      description: null,
    });
  });

  it.each([
    ['nope', 'BAD_USER_INPUT'],
    [UNKNOWN, 'NOT_FOUND'],
  ])('refuses characteristic(id: %s) with %s', async (id, code) => {
    const { errors } = await client.execute(`{ characteristic(id: "${id}") { name } }`);
    expect(errors?.[0]?.extensions?.code).toBe(code);
    expect(errors?.[0]?.message).toMatch(/"id"/);
  });
});

describe('measurements on Asset and ProductionOrder', () => {
  const assetPages = `query ($reps: [_Any!]!, $from: DateTime, $to: DateTime, $first: Int, $after: String) {
    _entities(representations: $reps) { ... on Asset {
      measurements(from: $from, to: $to, first: $first, after: $after) {
        pageInfo { hasNextPage endCursor }
        edges { node { value inSpec characteristic { name } asset { id } order { id } } } } } } }`;
  const assetReps = (...names: string[]) =>
    names.map((name) => ({ __typename: 'Asset', id: ids[name] }));

  it('lists each asset’s measurements newest first with their references', async () => {
    const { data, errors } = await client.execute<{ _entities: { measurements: Page }[] }>(
      assetPages,
      { reps: assetReps('Press A', 'Press B', 'Press C') },
    );
    expect(errors).toBeUndefined();
    const [a, b, c] = data!._entities;
    expect(values(a?.measurements)).toEqual([4, 3, 2, 1]);
    expect(a?.measurements.edges[0]?.node).toEqual({
      value: 4,
      inSpec: true,
      characteristic: { name: 'Bore' },
      asset: { id: ids['Press A'] },
      order: { id: ids['PO-1'] },
    });
    expect(a?.measurements.edges[1]?.node.order).toBeNull();
    expect(values(b?.measurements)).toEqual([5]);
    expect(c?.measurements).toEqual({
      pageInfo: { hasNextPage: false, endCursor: null },
      edges: [],
    });
  });

  it('limits to the window [from, to)', async () => {
    const window = async (from: string, to: string) => {
      const { data } = await client.execute<{ _entities: { measurements: Page }[] }>(assetPages, {
        reps: assetReps('Press A'),
        from,
        to,
      });
      return values(data?._entities[0]?.measurements);
    };
    expect(await window('2026-01-01T09:00:00Z', '2026-01-01T10:00:00.001Z')).toEqual([4, 3, 2]);
    expect(await window('2026-01-01T08:00:00Z', '2026-01-01T09:00:00Z')).toEqual([1]);
  });

  it('pages with cursors exact to the microsecond', async () => {
    const first = await client.execute<{ _entities: { measurements: Page }[] }>(assetPages, {
      reps: assetReps('Press A'),
      first: 1,
    });
    const page1 = first.data?._entities[0]?.measurements;
    expect(values(page1)).toEqual([4]);
    expect(page1?.pageInfo.hasNextPage).toBe(true);
    const second = await client.execute<{ _entities: { measurements: Page }[] }>(assetPages, {
      reps: assetReps('Press A'),
      first: 2,
      after: page1?.pageInfo.endCursor,
    });
    const page2 = second.data?._entities[0]?.measurements;
    expect(values(page2)).toEqual([3, 2]);
    expect(page2?.pageInfo.hasNextPage).toBe(true);
  });

  it('lists an order’s measurements and pages through them', async () => {
    const query = `query ($reps: [_Any!]!, $after: String) {
      _entities(representations: $reps) { ... on ProductionOrder {
        measurements(first: 2, after: $after) {
          pageInfo { hasNextPage endCursor } edges { node { value } } } } } }`;
    const reps = [{ __typename: 'ProductionOrder', id: ids['PO-1'] }];
    const first = await client.execute<{ _entities: { measurements: Page }[] }>(query, { reps });
    const page1 = first.data?._entities[0]?.measurements;
    expect(values(page1)).toEqual([4, 2]);
    const second = await client.execute<{ _entities: { measurements: Page }[] }>(query, {
      reps,
      after: page1?.pageInfo.endCursor,
    });
    expect(values(second.data?._entities[0]?.measurements)).toEqual([1]);
    expect(second.data?._entities[0]?.measurements.pageInfo.hasNextPage).toBe(false);
  });

  it.each([
    [{ from: '2026-01-02T00:00:00Z', to: '2026-01-01T00:00:00Z' }, /"from"/],
    [{ first: 1001 }, /"first"/],
    [{ after: 'bogus' }, /"after"/],
  ])('refuses %o with BAD_USER_INPUT', async (args, message) => {
    const { errors } = await client.execute(assetPages, { reps: assetReps('Press A'), ...args });
    expect(errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(errors?.[0]?.message).toMatch(message);
  });

  it('batches: more parents cost no more statements', async () => {
    const count = async (reps: object[]) => {
      let statements = 0;
      const stop = database.sql.observe(() => statements++);
      try {
        const { errors } = await client.execute(
          `query ($reps: [_Any!]!) { _entities(representations: $reps) {
              ... on Asset { measurements(first: 2) { edges { node { characteristic { name } } } } }
              ... on ProductionOrder { measurements { edges { node { value } } } } } }`,
          { reps },
        );
        expect(errors).toBeUndefined();
      } finally {
        stop();
      }
      return statements;
    };
    const order = { __typename: 'ProductionOrder', id: ids['PO-1'] };
    const few = await count([...assetReps('Press A'), order]);
    const many = await count([...assetReps('Press A', 'Press B', 'Press C'), order, order]);
    expect(many).toBe(few);
    // Asset pages, order pages, characteristics.
    expect(few).toBe(3);
  });

  it('resolves Measurement and Characteristic references', async () => {
    const { data } = await client.execute<{ _entities: Record<string, unknown>[] }>(
      `query ($reps: [_Any!]!) { _entities(representations: $reps) {
          ... on Measurement { value } ... on Characteristic { name } } }`,
      {
        reps: [
          { __typename: 'Measurement', id: ids['B1'] },
          { __typename: 'Characteristic', id: ids['Flatness'] },
        ],
      },
    );
    expect(data?._entities).toEqual([{ value: 5 }, { name: 'Flatness' }]);
  });
});

describe('recordMeasurement', () => {
  const record = `mutation ($input: RecordMeasurementInput!) { recordMeasurement(input: $input) {
    id time value inSpec characteristic { name } asset { id } order { id } } }`;

  async function recordValue(characteristic: string, value: number) {
    const { data, errors } = await client.execute<{
      recordMeasurement: { inSpec: boolean; value: number };
    }>(record, {
      input: { characteristicId: ids[characteristic], assetId: ids['Press C'], value },
    });
    expect(errors).toBeUndefined();
    return data!.recordMeasurement.inSpec;
  }

  it('records a measurement with its references and the time given', async () => {
    const { data, errors } = await client.execute<{ recordMeasurement: Record<string, unknown> }>(
      record,
      {
        input: {
          characteristicId: ids['Bore'],
          assetId: ids['Press B'],
          orderId: ids['PO-1'],
          value: 10.05,
          time: '2026-01-01T12:00:00Z',
        },
      },
    );
    expect(errors).toBeUndefined();
    expect(data?.recordMeasurement).toMatchObject({
      // The test client skips JSON serialisation, so DateTime values arrive as Date objects.
      time: new Date('2026-01-01T12:00:00Z'),
      value: 10.05,
      inSpec: true,
      characteristic: { name: 'Bore' },
      asset: { id: ids['Press B'] },
      order: { id: ids['PO-1'] },
    });
  });

  it('defaults the time to now', async () => {
    const before = Date.now();
    const { data } = await client.execute<{ recordMeasurement: { time: Date } }>(record, {
      input: { characteristicId: ids['Bore'], assetId: ids['Press C'], value: 10 },
    });
    const time = data!.recordMeasurement.time.getTime();
    expect(time).toBeGreaterThanOrEqual(before);
    expect(time).toBeLessThanOrEqual(Date.now());
  });

  it('judges inSpec with inclusive bounds and open missing ones', async () => {
    expect(await recordValue('Bore', 9.9)).toBe(true);
    expect(await recordValue('Bore', 10.1)).toBe(true);
    expect(await recordValue('Bore', 9.89)).toBe(false);
    expect(await recordValue('Bore', 10.11)).toBe(false);
    expect(await recordValue('Flatness', -1000)).toBe(true);
    expect(await recordValue('Flatness', 0.06)).toBe(false);
    expect(await recordValue('Appearance', 1e12)).toBe(true);
  });

  it('keeps the verdict when the limits change later', async () => {
    const { data } = await client.execute<{ recordMeasurement: { id: string; inSpec: boolean } }>(
      record,
      { input: { characteristicId: ids['Flatness'], assetId: ids['Press C'], value: 0.04 } },
    );
    await database.sql.query('update quality_characteristic set usl = 0.03 where id = $1', [
      ids['Flatness'],
    ]);
    const { data: after } = await client.execute<{ _entities: { inSpec: boolean }[] }>(
      `query ($reps: [_Any!]!) { _entities(representations: $reps) {
          ... on Measurement { inSpec } } }`,
      { reps: [{ __typename: 'Measurement', id: data!.recordMeasurement.id }] },
    );
    expect(data?.recordMeasurement.inSpec).toBe(true);
    expect(after?._entities[0]?.inSpec).toBe(true);
    expect(await recordValue('Flatness', 0.04)).toBe(false);
  });

  it.each([
    [{ characteristicId: UNKNOWN }, 'NOT_FOUND', /"input\.characteristicId"/],
    [{ assetId: UNKNOWN }, 'NOT_FOUND', /"input\.assetId"/],
    [{ orderId: UNKNOWN }, 'NOT_FOUND', /"input\.orderId"/],
    [{ characteristicId: 'nope' }, 'BAD_USER_INPUT', /"input\.characteristicId"/],
    [{ assetId: 'nope' }, 'BAD_USER_INPUT', /"input\.assetId"/],
    [{ orderId: 'nope' }, 'BAD_USER_INPUT', /"input\.orderId"/],
    [{ orderId: '' }, 'BAD_USER_INPUT', /"input\.orderId"/],
  ])('refuses %o with %s and stores nothing', async (change, code, message) => {
    const before = await database.sql.query('select * from measurement order by id');
    const { errors } = await client.execute(record, {
      input: { characteristicId: ids['Bore'], assetId: ids['Press C'], value: 10, ...change },
    });
    expect(errors?.[0]?.extensions?.code).toBe(code);
    expect(errors?.[0]?.message).toMatch(message);
    expect(await database.sql.query('select * from measurement order by id')).toEqual(before);
  });

  it('refuses a non-finite value', async () => {
    // Variables cannot carry Infinity, but a literal too large for a double parses to it.
    const { errors } = await client.execute(
      `mutation ($c: ID!, $a: ID!) {
        recordMeasurement(input: { characteristicId: $c, assetId: $a, value: 1e999 }) { id } }`,
      { c: ids['Bore'], a: ids['Press C'] },
    );
    expect(errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(errors?.[0]?.message).toMatch(/"input\.value"/);
  });
});

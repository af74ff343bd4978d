import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeCursor } from '@plantgraph/graph';
import {
  openTestDatabase,
  SubgraphClient,
  type ExecutionResult,
  type TestDatabase,
} from '@plantgraph/testing';
import { alarmsSubgraph } from './subgraph.ts';

let database: TestDatabase;
let client: SubgraphClient;
const assets: Record<string, string> = {};
const alarms: Record<string, string> = {};
const UNKNOWN = '00000000-0000-4000-8000-000000000000';

/** Runs an operation and returns what a client receives over the wire (dates as strings). */
async function execute<T = Record<string, unknown>>(
  document: string,
  variables?: Record<string, unknown>,
  subject?: string,
): Promise<ExecutionResult<T>> {
  return JSON.parse(JSON.stringify(await client.execute<T>(document, variables, subject)));
}

async function insertAsset(name: string, kind: string, parent?: string): Promise<void> {
  const [row] = await database.sql.query<{ id: string }>(
    `insert into asset (parent_id, kind, name, path)
     values ($1, $2, $3, coalesce((select path || '/' from asset where id = $1), '') || $3::text)
     returning id`,
    [parent ? assets[parent] : null, kind, name],
  );
  assets[name] = row!.id;
}

interface AlarmFixture {
  asset: string;
  severity: string;
  raisedAt: string;
  message?: string;
  clearedAt?: string;
  acknowledgedAt?: string;
  acknowledgedBy?: string;
  comment?: string;
}

async function insertAlarm(code: string, fixture: AlarmFixture): Promise<void> {
  const [row] = await database.sql.query<{ id: string }>(
    `insert into alarm_event (asset_id, code, message, severity, raised_at, cleared_at,
       acknowledged_at, acknowledged_by, acknowledge_comment)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning id`,
    [
      assets[fixture.asset],
      code,
      fixture.message ?? `${code} message`,
      fixture.severity,
      fixture.raisedAt,
      fixture.clearedAt ?? null,
      fixture.acknowledgedAt ?? null,
      fixture.acknowledgedBy ?? null,
      fixture.comment ?? null,
    ],
  );
  alarms[code] = row!.id;
}

type Page = {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: { node: { code: string } }[];
};

async function alarmPage(args: string, variables: Record<string, unknown> = {}): Promise<Page> {
  const declarations = Object.keys(variables)
    .map((name) => `$${name}: ${name === 'after' ? 'String' : 'ID'}`)
    .join(', ');
  const { data, errors } = await execute<{ alarms: Page }>(
    `query${declarations ? ` (${declarations})` : ''} { alarms${args} {
       totalCount pageInfo { hasNextPage endCursor } edges { node { code } } } }`,
    variables,
  );
  expect(errors).toBeUndefined();
  return data!.alarms;
}

const codes = (page: Page) => page.edges.map((edge) => edge.node.code);

beforeAll(async () => {
  database = await openTestDatabase();
  client = await SubgraphClient.start(await alarmsSubgraph.buildSchema(), database.services);
  await insertAsset('Acme', 'ENTERPRISE');
  await insertAsset('Dresden', 'SITE', 'Acme');
  await insertAsset('Body_Shop', 'AREA', 'Dresden');
  // An unescaped "_" in Body_Shop's subtree pattern would match this sibling too.
  await insertAsset('BodyXShop', 'AREA', 'Dresden');
  await insertAsset('Line 1', 'LINE', 'Body_Shop');
  await insertAsset('Press 1', 'EQUIPMENT', 'Line 1');
  await insertAsset('Press 2', 'EQUIPMENT', 'Line 1');
  await insertAsset('Robot', 'EQUIPMENT', 'BodyXShop');

  await insertAlarm('P-101', {
    asset: 'Press 1',
    severity: 'HIGH',
    raisedAt: '2026-11-01T08:00:00Z',
    message: 'Hydraulic pressure low',
  });
  await insertAlarm('P-102', {
    asset: 'Press 1',
    severity: 'CRITICAL',
    raisedAt: '2026-11-01T09:00:00Z',
    message: 'Oil temperature high',
    acknowledgedAt: '2026-11-01T09:05:00Z',
    acknowledgedBy: 'alice',
    comment: 'checking',
  });
  await insertAlarm('P-103', {
    asset: 'Press 1',
    severity: 'HIGH',
    raisedAt: '2026-11-01T06:00:00Z',
  });
  await insertAlarm('P-201', {
    asset: 'Press 2',
    severity: 'LOW',
    raisedAt: '2026-11-01T10:00:00Z',
    clearedAt: '2026-11-01T10:10:00Z',
  });
  await insertAlarm('P-202', {
    asset: 'Press 2',
    severity: 'MEDIUM',
    raisedAt: '2026-11-01T07:00:00Z',
    clearedAt: '2026-11-01T07:01:00Z',
    acknowledgedAt: '2026-11-01T07:30:00Z',
    acknowledgedBy: 'bob',
  });
  // Two alarms within the same millisecond: cursors must keep the microseconds.
  await insertAlarm('L-1', {
    asset: 'Line 1',
    severity: 'MEDIUM',
    raisedAt: '2026-11-01T11:00:00.123456Z',
  });
  await insertAlarm('L-2', {
    asset: 'Line 1',
    severity: 'LOW',
    raisedAt: '2026-11-01T11:00:00.123789Z',
  });
  await insertAlarm('R-1', {
    asset: 'Robot',
    severity: 'CRITICAL',
    raisedAt: '2026-11-01T12:00:00Z',
  });
});

afterAll(async () => {
  await client?.stop();
  await database?.close();
});

describe('alarms subgraph: queries', () => {
  it('returns one alarm with every field', async () => {
    const { data, errors } = await execute<{ alarm: Record<string, unknown> }>(
      `query ($id: ID!) { alarm(id: $id) { id code message severity state raisedAt clearedAt
          acknowledgedAt acknowledgedBy acknowledgeComment asset { id } } }`,
      { id: alarms['P-102'] },
    );
    expect(errors).toBeUndefined();
    expect(data?.alarm).toEqual({
      id: alarms['P-102'],
      code: 'P-102',
      message: 'Oil temperature high',
      severity: 'CRITICAL',
      state: 'ACKNOWLEDGED',
      raisedAt: '2026-11-01T09:00:00.000Z',
      clearedAt: null,
      acknowledgedAt: '2026-11-01T09:05:00.000Z',
      acknowledgedBy: 'alice',
      acknowledgeComment: 'checking',
      asset: { id: assets['Press 1'] },
    });
  });

  it('says why an alarm was cleared when its source did not report the clear', async () => {
    await database.sql.query(
      `update alarm_event set clear_reason = 'not active on reconnect' where id = $1`,
      [alarms['P-201']],
    );
    const clearReason = async (code: string) => {
      const { data, errors } = await execute<{ alarm: { clearReason: string | null } }>(
        'query ($id: ID!) { alarm(id: $id) { clearReason } }',
        { id: alarms[code] },
      );
      expect(errors).toBeUndefined();
      return data?.alarm.clearReason;
    };
    expect(await clearReason('P-201')).toBe('not active on reconnect');
    expect(await clearReason('P-202')).toBeNull();
  });

  it('derives each state from the timestamps', async () => {
    const { data } = await execute<{ alarms: { edges: { node: object }[] } }>(
      `{ alarms(first: 100) { edges { node { code state clearedAt acknowledgedAt } } } }`,
    );
    expect(data?.alarms.edges.map((edge) => edge.node)).toEqual([
      { code: 'R-1', state: 'ACTIVE', clearedAt: null, acknowledgedAt: null },
      { code: 'L-2', state: 'ACTIVE', clearedAt: null, acknowledgedAt: null },
      { code: 'L-1', state: 'ACTIVE', clearedAt: null, acknowledgedAt: null },
      {
        code: 'P-201',
        state: 'CLEARED',
        clearedAt: '2026-11-01T10:10:00.000Z',
        acknowledgedAt: null,
      },
      {
        code: 'P-102',
        state: 'ACKNOWLEDGED',
        clearedAt: null,
        acknowledgedAt: '2026-11-01T09:05:00.000Z',
      },
      { code: 'P-101', state: 'ACTIVE', clearedAt: null, acknowledgedAt: null },
      {
        code: 'P-202',
        state: 'CLOSED',
        clearedAt: '2026-11-01T07:01:00.000Z',
        acknowledgedAt: '2026-11-01T07:30:00.000Z',
      },
      { code: 'P-103', state: 'ACTIVE', clearedAt: null, acknowledgedAt: null },
    ]);
  });

  it.each([
    ['ACTIVE', ['R-1', 'L-2', 'L-1', 'P-101', 'P-103']],
    ['ACKNOWLEDGED', ['P-102']],
    ['CLEARED', ['P-201']],
    ['CLOSED', ['P-202']],
  ])('filters by state %s', async (state, expected) => {
    const page = await alarmPage(`(state: ${state})`);
    expect(codes(page)).toEqual(expected);
    expect(page.totalCount).toBe(expected.length);
  });

  it('filters by one asset only, not its descendants', async () => {
    const press = await alarmPage('(assetId: $assetId)', { assetId: assets['Press 1'] });
    expect(codes(press)).toEqual(['P-102', 'P-101', 'P-103']);
    const line = await alarmPage('(assetId: $assetId)', { assetId: assets['Line 1'] });
    expect(codes(line)).toEqual(['L-2', 'L-1']);
  });

  it('filters a subtree, treating LIKE wildcards in the path literally', async () => {
    const page = await alarmPage('(under: $under)', { under: assets['Body_Shop'] });
    expect(codes(page)).toEqual(['L-2', 'L-1', 'P-201', 'P-102', 'P-101', 'P-202', 'P-103']);
    expect(page.totalCount).toBe(7);
    const leaf = await alarmPage('(under: $under)', { under: assets['Robot'] });
    expect(codes(leaf)).toEqual(['R-1']);
  });

  it('combines subtree, state and a half-open raisedAt window', async () => {
    const window = await alarmPage(
      '(under: $under, from: "2026-11-01T08:00:00Z", to: "2026-11-01T10:00:00Z")',
      { under: assets['Line 1'] },
    );
    expect(codes(window)).toEqual(['P-102', 'P-101']);
    const active = await alarmPage('(under: $under, state: ACTIVE, from: "2026-11-01T08:00:00Z")', {
      under: assets['Line 1'],
    });
    expect(codes(active)).toEqual(['L-2', 'L-1', 'P-101']);
    expect(active.totalCount).toBe(3);
  });

  it('pages over two pages with a keyset cursor', async () => {
    const under = assets['Body_Shop'];
    const first = await alarmPage('(under: $under, first: 4)', { under });
    expect(codes(first)).toEqual(['L-2', 'L-1', 'P-201', 'P-102']);
    expect(first.pageInfo.hasNextPage).toBe(true);
    expect(first.totalCount).toBe(7);
    const second = await alarmPage('(under: $under, first: 4, after: $after)', {
      under,
      after: first.pageInfo.endCursor,
    });
    expect(codes(second)).toEqual(['P-101', 'P-202', 'P-103']);
    expect(second.pageInfo.hasNextPage).toBe(false);
    expect(second.totalCount).toBe(7);
  });

  it('keeps microseconds in cursors so alarms in one millisecond page correctly', async () => {
    const assetId = assets['Line 1'];
    const first = await alarmPage('(assetId: $assetId, first: 1)', { assetId });
    expect(codes(first)).toEqual(['L-2']);
    const second = await alarmPage('(assetId: $assetId, first: 1, after: $after)', {
      assetId,
      after: first.pageInfo.endCursor,
    });
    expect(codes(second)).toEqual(['L-1']);
    expect(second.pageInfo.hasNextPage).toBe(false);
  });

  it('resolves Alarm references and active alarms of Asset stubs', async () => {
    const { data, errors } = await execute<{ _entities: unknown[] }>(
      `query ($representations: [_Any!]!) { _entities(representations: $representations) {
         ... on Alarm { code state }
         ... on Asset { id activeAlarms { code severity state asset { id } } } } }`,
      {
        representations: [
          { __typename: 'Alarm', id: alarms['P-201'] },
          { __typename: 'Alarm', id: UNKNOWN },
          { __typename: 'Asset', id: assets['Press 1'] },
          { __typename: 'Asset', id: assets['Press 2'] },
          { __typename: 'Asset', id: assets['Robot'] },
        ],
      },
    );
    expect(errors).toBeUndefined();
    const press1 = { id: assets['Press 1'] };
    expect(data?._entities).toEqual([
      { code: 'P-201', state: 'CLEARED' },
      null,
      {
        id: assets['Press 1'],
        activeAlarms: [
          { code: 'P-102', severity: 'CRITICAL', state: 'ACKNOWLEDGED', asset: press1 },
          { code: 'P-101', severity: 'HIGH', state: 'ACTIVE', asset: press1 },
          { code: 'P-103', severity: 'HIGH', state: 'ACTIVE', asset: press1 },
        ],
      },
      { id: assets['Press 2'], activeAlarms: [] },
      {
        id: assets['Robot'],
        activeAlarms: [
          { code: 'R-1', severity: 'CRITICAL', state: 'ACTIVE', asset: { id: assets['Robot'] } },
        ],
      },
    ]);
  });

  it('batches activeAlarms: the statement count does not grow with the number of assets', async () => {
    const statementsFor = async (names: string[]) => {
      const statements: string[] = [];
      const stop = database.sql.observe((statement) => statements.push(statement));
      try {
        const { data, errors } = await execute<{ _entities: { activeAlarms: unknown[] }[] }>(
          `query ($representations: [_Any!]!) { _entities(representations: $representations) {
             ... on Asset { activeAlarms { code } } } }`,
          { representations: names.map((name) => ({ __typename: 'Asset', id: assets[name] })) },
        );
        expect(errors).toBeUndefined();
        expect(data?._entities).toHaveLength(names.length);
      } finally {
        stop();
      }
      return statements.length;
    };
    const two = await statementsFor(['Press 1', 'Press 2']);
    const six = await statementsFor(['Press 1', 'Press 2', 'Line 1', 'Robot', 'Body_Shop', 'Acme']);
    expect(two).toBe(1);
    expect(six).toBe(two);
  });
});

describe('alarms subgraph: acknowledgement', () => {
  const acknowledge = `mutation ($id: ID!, $comment: String) {
    acknowledgeAlarm(id: $id, comment: $comment) {
      id state acknowledgedAt acknowledgedBy acknowledgeComment } }`;

  it('acknowledges an active alarm as the caller', async () => {
    const before = Date.now();
    const { data, errors } = await execute<{
      acknowledgeAlarm: { state: string; acknowledgedAt: string } & Record<string, unknown>;
    }>(acknowledge, { id: alarms['P-101'], comment: 'valve replaced' }, 'carol');
    expect(errors).toBeUndefined();
    expect(data?.acknowledgeAlarm).toMatchObject({
      id: alarms['P-101'],
      state: 'ACKNOWLEDGED',
      acknowledgedBy: 'carol',
      acknowledgeComment: 'valve replaced',
    });
    const acknowledgedAt = Date.parse(data!.acknowledgeAlarm.acknowledgedAt);
    expect(acknowledgedAt).toBeGreaterThanOrEqual(before - 1000);
    expect(acknowledgedAt).toBeLessThanOrEqual(Date.now() + 1000);

    const reread = await execute<{ alarm: { state: string; acknowledgedBy: string } }>(
      `query ($id: ID!) { alarm(id: $id) { state acknowledgedBy } }`,
      { id: alarms['P-101'] },
    );
    expect(reread.data?.alarm).toEqual({ state: 'ACKNOWLEDGED', acknowledgedBy: 'carol' });
  });

  it('closes a cleared alarm when it is acknowledged, without a comment', async () => {
    const { data, errors } = await execute<{ acknowledgeAlarm: Record<string, unknown> }>(
      acknowledge,
      { id: alarms['P-201'] },
    );
    expect(errors).toBeUndefined();
    expect(data?.acknowledgeAlarm).toMatchObject({
      state: 'CLOSED',
      acknowledgedBy: 'test-user',
      acknowledgeComment: null,
    });
  });

  it('rejects a second acknowledgement with CONFLICT and keeps the first', async () => {
    const { errors } = await execute(acknowledge, { id: alarms['P-101'] }, 'dave');
    expect(errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(errors?.[0]?.message).toMatch(/already acknowledged by carol/);
    const [row] = await database.sql.query<{ acknowledged_by: string; comment: string }>(
      'select acknowledged_by, acknowledge_comment as comment from alarm_event where id = $1',
      [alarms['P-101']],
    );
    expect(row).toEqual({ acknowledged_by: 'carol', comment: 'valve replaced' });
  });

  it('lets exactly one of two concurrent acknowledgements win', async () => {
    const results = await Promise.all(
      ['erin', 'frank'].map((subject) => execute(acknowledge, { id: alarms['L-1'] }, subject)),
    );
    const codes = results.map((result) => result.errors?.[0]?.extensions?.code ?? 'OK').sort();
    expect(codes).toEqual(['CONFLICT', 'OK']);
  });
});

describe('alarms subgraph: validation', () => {
  it.each([
    ['{ alarm(id: "nope") { code } }', 'BAD_USER_INPUT', 'id'],
    [`{ alarm(id: "${UNKNOWN}") { code } }`, 'NOT_FOUND', 'id'],
    [`{ alarms(assetId: "${UNKNOWN}") { totalCount } }`, 'NOT_FOUND', 'assetId'],
    ['{ alarms(assetId: "press") { totalCount } }', 'BAD_USER_INPUT', 'assetId'],
    [`{ alarms(under: "${UNKNOWN}") { totalCount } }`, 'NOT_FOUND', 'under'],
    [
      '{ alarms(from: "2026-11-02T00:00:00Z", to: "2026-11-01T00:00:00Z") { totalCount } }',
      'BAD_USER_INPUT',
      'from',
    ],
    ['{ alarms(first: 0) { totalCount } }', 'BAD_USER_INPUT', 'first'],
    ['{ alarms(first: 1001) { totalCount } }', 'BAD_USER_INPUT', 'first'],
    ['{ alarms(after: "not-a-cursor") { totalCount } }', 'BAD_USER_INPUT', 'after'],
    [
      `{ alarms(after: "${encodeCursor(['yesterday', UNKNOWN])}") { totalCount } }`,
      'BAD_USER_INPUT',
      'after',
    ],
    [`mutation { acknowledgeAlarm(id: "${UNKNOWN}") { id } }`, 'NOT_FOUND', 'id'],
    ['mutation { acknowledgeAlarm(id: "x") { id } }', 'BAD_USER_INPUT', 'id'],
  ])('rejects %s with %s naming %s', async (query, code, argument) => {
    const { errors } = await execute(query);
    expect(errors?.[0]?.extensions?.code).toBe(code);
    expect(errors?.[0]?.extensions?.argument).toBe(argument);
    expect(errors?.[0]?.message).toContain(`"${argument}"`);
    expect(JSON.stringify(errors)).not.toMatch(/stacktrace/i);
  });

  it('rejects malformed entity keys without failing the rest of the batch', async () => {
    const { data, errors } = await execute<{ _entities: unknown[] }>(
      `query ($representations: [_Any!]!) { _entities(representations: $representations) {
         ... on Alarm { code } ... on Asset { activeAlarms { code } } } }`,
      {
        representations: [
          { __typename: 'Alarm', id: 'x' },
          { __typename: 'Asset', id: 'y' },
          { __typename: 'Asset', id: assets['Robot'] },
        ],
      },
    );
    expect(data?._entities).toEqual([null, null, { activeAlarms: [{ code: 'R-1' }] }]);
    expect(errors?.map((error) => error.extensions?.code)).toEqual([
      'BAD_USER_INPUT',
      'BAD_USER_INPUT',
    ]);
    expect(errors?.map((error) => error.extensions?.argument)).toEqual([
      'representations',
      'representations',
    ]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeCursor } from '@plantgraph/graph';
import {
  openTestDatabase,
  SubgraphClient,
  type ExecutionResult,
  type TestDatabase,
} from '@plantgraph/testing';
import { MAX_STATE_PERIODS } from './machine-state/machine-state.service.ts';
import { timeseriesSubgraph } from './subgraph.ts';

let database: TestDatabase;
let client: SubgraphClient;
const assets: Record<string, string> = {};
const tags: Record<string, string> = {};

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
// Recent enough for TimescaleDB's retention policy, whole hours for readable expectations.
const BASE = Math.floor(Date.now() / HOUR) * HOUR - 48 * HOUR;
/** ISO time `offset` ms after BASE. */
const at = (offset: number) => new Date(BASE + offset).toISOString();
/** BASE + `offset` ms plus `micros` microseconds, in a form PostgreSQL keeps exactly. */
const atMicros = (offset: number, micros: number) =>
  `${at(offset).slice(0, -1)}${String(micros).padStart(3, '0')}Z`;

/** Runs an operation and returns what a client receives over the wire (dates as strings). */
async function execute<T = Record<string, unknown>>(
  document: string,
  variables?: Record<string, unknown>,
): Promise<ExecutionResult<T>> {
  return JSON.parse(JSON.stringify(await client.execute<T>(document, variables)));
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

async function insertTag(asset: string, name: string, dataType: string): Promise<void> {
  const [row] = await database.sql.query<{ id: string }>(
    'insert into tag (asset_id, name, data_type) values ($1, $2, $3) returning id',
    [assets[asset], name, dataType],
  );
  tags[name] = row!.id;
}

async function insertDatapoint(
  tag: string,
  time: string,
  value: number | null,
  text: string | null,
  quality = 'GOOD',
): Promise<void> {
  await database.sql.query(
    'insert into datapoint (time, tag_id, value, text, quality) values ($1, $2, $3, $4, $5)',
    [time, tags[tag], value, text, quality],
  );
}

async function insertState(asset: string, time: string, state: string, reason: string | null) {
  await database.sql.query(
    'insert into machine_state (time, asset_id, state, reason) values ($1, $2, $3, $4)',
    [time, assets[asset], state, reason],
  );
}

interface Point {
  time: string;
  value: number | null;
  text: string | null;
  quality: string;
}
interface HistoryPage {
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: { node: Point }[];
}
interface Period {
  state: string;
  since: string;
  until: string | null;
  reason: string | null;
}

/** Runs `fields` on the Tag or Asset stub with `id` through `_entities`. */
async function entity<T>(typename: string, id: string, fields: string): Promise<T> {
  const { data, errors } = await execute<{ _entities: T[] }>(
    `query ($representations: [_Any!]!) { _entities(representations: $representations) {
       ... on ${typename} { ${fields} } } }`,
    { representations: [{ __typename: typename, id }] },
  );
  expect(errors).toBeUndefined();
  return data!._entities[0]!;
}

async function history(tag: string, args: string, after?: string | null): Promise<HistoryPage> {
  const cursor = after ? `${args ? ', ' : ''}after: "${after}"` : '';
  const parenthesised = args || cursor ? `(${args}${cursor})` : '';
  const result = await entity<{ history: HistoryPage }>(
    'Tag',
    tags[tag]!,
    `history${parenthesised} { pageInfo { hasNextPage endCursor }
       edges { node { time value text quality } } }`,
  );
  return result.history;
}

const values = (page: HistoryPage) => page.edges.map((edge) => edge.node.value);

async function stateHistory(asset: string, args = ''): Promise<Period[]> {
  const result = await entity<{ stateHistory: Period[] }>(
    'Asset',
    assets[asset]!,
    `stateHistory${args ? `(${args})` : ''} { state since until reason }`,
  );
  return result.stateHistory;
}

beforeAll(async () => {
  database = await openTestDatabase();
  client = await SubgraphClient.start(await timeseriesSubgraph.buildSchema(), database.services);
  await insertAsset('Acme', 'ENTERPRISE');
  await insertAsset('Line 1', 'LINE', 'Acme');
  for (const press of ['Press 1', 'Press 2', 'Press 3', 'Press 4', 'Press 5', 'Press 6']) {
    await insertAsset(press, 'EQUIPMENT', 'Line 1');
  }
  await insertTag('Press 1', 'Force', 'FLOAT');
  await insertTag('Press 1', 'Mode', 'STRING');
  await insertTag('Press 1', 'Spare', 'FLOAT');
  await insertTag('Press 2', 'Pressure', 'FLOAT');
  await insertTag('Press 2', 'Stroke', 'FLOAT');
  await insertTag('Press 3', 'Temperature', 'FLOAT');
  await insertTag('Press 3', 'Current', 'FLOAT');
  await insertTag('Press 4', 'Speed', 'FLOAT');

  // Force: a gap between +2 min and +10 min, a BAD sample without value, and two samples within
  // one millisecond at +20 min.
  await insertDatapoint('Force', at(0), 10.5, null);
  await insertDatapoint('Force', at(MINUTE), 11, null);
  await insertDatapoint('Force', at(2 * MINUTE), null, null, 'BAD');
  await insertDatapoint('Force', at(10 * MINUTE), 12.25, null, 'UNCERTAIN');
  await insertDatapoint('Force', at(11 * MINUTE), 13, null);
  await insertDatapoint('Force', atMicros(20 * MINUTE, 100), 14, null);
  await insertDatapoint('Force', atMicros(20 * MINUTE, 900), 15, null);
  await insertDatapoint('Mode', at(0), null, 'AUTO');
  await insertDatapoint('Mode', at(5 * MINUTE), null, 'MANUAL');

  await insertState('Press 1', at(-3 * HOUR), 'RUNNING', null);
  await insertState('Press 1', at(-HOUR), 'DOWN', 'Hydraulic leak');
  await insertState('Press 1', at(0), 'SETUP', 'Changeover to part 4711');
  await insertState('Press 1', at(HOUR), 'RUNNING', null);
  await insertState('Press 1', at(5 * HOUR), 'IDLE', 'Starved');
  await insertState('Press 2', at(-24 * HOUR), 'STOPPED', 'End of shift');
});

afterAll(async () => {
  await client?.stop();
  await database?.close();
});

describe('timeseries subgraph: tag values', () => {
  it('returns the newest sample of a tag, or null without samples', async () => {
    const force = await entity<{ latest: Point }>(
      'Tag',
      tags['Force']!,
      'latest { time value text quality }',
    );
    expect(force.latest).toEqual({ time: at(20 * MINUTE), value: 15, text: null, quality: 'GOOD' });
    const mode = await entity<{ latest: Point }>('Tag', tags['Mode']!, 'latest { value text }');
    expect(mode.latest).toEqual({ value: null, text: 'MANUAL' });
    const spare = await entity<{ latest: Point | null }>('Tag', tags['Spare']!, 'latest { value }');
    expect(spare.latest).toBeNull();
  });

  it('returns the whole history oldest first with every field', async () => {
    const page = await history('Force', '');
    expect(page.edges.map((edge) => edge.node)).toEqual([
      { time: at(0), value: 10.5, text: null, quality: 'GOOD' },
      { time: at(MINUTE), value: 11, text: null, quality: 'GOOD' },
      { time: at(2 * MINUTE), value: null, text: null, quality: 'BAD' },
      { time: at(10 * MINUTE), value: 12.25, text: null, quality: 'UNCERTAIN' },
      { time: at(11 * MINUTE), value: 13, text: null, quality: 'GOOD' },
      { time: at(20 * MINUTE), value: 14, text: null, quality: 'GOOD' },
      { time: at(20 * MINUTE), value: 15, text: null, quality: 'GOOD' },
    ]);
    expect(page.pageInfo.hasNextPage).toBe(false);
    expect((await history('Spare', '')).edges).toEqual([]);
  });

  it('limits history to the half-open window [from, to)', async () => {
    const page = await history('Force', `from: "${at(MINUTE)}", to: "${at(11 * MINUTE)}"`);
    expect(values(page)).toEqual([11, null, 12.25]);
    const gap = await history('Force', `from: "${at(3 * MINUTE)}", to: "${at(10 * MINUTE)}"`);
    expect(gap.edges).toEqual([]);
  });

  it('pages history over two pages', async () => {
    const window = `from: "${at(0)}", to: "${at(11 * MINUTE)}", first: 2`;
    const first = await history('Force', window);
    expect(values(first)).toEqual([10.5, 11]);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = await history('Force', window, first.pageInfo.endCursor);
    expect(values(second)).toEqual([null, 12.25]);
    expect(second.pageInfo.hasNextPage).toBe(false);
  });

  it('keeps microseconds in cursors so samples in one millisecond page correctly', async () => {
    const window = `from: "${at(20 * MINUTE)}", first: 1`;
    const first = await history('Force', window);
    expect(values(first)).toEqual([14]);
    const second = await history('Force', window, first.pageInfo.endCursor);
    expect(values(second)).toEqual([15]);
    expect(second.pageInfo.hasNextPage).toBe(false);
  });
});

describe('timeseries subgraph: machine state', () => {
  it('returns the current state of an asset, or null without states', async () => {
    const press1 = await entity<{ state: Period }>(
      'Asset',
      assets['Press 1']!,
      'state { state since until reason }',
    );
    expect(press1.state).toEqual({
      state: 'IDLE',
      since: at(5 * HOUR),
      until: null,
      reason: 'Starved',
    });
    const press2 = await entity<{ state: Period }>('Asset', assets['Press 2']!, 'state { state }');
    expect(press2.state).toEqual({ state: 'STOPPED' });
    const press3 = await entity<{ state: Period | null }>(
      'Asset',
      assets['Press 3']!,
      'state { state }',
    );
    expect(press3.state).toBeNull();
  });

  it('includes the period in force at `from` and ends the last one at the next change', async () => {
    expect(
      await stateHistory('Press 1', `from: "${at(-30 * MINUTE)}", to: "${at(2 * HOUR)}"`),
    ).toEqual([
      { state: 'DOWN', since: at(-HOUR), until: at(0), reason: 'Hydraulic leak' },
      { state: 'SETUP', since: at(0), until: at(HOUR), reason: 'Changeover to part 4711' },
      { state: 'RUNNING', since: at(HOUR), until: at(5 * HOUR), reason: null },
    ]);
  });

  it('treats the window as [from, to): a change at `from` is in, a change at `to` is out', async () => {
    expect(await stateHistory('Press 1', `from: "${at(0)}", to: "${at(HOUR)}"`)).toEqual([
      { state: 'SETUP', since: at(0), until: at(HOUR), reason: 'Changeover to part 4711' },
    ]);
  });

  it('handles windows after the last change and before the first', async () => {
    expect(await stateHistory('Press 1', `from: "${at(6 * HOUR)}", to: "${at(7 * HOUR)}"`)).toEqual(
      [{ state: 'IDLE', since: at(5 * HOUR), until: null, reason: 'Starved' }],
    );
    expect(
      await stateHistory('Press 1', `from: "${at(-4 * HOUR)}", to: "${at(-2 * HOUR)}"`),
    ).toEqual([{ state: 'RUNNING', since: at(-3 * HOUR), until: at(-HOUR), reason: null }]);
    expect(
      await stateHistory('Press 1', `from: "${at(-5 * HOUR)}", to: "${at(-4 * HOUR)}"`),
    ).toEqual([]);
    expect(await stateHistory('Press 3', `from: "${at(0)}", to: "${at(HOUR)}"`)).toEqual([]);
  });

  it('defaults to the last 24 hours, or the 24 hours before `to`', async () => {
    const now = Date.now();
    const ago = (hours: number) => new Date(now - hours * HOUR).toISOString();
    await insertState('Press 4', ago(50), 'STOPPED', null);
    await insertState('Press 4', ago(30), 'RUNNING', null);
    await insertState('Press 4', ago(2), 'DOWN', 'Jam');
    expect(await stateHistory('Press 4')).toEqual([
      { state: 'RUNNING', since: ago(30), until: ago(2), reason: null },
      { state: 'DOWN', since: ago(2), until: null, reason: 'Jam' },
    ]);
    expect(await stateHistory('Press 4', `to: "${ago(3)}"`)).toEqual([
      { state: 'RUNNING', since: ago(30), until: ago(2), reason: null },
    ]);
    expect(await stateHistory('Press 4', `from: "${ago(60)}", to: "${ago(40)}"`)).toEqual([
      { state: 'STOPPED', since: ago(50), until: ago(30), reason: null },
    ]);
  });

  it(`returns up to ${MAX_STATE_PERIODS} periods and rejects a window holding more`, async () => {
    const start = BASE - 20 * HOUR;
    const second = (index: number) => new Date(start + index * 1000);
    await database.sql.bulkInsert(
      'machine_state',
      [
        { name: 'time', type: 'timestamptz' },
        { name: 'asset_id', type: 'uuid' },
        { name: 'state', type: 'machine_state_code' },
      ],
      Array.from({ length: MAX_STATE_PERIODS + 1 }, (_, index) => [
        second(index),
        assets['Press 5'],
        index % 2 ? 'RUNNING' : 'IDLE',
      ]),
    );
    const full = `from: "${second(0).toISOString()}", to: "${second(MAX_STATE_PERIODS).toISOString()}"`;
    const periods = await stateHistory('Press 5', full);
    expect(periods).toHaveLength(MAX_STATE_PERIODS);
    expect(periods.at(-1)).toEqual({
      state: 'RUNNING',
      since: second(MAX_STATE_PERIODS - 1).toISOString(),
      until: second(MAX_STATE_PERIODS).toISOString(),
      reason: null,
    });

    const tooLong = `from: "${second(0).toISOString()}", to: "${new Date(
      second(MAX_STATE_PERIODS).getTime() + 1,
    ).toISOString()}"`;
    const { errors } = await execute(
      `query ($representations: [_Any!]!) { _entities(representations: $representations) {
         ... on Asset { stateHistory(${tooLong}) { state } } } }`,
      { representations: [{ __typename: 'Asset', id: assets['Press 5'] }] },
    );
    expect(errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(errors?.[0]?.extensions?.argument).toBe('from');
    expect(errors?.[0]?.message).toContain(`more than ${MAX_STATE_PERIODS} state periods`);
  });
});

describe('timeseries subgraph: batching', () => {
  async function statementsFor(typename: string, ids: string[], fields: string) {
    const statements: string[] = [];
    const stop = database.sql.observe((statement) => statements.push(statement));
    try {
      const { data, errors } = await execute<{ _entities: unknown[] }>(
        `query ($representations: [_Any!]!) { _entities(representations: $representations) {
           ... on ${typename} { ${fields} } } }`,
        { representations: ids.map((id) => ({ __typename: typename, id })) },
      );
      expect(errors).toBeUndefined();
      expect(data?._entities).toHaveLength(ids.length);
    } finally {
      stop();
    }
    return statements.length;
  }

  it('resolves latest and history of many tags in one statement each', async () => {
    const fields = 'latest { value } history(first: 2) { edges { node { value } } }';
    const all = Object.values(tags);
    expect(all).toHaveLength(8);
    const two = await statementsFor('Tag', all.slice(0, 2), fields);
    const six = await statementsFor('Tag', all.slice(0, 6), fields);
    expect(two).toBe(2);
    expect(six).toBe(two);
  });

  it('resolves state and stateHistory of many assets in one statement each', async () => {
    const fields = 'state { state } stateHistory { state }';
    const presses = ['Press 1', 'Press 2', 'Press 3', 'Press 4', 'Press 5', 'Press 6'];
    const ids = presses.map((press) => assets[press]!);
    const two = await statementsFor('Asset', ids.slice(0, 2), fields);
    const six = await statementsFor('Asset', ids, fields);
    expect(two).toBe(2);
    expect(six).toBe(two);
  });

  it('keeps each tag its own results within a batch', async () => {
    const { data } = await execute<{ _entities: unknown[] }>(
      `query ($representations: [_Any!]!) { _entities(representations: $representations) {
         ... on Tag { id latest { value text } history(first: 1) { edges { node { value text } } } } } }`,
      {
        representations: ['Force', 'Spare', 'Mode'].map((name) => ({
          __typename: 'Tag',
          id: tags[name],
        })),
      },
    );
    expect(data?._entities).toEqual([
      {
        id: tags['Force'],
        latest: { value: 15, text: null },
        history: { edges: [{ node: { value: 10.5, text: null } }] },
      },
      { id: tags['Spare'], latest: null, history: { edges: [] } },
      {
        id: tags['Mode'],
        latest: { value: null, text: 'MANUAL' },
        history: { edges: [{ node: { value: null, text: 'AUTO' } }] },
      },
    ]);
  });
});

describe('timeseries subgraph: validation', () => {
  const reversed = 'from: "2026-11-02T00:00:00Z", to: "2026-11-01T00:00:00Z"';
  const badCursor = encodeCursor(['yesterday']);

  it.each([
    ['Tag', `history(${reversed})`, 'from'],
    ['Tag', 'history(first: 0)', 'first'],
    ['Tag', 'history(first: 1001)', 'first'],
    ['Tag', 'history(after: "garbage")', 'after'],
    ['Tag', `history(after: "${badCursor}")`, 'after'],
    ['Asset', `stateHistory(${reversed})`, 'from'],
    ['Asset', 'stateHistory(from: "2999-01-01T00:00:00Z")', 'from'],
  ])('rejects %s.%s naming %s', async (typename, field, argument) => {
    const selection = typename === 'Tag' ? '{ pageInfo { hasNextPage } }' : '{ state }';
    const id = typename === 'Tag' ? tags['Force'] : assets['Press 1'];
    const { errors } = await execute(
      `query ($id: _Any!) { _entities(representations: [$id]) {
         ... on ${typename} { ${field} ${selection} } } }`,
      { id: { __typename: typename, id } },
    );
    expect(errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(errors?.[0]?.extensions?.argument).toBe(argument);
    expect(errors?.[0]?.message).toContain(`"${argument}"`);
  });

  it('rejects a malformed entity key without failing the rest of the batch', async () => {
    const { data, errors } = await execute<{ _entities: unknown[] }>(
      `query ($representations: [_Any!]!) { _entities(representations: $representations) {
         ... on Tag { latest { value } } } }`,
      {
        representations: [
          { __typename: 'Tag', id: 'not-a-uuid' },
          { __typename: 'Tag', id: tags['Force'] },
        ],
      },
    );
    expect(data?._entities).toEqual([null, { latest: { value: 15 } }]);
    expect(errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(errors?.[0]?.extensions?.argument).toBe('representations');
  });
});

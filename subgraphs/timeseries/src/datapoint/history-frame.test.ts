import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Identity } from '@plantgraph/graph';
import { openTestDatabase, SubgraphClient, type TestDatabase } from '@plantgraph/testing';
import { timeseriesSubgraph } from '../subgraph.ts';
import { MAX_HISTORY_FRAME_PAGE } from './history-frame.args.ts';

let database: TestDatabase;
let client: SubgraphClient;
const ids: Record<string, string> = {};

const SECOND = 1000;
const HOUR = 3600 * SECOND;
// Recent enough for TimescaleDB's retention policy.
const BASE = Math.floor(Date.now() / HOUR) * HOUR - 24 * HOUR;
/** 2,500 samples one second apart: every 100th BAD without a value, one string sample. */
const SAMPLES = 2_500;
const at = (second: number) => new Date(BASE + second * SECOND).toISOString();

interface Frame {
  timestamps: string[];
  values: (number | null)[];
  texts: (string | null)[];
  qualities: string[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

const FRAME_FIELDS = 'timestamps values texts qualities pageInfo { hasNextPage endCursor }';

/** Runs `tag(id) { historyFrame(args) }` in this subgraph; what a client receives. */
async function historyFrame(tag: string, args: string) {
  const result = await client.execute<{ tag: { historyFrame: Frame } }>(
    `query ($id: ID!) { tag(id: $id) { historyFrame(${args}) { ${FRAME_FIELDS} } } }`,
    { id: ids[tag] },
  );
  return JSON.parse(JSON.stringify(result)) as typeof result;
}

/** Every page of the tag's window, following endCursor. */
async function allPages(tag: string, window: string, first: number): Promise<Frame[]> {
  const pages: Frame[] = [];
  let after: string | null = null;
  do {
    const cursor: string = after ? `, after: "${after}"` : '';
    const { data, errors } = await historyFrame(tag, `${window}, first: ${first}${cursor}`);
    expect(errors).toBeUndefined();
    const page = data!.tag.historyFrame;
    pages.push(page);
    after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
  } while (after);
  return pages;
}

const expectedValue = (second: number) => (second % 100 === 99 ? null : second / 4);

beforeAll(async () => {
  database = await openTestDatabase();
  client = await SubgraphClient.start(await timeseriesSubgraph.buildSchema(), database.services);
  const [site] = await database.sql.query<{ id: string }>(
    `insert into asset (kind, name, path) values ('SITE', 'Frame site', 'Frame site') returning id`,
  );
  const [other] = await database.sql.query<{ id: string }>(
    `insert into asset (kind, name, path) values ('SITE', 'Other site', 'Other site') returning id`,
  );
  ids['site'] = site!.id;
  ids['other'] = other!.id;
  for (const [name, asset, type] of [
    ['Flow', site!.id, 'FLOAT'],
    ['Mode', site!.id, 'STRING'],
    ['Empty', site!.id, 'FLOAT'],
  ] as const) {
    const [row] = await database.sql.query<{ id: string }>(
      'insert into tag (asset_id, name, data_type) values ($1, $2, $3) returning id',
      [asset, name, type],
    );
    ids[name] = row!.id;
  }
  await database.sql.query(
    `insert into datapoint (time, tag_id, value, quality)
     select $2::timestamptz + make_interval(secs => n), $1,
            case when n % 100 = 99 then null else n / 4.0 end,
            case when n % 100 = 99 then 'BAD' else 'GOOD' end::datapoint_quality
       from generate_series(0, $3 - 1) as n`,
    [ids['Flow'], at(0), SAMPLES],
  );
  await database.sql.query(
    `insert into datapoint (time, tag_id, text, quality) values ($1, $2, 'AUTO', 'UNCERTAIN')`,
    [at(3), ids['Mode']],
  );
});

afterAll(async () => {
  await client?.stop();
  await database?.close();
});

describe('Tag.historyFrame', () => {
  it('returns the samples of [from, to) as columns, oldest first, nulls and qualities kept', async () => {
    const { data, errors } = await historyFrame(
      'Flow',
      `from: "${at(98)}", to: "${at(101)}", first: 10`,
    );
    expect(errors).toBeUndefined();
    expect(data!.tag.historyFrame).toEqual({
      timestamps: [at(98), at(99), at(100)],
      values: [24.5, null, 25],
      texts: [null, null, null],
      qualities: ['GOOD', 'BAD', 'GOOD'],
      pageInfo: { hasNextPage: false, endCursor: expect.any(String) },
    });
  });

  it('carries string samples in texts', async () => {
    const { data } = await historyFrame('Mode', 'first: 5');
    expect(data!.tag.historyFrame).toMatchObject({
      timestamps: [at(3)],
      values: [null],
      texts: ['AUTO'],
      qualities: ['UNCERTAIN'],
    });
  });

  it('answers an empty window with empty columns and no cursor', async () => {
    const { data } = await historyFrame('Empty', 'first: 5');
    expect(data!.tag.historyFrame).toEqual({
      timestamps: [],
      values: [],
      texts: [],
      qualities: [],
      pageInfo: { hasNextPage: false, endCursor: null },
    });
  });

  it('pages through the window without losing or repeating a sample', async () => {
    const pages = await allPages('Flow', `from: "${at(0)}", to: "${at(SAMPLES)}"`, 700);
    expect(pages.map((page) => page.timestamps.length)).toEqual([700, 700, 700, 400]);
    const timestamps = pages.flatMap((page) => page.timestamps);
    const values = pages.flatMap((page) => page.values);
    expect(timestamps).toEqual(Array.from({ length: SAMPLES }, (_, second) => at(second)));
    expect(values).toEqual(Array.from({ length: SAMPLES }, (_, second) => expectedValue(second)));
    expect(pages.flatMap((page) => page.qualities).filter((q) => q === 'BAD')).toHaveLength(25);
  });

  it('answers the largest page in one piece', async () => {
    const { data, errors } = await historyFrame('Flow', `first: ${MAX_HISTORY_FRAME_PAGE}`);
    expect(errors).toBeUndefined();
    expect(data!.tag.historyFrame.timestamps).toHaveLength(SAMPLES);
    expect(data!.tag.historyFrame.pageInfo.hasNextPage).toBe(false);
  });

  it('refuses a page larger than the limit as BAD_USER_INPUT naming first', async () => {
    const { data, errors } = await historyFrame('Flow', `first: ${MAX_HISTORY_FRAME_PAGE + 1}`);
    expect(data?.tag ?? null).toBeNull();
    expect(errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'first' });
    const zero = await historyFrame('Flow', 'first: 0');
    expect(zero.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      argument: 'first',
    });
  });

  it('refuses a cursor it did not make as BAD_USER_INPUT naming after', async () => {
    const { errors } = await historyFrame('Flow', 'first: 5, after: "not-a-cursor"');
    expect(errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'after' });
  });
});

describe('Query.tag in the timeseries subgraph', () => {
  it('answers NOT_FOUND for an unknown tag, as the assets subgraph does', async () => {
    const { errors } = await client.execute(
      `{ tag(id: "00000000-0000-4000-8000-000000000000") { id } }`,
    );
    expect(errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('refuses a tag outside the caller’s sites as FORBIDDEN, and answers one inside', async () => {
    const query = `query ($id: ID!) { tag(id: $id) { id } }`;
    const outside: Identity = { subject: 'scoped', role: 'viewer', sites: [ids['other']!] };
    const refused = await client.execute(query, { id: ids['Flow'] }, outside);
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN' });
    const inside: Identity = { subject: 'scoped', role: 'viewer', sites: [ids['site']!] };
    const answered = await client.execute(query, { id: ids['Flow'] }, inside);
    expect(answered).toEqual({ data: { tag: { id: ids['Flow'] } } });
  });
});

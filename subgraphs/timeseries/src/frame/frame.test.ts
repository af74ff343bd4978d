import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Identity } from '@plantgraph/graph';
import { openTestDatabase, SubgraphClient, type TestDatabase } from '@plantgraph/testing';
import {
  seedAnalyticsPlant,
  SPRING,
  type AnalyticsPlant,
  type TagKey,
} from '../testing/analytics-fixture.ts';
import {
  expectedBuckets,
  matches,
  type ExpectedBucket,
  type Fill,
} from '../aggregate/expected-aggregates.ts';
import { timeseriesSubgraph } from '../subgraph.ts';
import { MAX_FRAME_POINTS } from './frame.service.ts';

interface Column {
  tagId: string;
  tagName: string;
  assetPath: string;
  function: string;
  values: (number | null)[];
}

interface Frame {
  timestamps: string[];
  columns: Column[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

interface FrameVariables {
  tagIds?: string[];
  under?: string;
  tagName?: string;
  from: string;
  to: string;
  interval: string;
  functions: string[];
  fill: Fill;
  timezone: string;
  first?: number;
  after?: string | null;
}

const FRAME = `query Frame($tagIds: [ID!], $under: ID, $tagName: String, $from: DateTime!,
    $to: DateTime!, $interval: String!, $functions: [AggregateFunction!]!, $fill: GapFill!,
    $timezone: String!, $first: Int, $after: String) {
  timeseriesFrame(tagIds: $tagIds, under: $under, tagName: $tagName, from: $from, to: $to,
      interval: $interval, functions: $functions, fill: $fill, timezone: $timezone,
      first: $first, after: $after) {
    timestamps
    columns { tagId tagName assetPath function values }
    pageInfo { hasNextPage endCursor }
  }
}`;

const FUNCTIONS = ['AVG', 'MIN', 'MAX', 'SUM', 'COUNT', 'FIRST', 'LAST', 'STDDEV'];
const ALL_FUNCTIONS = [...FUNCTIONS, 'TIME_WEIGHTED_AVG', 'INTEGRAL', 'BAD_COUNT'];
const FIELD: Record<string, keyof ExpectedBucket> = {
  AVG: 'avg',
  MIN: 'min',
  MAX: 'max',
  SUM: 'sum',
  COUNT: 'count',
  FIRST: 'first',
  LAST: 'last',
  STDDEV: 'stddev',
  TIME_WEIGHTED_AVG: 'timeWeightedAvg',
  INTEGRAL: 'integral',
  BAD_COUNT: 'badCount',
};

let database: TestDatabase;
let plant: AnalyticsPlant;
const paths: { name: string; client: SubgraphClient }[] = [];
const iso = (ms: number) => new Date(ms).toISOString();

beforeAll(async () => {
  database = await openTestDatabase();
  plant = await seedAnalyticsPlant(database.sql);
  const schema = await timeseriesSubgraph.buildSchema();
  const native = database.capabilities.timescaleVersion ? 'timescale' : 'plain';
  paths.push({ name: native, client: await SubgraphClient.start(schema, database.services) });
  if (native === 'timescale') {
    const capabilities = { ...database.capabilities, timescaleVersion: null };
    const services = { ...database.services, capabilities };
    paths.push({ name: 'plain', client: await SubgraphClient.start(schema, services) });
  }
});

afterAll(async () => {
  for (const path of paths) await path.client.stop();
  await database?.close();
});

async function frame(client: SubgraphClient, variables: FrameVariables): Promise<Frame> {
  const result = await client.execute<{ timeseriesFrame: Frame }>(FRAME, { ...variables });
  expect(result.errors).toBeUndefined();
  return JSON.parse(JSON.stringify(result.data!.timeseriesFrame));
}

/** Every page of a frame, joined: timestamps and each column's values concatenated. */
async function allPages(client: SubgraphClient, variables: FrameVariables) {
  const pages: Frame[] = [];
  let after: string | null = null;
  do {
    const page = await frame(client, { ...variables, after });
    pages.push(page);
    after = page.pageInfo.endCursor;
    expect(after !== null).toBe(page.pageInfo.hasNextPage);
  } while (after);
  return {
    pages,
    timestamps: pages.flatMap((page) => page.timestamps),
    columns: pages[0]!.columns.map((column, index) => ({
      ...column,
      values: pages.flatMap((page) => page.columns[index]!.values),
    })),
  };
}

function expectColumns(
  result: { timestamps: string[]; columns: Column[] },
  tags: TagKey[],
  functions: string[],
  fill: Fill,
  label: string,
) {
  const options = {
    ...SPRING,
    interval: { count: 1, unit: 'day' as const },
    timeZone: 'Europe/Berlin',
    fill,
    includeBadQuality: false,
  };
  const expected = tags.map((tag) => expectedBuckets(plant.samples[tag], options));
  // NONE keeps a row when any tag has samples in it.
  const starts = [...new Set(expected.flat().map((bucket) => bucket.start))].sort((a, b) => a - b);
  expect(result.timestamps, label).toEqual(starts.map(iso));
  expect(
    result.columns.map((column) => [column.tagId, column.function]),
    label,
  ).toEqual(tags.flatMap((tag) => functions.map((fn) => [plant.tags[tag], fn])));
  result.columns.forEach((column, index) => {
    const tag = tags[Math.floor(index / functions.length)]!;
    const buckets = expectedBuckets(plant.samples[tag], {
      ...options,
      fill: fill === 'NONE' ? 'NULL' : fill,
    });
    column.values.forEach((value, row) => {
      const bucket = buckets.find((candidate) => iso(candidate.start) === result.timestamps[row])!;
      const want = bucket[FIELD[column.function]!] as number | null;
      expect(
        matches(value, want),
        `${label} ${tag} ${column.function} ${result.timestamps[row]}: ${value} vs ${want}`,
      ).toBe(true);
    });
  });
}

const spring = {
  from: iso(SPRING.from),
  to: iso(SPRING.to),
  interval: '1 day',
  timezone: 'Europe/Berlin',
};

describe('timeseriesFrame', () => {
  it('lays out every tag and function as columns on one grid, matching the reference', async () => {
    const tags: TagKey[] = ['flow1', 'level', 'spare'];
    for (const path of paths) {
      const result = await frame(path.client, {
        ...spring,
        tagIds: tags.map((tag) => plant.tags[tag]),
        functions: ALL_FUNCTIONS,
        fill: 'NULL',
      });
      expect(result.pageInfo).toEqual({ hasNextPage: false, endCursor: null });
      expect(result.columns[0]).toMatchObject({
        tagName: 'Flow',
        assetPath: 'Acme/Line 1/Press 1',
      });
      expectColumns(result, tags, ALL_FUNCTIONS, 'NULL', path.name);
    }
  });

  it('pages through the buckets; joined pages equal the reference, fills reaching across pages', async () => {
    const tags: TagKey[] = ['flow1', 'flow2', 'level'];
    // Without time-weighted functions TimescaleDB reads the hourly rollup, neighbours included.
    for (const functions of [ALL_FUNCTIONS, [...FUNCTIONS, 'BAD_COUNT']]) {
      for (const path of paths) {
        for (const fill of ['PREVIOUS', 'LINEAR', 'NONE'] as const) {
          const label = `${path.name} ${fill} ${functions.length} functions`;
          const read: string[] = [];
          const stop = database.sql.observe((statement) => read.push(statement));
          const joined = await allPages(path.client, {
            ...spring,
            tagIds: tags.map((tag) => plant.tags[tag]),
            functions,
            fill,
            first: 2,
          }).finally(stop);
          expect(joined.pages.length, label).toBe(4);
          const rollup = path.name === 'timescale' && functions !== ALL_FUNCTIONS;
          expect(
            read.some((statement) => statement.includes('datapoint_1h')),
            label,
          ).toBe(rollup);
          expectColumns(joined, tags, functions, fill, label);
        }
      }
    }
  });

  it('finds the tags under an asset by name, in asset-path order', async () => {
    const result = await frame(paths[0]!.client, {
      ...spring,
      under: plant.assets.line,
      tagName: 'Flow',
      functions: ['AVG'],
      fill: 'NONE',
    });
    expect(result.columns.map((column) => [column.assetPath, column.tagName])).toEqual([
      ['Acme/Line 1/Press 1', 'Flow'],
      ['Acme/Line 1/Press 2', 'Flow'],
    ]);
    expectColumns(result, ['flow1', 'flow2'], ['AVG'], 'NONE', 'under');
    const none = await frame(paths[0]!.client, {
      ...spring,
      under: plant.assets.line,
      tagName: 'Vibration',
      functions: ['AVG'],
      fill: 'NULL',
    });
    expect(none).toEqual({
      timestamps: [],
      columns: [],
      pageInfo: { hasNextPage: false, endCursor: null },
    });
  });

  it("keeps to the caller's sites: other sites' tags are left out under an asset, FORBIDDEN by id", async () => {
    const press1Only: Identity = {
      subject: 'viewer',
      role: 'viewer',
      sites: [plant.assets.press1],
    };
    const client = paths[0]!.client;
    const scoped = await client.execute<{ timeseriesFrame: Frame }>(
      FRAME,
      { ...spring, under: plant.assets.line, tagName: 'Flow', functions: ['AVG'], fill: 'NONE' },
      press1Only,
    );
    expect(scoped.errors).toBeUndefined();
    expect(scoped.data!.timeseriesFrame.columns.map((column) => column.assetPath)).toEqual([
      'Acme/Line 1/Press 1',
    ]);
    const listed = await client.execute(
      FRAME,
      { ...spring, tagIds: [plant.tags.flow1, plant.tags.flow2], functions: ['AVG'], fill: 'NONE' },
      press1Only,
    );
    expect(listed.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', argument: 'tagIds' });
    // Tag.aggregate goes through the Tag entity, which resolves to null outside the sites.
    const entities = await client.execute<{ _entities: ({ id: string } | null)[] }>(
      `query ($representations: [_Any!]!) { _entities(representations: $representations) {
         ... on Tag { id aggregate(from: "${spring.from}", to: "${spring.to}", interval: "1 day",
                                   functions: [AVG]) { avg } } } }`,
      {
        representations: [plant.tags.flow1, plant.tags.flow2].map((id) => ({
          __typename: 'Tag',
          id,
        })),
      },
      press1Only,
    );
    expect(entities.data!._entities.map((tag) => tag?.id ?? null)).toEqual([
      plant.tags.flow1,
      null,
    ]);
  });

  it(`keeps a page within ${MAX_FRAME_POINTS} points and continues with the cursor`, async () => {
    const variables = {
      from: iso(SPRING.from),
      to: iso(SPRING.from + 7 * 86_400_000),
      interval: '1 minute',
      timezone: 'UTC',
      tagIds: [plant.tags.flow1, plant.tags.flow2],
      functions: ALL_FUNCTIONS,
      fill: 'NULL' as const,
    };
    const rows = Math.floor(MAX_FRAME_POINTS / 22);
    const joined = await allPages(paths[0]!.client, variables);
    expect(joined.pages.map((page) => page.timestamps.length)).toEqual([
      rows,
      rows,
      10_080 - 2 * rows,
    ]);
    expect(new Set(joined.timestamps).size).toBe(10_080);
    expect(joined.timestamps[0]).toBe(variables.from);
    expect(joined.timestamps.at(-1)).toBe(iso(SPRING.from + 7 * 86_400_000 - 60_000));
  });

  it('rejects unusable arguments with BAD_USER_INPUT naming the argument and the limit', async () => {
    const base: FrameVariables = {
      ...spring,
      tagIds: [plant.tags.flow1],
      functions: ['AVG', 'MAX'],
      fill: 'NULL',
    };
    const first = await frame(paths[0]!.client, { ...base, first: 1 });
    const failures: [Partial<FrameVariables>, string, RegExp][] = [
      [
        { first: 50_001 },
        'first',
        /at most 100000 points \(rows × columns\); with 2 columns that is 1 to 50000 rows/,
      ],
      [{ interval: '10 milliseconds' }, 'interval', /the limit is 1000000/],
      [{ timezone: 'Mars/Olympus' }, 'timezone', /not a known IANA time zone/],
      [{ from: spring.to, to: spring.from }, 'from', /must not be later than "to"/],
      [{ under: plant.assets.line }, 'tagIds', /either tagIds or under/],
      [{ tagIds: undefined }, 'tagIds', /either tagIds or under/],
      [{ tagName: 'Flow' }, 'tagName', /goes with under/],
      [{ after: 'garbage' }, 'after', /not a valid cursor/],
      [
        { after: first.pageInfo.endCursor, functions: ['AVG'] },
        'after',
        /belongs to a frame with other arguments/,
      ],
    ];
    for (const [change, argument, message] of failures) {
      const result = await paths[0]!.client.execute(FRAME, { ...base, ...change });
      const [error] = result.errors ?? [];
      expect(error?.extensions, JSON.stringify(change)).toMatchObject({
        code: 'BAD_USER_INPUT',
        argument,
      });
      expect(error?.message).toMatch(message);
    }
    const unknown = await paths[0]!.client.execute(FRAME, {
      ...base,
      tagIds: ['00000000-0000-4000-8000-000000000000'],
    });
    expect(unknown.errors?.[0]?.extensions).toMatchObject({
      code: 'NOT_FOUND',
      argument: 'tagIds',
    });
  });
});

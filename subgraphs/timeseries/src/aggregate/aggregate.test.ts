import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, SubgraphClient, type TestDatabase } from '@plantgraph/testing';
import { timeseriesSubgraph } from '../subgraph.ts';
import {
  AUTUMN,
  HOUR,
  seedAnalyticsPlant,
  SPRING,
  type AnalyticsPlant,
  type TagKey,
} from '../testing/analytics-fixture.ts';
import {
  expectedBuckets,
  type ExpectedBucket,
  type ExpectedOptions,
} from './expected-aggregates.ts';
import type { GraphContext } from '@plantgraph/graph';
import { dialectOf, MAX_AGGREGATE_BUCKETS } from './aggregate.service.ts';

/**
 * Every answer is checked against `expectedBuckets`, the definition in TypeScript. On the
 * embedded backend the same operations run twice, on the TimescaleDB statements (with rollups
 * where they apply) and on the plain-PostgreSQL ones; on TEST_DATABASE_URL's server, on
 * whatever it offers. Both answering the same reference is what "identical" means here.
 */

interface Path {
  name: string;
  client: SubgraphClient;
}

interface ApiBucket {
  start: string;
  end: string;
  count: number;
  badCount: number;
  avg: number | null;
  min: number | null;
  max: number | null;
  sum: number | null;
  first: number | null;
  last: number | null;
  stddev: number | null;
  timeWeightedAvg: number | null;
  integral: number | null;
}

const ALL_FUNCTIONS = [
  'AVG',
  'MIN',
  'MAX',
  'SUM',
  'COUNT',
  'FIRST',
  'LAST',
  'STDDEV',
  'TIME_WEIGHTED_AVG',
  'INTEGRAL',
  'BAD_COUNT',
];
const ROLLUP_FUNCTIONS = ALL_FUNCTIONS.filter(
  (fn) => !['TIME_WEIGHTED_AVG', 'INTEGRAL'].includes(fn),
);
const VALUES = ['avg', 'min', 'max', 'sum', 'first', 'last', 'stddev'] as const;
const STEPS = ['timeWeightedAvg', 'integral'] as const;
const FILLS = ['NONE', 'NULL', 'PREVIOUS', 'LINEAR'] as const;
const TAGS: TagKey[] = ['flow1', 'flow2', 'level', 'spare'];

let database: TestDatabase;
let plant: AnalyticsPlant;
const paths: Path[] = [];
/** The same database reported as TimescaleDB's Apache edition (TimescaleDB only). */
let apache: SubgraphClient | undefined;

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
    const apacheCapabilities = {
      ...database.capabilities,
      timescaleLicense: 'apache' as const,
      tslFeatures: false,
    };
    apache = await SubgraphClient.start(schema, {
      ...database.services,
      capabilities: apacheCapabilities,
    });
  }
});

afterAll(async () => {
  await apache?.stop();
  for (const path of paths) await path.client.stop();
  await database?.close();
});

interface AggregateVariables {
  from: string;
  to: string;
  interval: string;
  functions: string[];
  fill: string;
  timezone: string;
  includeBadQuality: boolean;
}

const AGGREGATE = `query Aggregate($representations: [_Any!]!, $from: DateTime!, $to: DateTime!,
    $interval: String!, $functions: [AggregateFunction!]!, $fill: GapFill!, $timezone: String!,
    $includeBadQuality: Boolean!) {
  _entities(representations: $representations) {
    ... on Tag {
      aggregate(from: $from, to: $to, interval: $interval, functions: $functions, fill: $fill,
                timezone: $timezone, includeBadQuality: $includeBadQuality) {
        start end count badCount avg min max sum first last stddev timeWeightedAvg integral
      }
    }
  }
}`;

/** Tag.aggregate of several tags in one operation, as the gateway would send it. */
async function aggregate(
  client: SubgraphClient,
  tags: readonly TagKey[],
  variables: AggregateVariables,
): Promise<ApiBucket[][]> {
  const representations = tags.map((tag) => ({ __typename: 'Tag', id: plant.tags[tag] }));
  const result = await client.execute<{ _entities: { aggregate: ApiBucket[] }[] }>(AGGREGATE, {
    representations,
    ...variables,
  });
  expect(result.errors).toBeUndefined();
  return JSON.parse(JSON.stringify(result.data!._entities)).map(
    (entity: { aggregate: ApiBucket[] }) => entity.aggregate,
  );
}

const iso = (ms: number) => new Date(ms).toISOString();

function expectClose(actual: number | null, expected: number | null, label: string): void {
  if (expected === null) {
    expect(actual, label).toBeNull();
    return;
  }
  expect(actual, label).not.toBeNull();
  expect(Math.abs(actual! - expected), `${label}: ${actual} vs ${expected}`).toBeLessThanOrEqual(
    1e-9 * Math.max(1, Math.abs(expected)),
  );
}

function expectBuckets(
  actual: ApiBucket[],
  expected: ExpectedBucket[],
  label: string,
  functions = ALL_FUNCTIONS,
): void {
  expect(
    actual.map((bucket) => [bucket.start, bucket.end]),
    label,
  ).toEqual(expected.map((bucket) => [iso(bucket.start), iso(bucket.end)]));
  actual.forEach((bucket, index) => {
    const want = expected[index]!;
    const at = `${label} @${bucket.start}`;
    expect([bucket.count, bucket.badCount], at).toEqual([want.count, want.badCount]);
    for (const key of VALUES) {
      const requested = functions.includes(key.toUpperCase());
      expectClose(bucket[key], requested ? want[key] : null, `${at} ${key}`);
    }
    const steps = functions.includes('TIME_WEIGHTED_AVG');
    for (const key of STEPS) expectClose(bucket[key], steps ? want[key] : null, `${at} ${key}`);
  });
}

interface Case {
  from: number;
  to: number;
  interval: string;
  unit: ExpectedOptions['interval'];
  timezone: string;
  fill: (typeof FILLS)[number];
  includeBadQuality: boolean;
  functions?: string[];
}

function optionsOf(test: Case): ExpectedOptions {
  return {
    from: test.from,
    to: test.to,
    interval: test.unit,
    timeZone: test.timezone,
    fill: test.fill,
    includeBadQuality: test.includeBadQuality,
  };
}

function variablesOf(test: Case): AggregateVariables {
  return {
    from: iso(test.from),
    to: iso(test.to),
    interval: test.interval,
    functions: test.functions ?? ALL_FUNCTIONS,
    fill: test.fill,
    timezone: test.timezone,
    includeBadQuality: test.includeBadQuality,
  };
}

/** Runs a case for every tag on every path and holds each answer to the reference. */
async function check(test: Case): Promise<void> {
  const variables = variablesOf(test);
  for (const path of paths) {
    const answers = await aggregate(path.client, TAGS, variables);
    TAGS.forEach((tag, index) => {
      const label = `${path.name} ${tag} ${test.interval} ${test.timezone} ${test.fill} bad=${test.includeBadQuality}`;
      const expected = expectedBuckets(plant.samples[tag], optionsOf(test));
      expectBuckets(answers[index]!, expected, label, variables.functions);
    });
  }
}

const ONE_DAY = { count: 1, unit: 'day' } as const;

describe('Tag.aggregate', () => {
  it('cuts 1-day buckets at local midnight: 23 hours on 29 March, 25 hours on 25 October', async () => {
    for (const path of paths) {
      const [spring] = await aggregate(path.client, ['flow1'], {
        from: iso(SPRING.from),
        to: iso(SPRING.to),
        interval: '1 day',
        functions: ['COUNT'],
        fill: 'NULL',
        timezone: 'Europe/Berlin',
        includeBadQuality: false,
      });
      const lengths = spring!.map((b) => (Date.parse(b.end) - Date.parse(b.start)) / HOUR);
      expect(lengths, path.name).toEqual([24, 24, 23, 24, 24, 24, 24]);
      expect(spring![2]!.start, path.name).toBe('2026-03-28T23:00:00.000Z');
      expect(spring![3]!.start, path.name).toBe('2026-03-29T22:00:00.000Z');

      const [autumn] = await aggregate(path.client, ['flow1'], {
        from: iso(AUTUMN.from),
        to: iso(AUTUMN.to),
        interval: '1 day',
        functions: ['COUNT'],
        fill: 'NULL',
        timezone: 'Europe/Berlin',
        includeBadQuality: false,
      });
      const autumnLengths = autumn!.map((b) => (Date.parse(b.end) - Date.parse(b.start)) / HOUR);
      expect(autumnLengths, path.name).toEqual([24, 24, 25, 24, 24, 24]);
      expect(autumn![2]!.start, path.name).toBe('2026-10-24T22:00:00.000Z');
    }
  });

  it('weighs the value carried in from before the window; a BAD sample makes time unknown', async () => {
    for (const path of paths) {
      const [level] = await aggregate(path.client, ['level'], {
        from: iso(SPRING.from),
        to: iso(SPRING.to),
        interval: '1 day',
        functions: ['AVG', 'TIME_WEIGHTED_AVG', 'INTEGRAL'],
        fill: 'NULL',
        timezone: 'Europe/Berlin',
        includeBadQuality: false,
      });
      // 27 and 28 March hold no sample: the 4 from 20 March holds all day.
      expect(level!.slice(0, 2).map((b) => [b.avg, b.timeWeightedAvg, b.integral])).toEqual([
        [null, 4, 4 * 86_400],
        [null, 4, 4 * 86_400],
      ]);
      // 29 March (23 h from 23:00 UTC): 4 for 1.5 h, unknown for 1 h after the BAD sample,
      // then 6 for 20.5 h.
      const day = level![2]!;
      expect(day.avg).toBe(6);
      expectClose(day.integral, (4 * 1.5 + 6 * 20.5) * 3600, path.name);
      expectClose(day.timeWeightedAvg, (4 * 1.5 + 6 * 20.5) / 22, path.name);
      // With BAD samples included the 8 counts for that hour.
      const [included] = await aggregate(path.client, ['level'], {
        from: '2026-03-28T23:00:00.000Z',
        to: '2026-03-29T22:00:00.000Z',
        interval: '1 day',
        functions: ['TIME_WEIGHTED_AVG'],
        fill: 'NONE',
        timezone: 'Europe/Berlin',
        includeBadQuality: true,
      });
      expectClose(included![0]!.timeWeightedAvg, (4 * 1.5 + 8 + 6 * 20.5) / 23, path.name);
    }
  });

  for (const [season, window] of Object.entries({ spring: SPRING, autumn: AUTUMN })) {
    it(`matches the reference for every function, fill and quality option: 1-day buckets, ${season}`, async () => {
      for (const fill of FILLS) {
        for (const includeBadQuality of [false, true]) {
          await check({
            ...window,
            interval: '1 day',
            unit: ONE_DAY,
            timezone: 'Europe/Berlin',
            fill,
            includeBadQuality,
          });
        }
      }
    });
  }

  it('matches the reference for fixed and calendar intervals and windows off the bucket grid', async () => {
    const cases: Case[] = [
      {
        from: Date.parse('2026-03-28T20:00:00Z'),
        to: Date.parse('2026-03-29T06:00:00Z'),
        interval: '1 hour',
        unit: { count: 1, unit: 'hour' },
        timezone: 'Europe/Berlin',
        fill: 'LINEAR',
        includeBadQuality: false,
      },
      {
        from: Date.parse('2026-03-27T05:17:23.456Z'),
        to: Date.parse('2026-03-27T19:02:00Z'),
        interval: '15 minutes',
        unit: { count: 15, unit: 'minute' },
        timezone: 'UTC',
        fill: 'PREVIOUS',
        includeBadQuality: true,
      },
      {
        from: Date.parse('2026-10-24T21:00:00Z'),
        to: Date.parse('2026-10-25T05:00:00Z'),
        interval: '7 minutes',
        unit: { count: 7, unit: 'minute' },
        timezone: 'UTC',
        fill: 'NULL',
        includeBadQuality: false,
      },
      {
        from: Date.parse('2026-03-01T00:00:00Z'),
        to: Date.parse('2026-04-30T00:00:00Z'),
        interval: '1 week',
        unit: { count: 1, unit: 'week' },
        timezone: 'Europe/Berlin',
        fill: 'LINEAR',
        includeBadQuality: false,
      },
      {
        from: Date.parse('2026-01-10T00:00:00Z'),
        to: Date.parse('2026-11-01T00:00:00Z'),
        interval: '1 month',
        unit: { count: 1, unit: 'month' },
        timezone: 'Europe/Berlin',
        fill: 'LINEAR',
        includeBadQuality: false,
      },
      {
        from: Date.parse('2026-01-01T00:00:00Z'),
        to: Date.parse('2026-11-01T00:00:00Z'),
        interval: '2 months',
        unit: { count: 2, unit: 'month' },
        timezone: 'America/New_York',
        fill: 'PREVIOUS',
        includeBadQuality: true,
      },
      {
        from: Date.parse('2026-03-25T00:00:00Z'),
        to: Date.parse('2026-04-05T00:00:00Z'),
        interval: '3 days',
        unit: { count: 3, unit: 'day' },
        timezone: 'Asia/Kolkata',
        fill: 'LINEAR',
        includeBadQuality: false,
      },
    ];
    for (const test of cases) await check(test);
  });

  it('reads the continuous aggregates when interval and window allow, before and after a refresh', async () => {
    if (paths[0]!.name !== 'timescale') return;
    const read: string[] = [];
    const stop = database.sql.observe((statement) => read.push(statement));
    const runs: [Case, string][] = [
      [
        {
          ...SPRING,
          interval: '1 day',
          unit: ONE_DAY,
          timezone: 'Europe/Berlin',
          fill: 'LINEAR',
          includeBadQuality: false,
        },
        'datapoint_1h',
      ],
      [
        {
          from: Date.parse('2026-03-28T20:00:00Z'),
          to: Date.parse('2026-03-29T06:00:00Z'),
          interval: '1 hour',
          unit: { count: 1, unit: 'hour' },
          timezone: 'UTC',
          fill: 'PREVIOUS',
          includeBadQuality: true,
        },
        'datapoint_1h',
      ],
      [
        {
          from: Date.parse('2026-10-25T00:00:00Z'),
          to: Date.parse('2026-10-25T03:00:00Z'),
          interval: '5 minutes',
          unit: { count: 5, unit: 'minute' },
          timezone: 'UTC',
          fill: 'NULL',
          includeBadQuality: false,
        },
        'datapoint_1m',
      ],
    ];
    try {
      for (const refreshed of [false, true]) {
        if (refreshed) {
          // One statement each: a script would run them in a transaction, which they refuse.
          for (const view of ['datapoint_1m', 'datapoint_1h']) {
            await database.sql.query(`call refresh_continuous_aggregate('${view}', null, null)`);
          }
          const [hourly] = await database.sql.query<{ hypertable: string }>(
            `select format('%I.%I', materialization_hypertable_schema,
                           materialization_hypertable_name) as hypertable
               from timescaledb_information.continuous_aggregates
              where view_name = 'datapoint_1h'`,
          );
          const [materialised] = await database.sql.query<{ rows: number }>(
            `select count(*) as rows from ${hourly!.hypertable}`,
          );
          expect(materialised!.rows).toBeGreaterThan(0);
        }
        for (const [test, view] of runs) {
          read.length = 0;
          await check({ ...test, functions: ROLLUP_FUNCTIONS });
          expect(
            read.some((statement) => statement.includes(view)),
            `${view} read`,
          ).toBe(true);
        }
      }
      // Local midnight in Kolkata is at :30 UTC, inside an hour of the rollup: the answer is
      // recomputed from raw samples.
      const kolkata: Case = {
        from: Date.parse('2026-03-25T00:00:00Z'),
        to: Date.parse('2026-04-05T00:00:00Z'),
        interval: '1 day',
        unit: ONE_DAY,
        timezone: 'Asia/Kolkata',
        fill: 'LINEAR',
        includeBadQuality: false,
        functions: ROLLUP_FUNCTIONS,
      };
      read.length = 0;
      const [flow] = await aggregate(paths[0]!.client, ['flow1'], variablesOf(kolkata));
      const expected = expectedBuckets(plant.samples.flow1, optionsOf(kolkata));
      expectBuckets(flow!, expected, 'Kolkata', ROLLUP_FUNCTIONS);
      const reads = read.filter((statement) => statement.includes('samples as'));
      expect(reads.map((statement) => statement.includes('datapoint_1h'))).toEqual([true, false]);
      // Time-weighted functions need every sample: the same window then reads raw samples.
      read.length = 0;
      await check({ ...runs[0]![0], functions: ['AVG', 'TIME_WEIGHTED_AVG'] });
      expect(read.some((statement) => /datapoint_1[mh]/.test(statement))).toBe(false);
    } finally {
      stop();
    }
  });

  it('reads raw samples without gap filling on the Apache edition, though rollups would answer', async () => {
    if (!apache) return;
    // The database has the rollups (the embedded TimescaleDB has the TSL features); with the
    // capabilities of the Apache edition the same requests must neither read them nor gap-fill.
    const read: string[] = [];
    const stop = database.sql.observe((statement) => read.push(statement));
    const cases: Case[] = [
      {
        ...SPRING,
        interval: '1 day',
        unit: ONE_DAY,
        timezone: 'Europe/Berlin',
        fill: 'LINEAR',
        includeBadQuality: false,
        functions: ROLLUP_FUNCTIONS,
      },
      {
        from: Date.parse('2026-10-25T00:00:00Z'),
        to: Date.parse('2026-10-25T03:00:00Z'),
        interval: '5 minutes',
        unit: { count: 5, unit: 'minute' },
        timezone: 'UTC',
        fill: 'PREVIOUS',
        includeBadQuality: true,
        functions: ROLLUP_FUNCTIONS,
      },
    ];
    try {
      for (const test of cases) {
        read.length = 0;
        await aggregate(paths[0]!.client, TAGS, variablesOf(test));
        expect(read.some((statement) => /datapoint_1[mh]/.test(statement))).toBe(true);

        read.length = 0;
        const answers = await aggregate(apache, TAGS, variablesOf(test));
        TAGS.forEach((tag, index) => {
          const expected = expectedBuckets(plant.samples[tag], optionsOf(test));
          expectBuckets(
            answers[index]!,
            expected,
            `apache ${tag} ${test.interval}`,
            test.functions,
          );
        });
        expect(read.filter((statement) => statement.includes('from datapoint'))).toHaveLength(1);
        expect(
          read.some((statement) => /datapoint_1[mh]|gapfill|locf|interpolate/.test(statement)),
        ).toBe(false);
      }
    } finally {
      stop();
    }
  });

  it('reads all tags asked with the same arguments in one statement', async () => {
    const read: string[] = [];
    const stop = database.sql.observe((statement) => read.push(statement));
    try {
      await aggregate(paths[0]!.client, TAGS, {
        from: iso(SPRING.from),
        to: iso(SPRING.to),
        interval: '6 hours',
        functions: ['AVG', 'INTEGRAL'],
        fill: 'NULL',
        timezone: 'UTC',
        includeBadQuality: false,
      });
    } finally {
      stop();
    }
    expect(read.filter((statement) => statement.includes('from datapoint'))).toHaveLength(1);
  });

  it('stops time-weighted functions at the time of the request', async () => {
    const from = Math.floor(Date.now() / HOUR) * HOUR - HOUR;
    await database.sql.query('insert into datapoint (time, tag_id, value) values ($1, $2, 10)', [
      new Date(from),
      plant.tags.spare,
    ]);
    for (const path of paths) {
      const before = Date.now();
      const [spare] = await aggregate(path.client, ['spare'], {
        from: iso(from),
        to: iso(from + 3 * HOUR),
        interval: '1 hour',
        functions: ['TIME_WEIGHTED_AVG', 'INTEGRAL'],
        fill: 'NULL',
        timezone: 'UTC',
        includeBadQuality: false,
      });
      const after = Date.now();
      expect(spare).toHaveLength(3);
      for (const bucket of spare!) {
        const start = Date.parse(bucket.start);
        const end = Date.parse(bucket.end);
        if (start >= after) {
          expect([bucket.timeWeightedAvg, bucket.integral], bucket.start).toEqual([null, null]);
          continue;
        }
        expectClose(bucket.timeWeightedAvg, 10, bucket.start);
        // The value counts up to the request, which came between `before` and `after` (give or
        // take the rounding of value × seconds).
        const upTo = (time: number) => (10 * (Math.min(end, time) - start)) / 1000;
        expect(bucket.integral).toBeGreaterThanOrEqual(upTo(before) - 1e-6);
        expect(bucket.integral).toBeLessThanOrEqual(upTo(after) + 1e-6);
      }
    }
    await database.sql.query('delete from datapoint where tag_id = $1', [plant.tags.spare]);
  });

  it('rejects unusable arguments with BAD_USER_INPUT naming the argument and the limit', async () => {
    const base: AggregateVariables = {
      from: iso(SPRING.from),
      to: iso(SPRING.to),
      interval: '1 day',
      functions: ['AVG'],
      fill: 'NONE',
      timezone: 'UTC',
      includeBadQuality: false,
    };
    const failures: [Partial<AggregateVariables>, string, RegExp][] = [
      [{ interval: '1 second' }, 'interval', new RegExp(`the limit is ${MAX_AGGREGATE_BUCKETS}`)],
      [{ interval: 'fortnightly' }, 'interval', /is not an interval/],
      [{ timezone: 'Europe/Atlantis' }, 'timezone', /not a known IANA time zone/],
      [{ from: iso(SPRING.to), to: iso(SPRING.from) }, 'from', /must not be later than "to"/],
      [{ functions: [] }, 'functions', /at least one/],
    ];
    for (const [change, argument, message] of failures) {
      const result = await paths[0]!.client.execute(AGGREGATE, {
        representations: [{ __typename: 'Tag', id: plant.tags.flow1 }],
        ...base,
        ...change,
      });
      const [error] = result.errors ?? [];
      expect(error?.extensions, JSON.stringify(change)).toMatchObject({
        code: 'BAD_USER_INPUT',
        argument,
      });
      expect(error?.message).toMatch(message);
    }
  });

  it('answers an empty window with no buckets', async () => {
    const [flow] = await aggregate(paths[0]!.client, ['flow1'], {
      from: iso(SPRING.from),
      to: iso(SPRING.from),
      interval: '1 day',
      functions: ['AVG'],
      fill: 'NULL',
      timezone: 'UTC',
      includeBadQuality: false,
    });
    expect(flow).toEqual([]);
  });
});

describe('dialectOf', () => {
  const dialect = (timescaleVersion: string | null, tslFeatures = true) =>
    dialectOf({ capabilities: { timescaleVersion, tslFeatures } } as unknown as GraphContext);

  it('uses the TimescaleDB statements from 2.15.1 on, whose gapfill handles DST', () => {
    expect(
      [null, '2.9.3', '2.14.2', '2.15.0', '2.15.1', '2.23.0-dev', '3.0.0'].map((version) =>
        dialect(version),
      ),
    ).toEqual(['plain', 'plain', 'plain', 'plain', 'timescale', 'timescale', 'timescale']);
  });

  it('uses the plain statements on the Apache edition, which has no gap filling', () => {
    expect(['2.15.1', '2.23.0-dev'].map((version) => dialect(version, false))).toEqual([
      'plain',
      'plain',
    ]);
  });
});

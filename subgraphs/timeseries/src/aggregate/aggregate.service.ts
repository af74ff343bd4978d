import {
  BadUserInputError,
  checkBucketCount,
  checkTimeWindow,
  groupBy,
  parseInterval,
  requireTimeZone,
  type GraphContext,
} from '@plantgraph/graph';
import type { Sql } from '@plantgraph/db';
import { tagBatchLoader } from '../tag/tag-batch.ts';
import type { AggregateArgs } from './aggregate.args.ts';
import {
  aggregateStatement,
  ROLLUP_FUNCTIONS,
  ROLLUPS,
  type AggregateRequest,
  type Page,
  type Rollup,
  type SqlDialect,
  type Statement,
} from './aggregate.statement.ts';
import { AggregateBucket, AggregateFunction, GapFill, type BucketRow } from './aggregate.type.ts';

/** Most buckets one `Tag.aggregate` returns; `timeseriesFrame` pages instead. */
export const MAX_AGGREGATE_BUCKETS = 10_000;

/** The time of the request, the same for every field of it (time-weighted functions stop there). */
const requestTimes = new WeakMap<GraphContext, Date>();
export function requestTime(context: GraphContext): Date {
  let time = requestTimes.get(context);
  if (!time) {
    time = new Date();
    requestTimes.set(context, time);
  }
  return time;
}

/** Checks aggregate arguments into a request; BAD_USER_INPUT naming the argument otherwise. */
export function aggregateRequest(
  args: AggregateArgs,
  now: Date,
  maxBuckets = MAX_AGGREGATE_BUCKETS,
): AggregateRequest {
  checkTimeWindow(args.from, args.to);
  const interval = parseInterval(args.interval);
  const timeZone = requireTimeZone(args.timezone);
  checkBucketCount(args.from, args.to, interval, maxBuckets);
  if (args.functions.length === 0) {
    throw new BadUserInputError('functions', 'name at least one function, e.g. [AVG]');
  }
  const effectiveEnd = Math.min(args.to.getTime(), now.getTime());
  return {
    from: args.from.toISOString(),
    to: args.to.toISOString(),
    effectiveEnd: new Date(Math.max(effectiveEnd, args.from.getTime())).toISOString(),
    interval,
    timeZone,
    functions: [...new Set(args.functions)],
    fill: args.fill,
    includeBadQuality: args.includeBadQuality,
  };
}

/**
 * The oldest TimescaleDB whose `time_bucket_gapfill` with a time zone handles DST changes
 * (timescale/timescaledb#6507, #6908); older ones get the plain statements, same answers.
 */
export const MIN_TIMESCALE_VERSION = [2, 15, 1] as const;

/**
 * The TimescaleDB statements need `time_bucket_gapfill`, `locf` and `interpolate`, which are
 * Timescale License features: the Apache edition gets the plain ones.
 */
export function dialectOf(context: GraphContext): SqlDialect {
  const version = context.capabilities.timescaleVersion;
  if (!version || !context.capabilities.tslFeatures) return 'plain';
  const parts = version.split(/[.-]/).map(Number);
  for (const [index, minimum] of MIN_TIMESCALE_VERSION.entries()) {
    const part = parts[index] ?? 0;
    if (part !== minimum) return part > minimum ? 'timescale' : 'plain';
  }
  return 'timescale';
}

const rollupsBySql = new WeakMap<Sql, Promise<boolean>>();

/**
 * Whether the migration made the continuous aggregates: it skips them when TimescaleDB was not
 * active at the time, and the extension may have been added later.
 */
function rollupsExist(sql: Sql): Promise<boolean> {
  let exists = rollupsBySql.get(sql);
  if (!exists) {
    exists = sql
      .query<{ exists: boolean }>(
        `select to_regclass('datapoint_1m') is not null
                and to_regclass('datapoint_1h') is not null as exists`,
      )
      .then(([row]) => row?.exists === true);
    rollupsBySql.set(sql, exists);
  }
  return exists;
}

/**
 * The coarsest rollup that answers the page exactly: only statistics it keeps, window and page
 * edges on its grain, and buckets made of whole grains (fixed lengths that are multiples of
 * it; calendar buckets are checked after the fact, since local midnight need not fall on a
 * whole hour).
 */
export function chooseRollup(request: AggregateRequest, page: Page): Rollup | undefined {
  if (!request.functions.every((fn) => ROLLUP_FUNCTIONS.has(fn))) return undefined;
  const edges = [request.from, request.to, page.start, page.end].map((time) => Date.parse(time));
  return ROLLUPS.find(
    (rollup) =>
      edges.every((ms) => ms % rollup.grainMs === 0) &&
      (request.interval.calendar || request.interval.approxMs % rollup.grainMs === 0),
  );
}

/** Whether every bucket edge strictly inside the page lies on the rollup's grain. */
function bucketsOnGrain(rows: readonly BucketRow[], page: Page, grainMs: number): boolean {
  const start = Date.parse(page.start);
  const end = Date.parse(page.end);
  return rows.every((row) =>
    [row.bucket_start.getTime(), row.bucket_end.getTime()].every(
      (ms) => ms <= start || ms >= end || ms % grainMs === 0,
    ),
  );
}

async function run(context: GraphContext, statement: Statement): Promise<BucketRow[]> {
  try {
    return await context.sql.query<BucketRow>(statement.text, statement.values);
  } catch (error) {
    // The database's zone list can lag behind (or run ahead of) the one Node.js knows.
    const { code, message } = error as { code?: unknown; message?: unknown };
    if (code === '22023' && typeof message === 'string' && message.includes('time zone')) {
      throw new BadUserInputError('timezone', message);
    }
    throw error;
  }
}

/**
 * The buckets of one page for each tag, in the order of `tagIds`, gaps included (`samples` 0).
 * TimescaleDB reads a rollup where one answers the page exactly, raw samples otherwise; plain
 * PostgreSQL and TimescaleDB's Apache edition (no continuous aggregates) always read raw samples.
 */
export async function aggregateRows(
  context: GraphContext,
  tagIds: readonly string[],
  request: AggregateRequest,
  page: Page,
): Promise<BucketRow[][]> {
  if (tagIds.length === 0 || page.start >= page.end) return tagIds.map(() => []);
  const dialect = dialectOf(context);
  // Continuous aggregates are a Timescale License feature: on the Apache edition nothing keeps
  // them current, even where the views exist (a database moved over from the full edition).
  const rollup =
    context.capabilities.tslFeatures && dialect === 'timescale' && (await rollupsExist(context.sql))
      ? chooseRollup(request, page)
      : undefined;
  let rows = await run(context, aggregateStatement(tagIds, request, page, { dialect, rollup }));
  if (rollup && !bucketsOnGrain(rows, page, rollup.grainMs)) {
    rows = await run(context, aggregateStatement(tagIds, request, page, { dialect }));
  }
  return groupBy(
    tagIds.map((_, index) => index + 1),
    rows,
    (row) => Number(row.tag_index),
  );
}

/** Drops gaps for fill NONE: buckets without any sample, counted or not. */
export function withoutGaps<T extends { samples: number }>(rows: readonly T[], fill: GapFill): T[] {
  return fill === GapFill.NONE ? rows.filter((row) => row.samples > 0) : [...rows];
}

/** The result column of each function. */
export const FUNCTION_COLUMN: Record<AggregateFunction, keyof BucketRow> = {
  AVG: 'avg',
  MIN: 'min',
  MAX: 'max',
  SUM: 'sum',
  COUNT: 'count',
  FIRST: 'first',
  LAST: 'last',
  STDDEV: 'stddev',
  TIME_WEIGHTED_AVG: 'time_weighted_avg',
  INTEGRAL: 'integral',
  BAD_COUNT: 'bad_count',
};

/** `Tag.aggregate` for many tags: one statement per distinct set of arguments. */
export const aggregateOf = (context: GraphContext) =>
  tagBatchLoader(async (tagIds, request: AggregateRequest) => {
    const page = { start: request.from, end: request.to };
    const rows = await aggregateRows(context, tagIds, request, page);
    return rows.map((tagRows) => withoutGaps(tagRows, request.fill).map(AggregateBucket.fromRow));
  });

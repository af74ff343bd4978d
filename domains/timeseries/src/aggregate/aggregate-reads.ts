import type { Sql, StorageCapabilities } from '@plantgraph/db';
import { BadUserInputError } from '@plantgraph/errors';
import { rowsByOrdinal } from '../batches.ts';
import {
  aggregateStatement,
  pageEndStatement,
  ROLLUP_FUNCTIONS,
  ROLLUPS,
  type Rollup,
  type Statement,
} from './aggregate-statement.ts';
import type { AggregateRequest, BucketRow, Page, SqlDialect } from './aggregate-request.ts';

/** What the aggregate reads need to know of the database they run on. */
export type AggregateCapabilities = Pick<StorageCapabilities, 'timescaleVersion' | 'tslFeatures'>;

/**
 * The oldest TimescaleDB whose `time_bucket_gapfill` with a time zone handles DST changes
 * (timescale/timescaledb#6507, #6908); older ones get the plain statements, same answers.
 */
export const MIN_TIMESCALE_VERSION = [2, 15, 1] as const;

/**
 * The TimescaleDB statements need `time_bucket_gapfill`, `locf` and `interpolate`, which are
 * Timescale License features: the Apache edition gets the plain ones.
 */
export function dialectFor(capabilities: AggregateCapabilities): SqlDialect {
  const version = capabilities.timescaleVersion;
  if (!version || !capabilities.tslFeatures) return 'plain';
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

async function run<R extends object>(sql: Sql, statement: Statement): Promise<R[]> {
  try {
    return await sql.query<R>(statement.text, statement.values);
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
 * BAD_USER_INPUT naming `timezone` for a zone the database does not know.
 */
export async function aggregateRows(
  sql: Sql,
  capabilities: AggregateCapabilities,
  tagIds: readonly string[],
  request: AggregateRequest,
  page: Page,
): Promise<BucketRow[][]> {
  if (tagIds.length === 0 || page.start >= page.end) return tagIds.map(() => []);
  const dialect = dialectFor(capabilities);
  // Continuous aggregates are a Timescale License feature: on the Apache edition nothing keeps
  // them current, even where the views exist (a database moved over from the full edition).
  const rollup =
    capabilities.tslFeatures && dialect === 'timescale' && (await rollupsExist(sql))
      ? chooseRollup(request, page)
      : undefined;
  let rows = await run<BucketRow>(
    sql,
    aggregateStatement(tagIds, request, page, { dialect, rollup }),
  );
  if (rollup && !bucketsOnGrain(rows, page, rollup.grainMs)) {
    rows = await run<BucketRow>(sql, aggregateStatement(tagIds, request, page, { dialect }));
  }
  return rowsByOrdinal(tagIds.length, rows, (row) => Number(row.tag_index));
}

/** Where a page of buckets starts and ends (see `pageBounds`). */
export interface PageBounds {
  /** The start of the bucket holding the page's start. */
  bucketStart: Date;
  /** The start of the bucket `buckets` after it. */
  pageEnd: Date;
}

/** The bucket holding `pageStart` and the end of a page of `buckets` buckets from it. */
export async function pageBounds(
  sql: Sql,
  capabilities: AggregateCapabilities,
  request: AggregateRequest,
  pageStart: string,
  buckets: number,
): Promise<PageBounds> {
  const statement = pageEndStatement(request, dialectFor(capabilities), pageStart, buckets);
  const [bounds] = await sql.query<{ bucket_start: Date; page_end: Date }>(
    statement.text,
    statement.values,
  );
  if (!bounds) throw new Error('The page bounds statement returned no row');
  return { bucketStart: bounds.bucket_start, pageEnd: bounds.page_end };
}

import { BadUserInputError, checkTimeWindow, type GraphContext } from '@plantgraph/graph';
import {
  aggregateRows,
  checkBucketCount,
  dialectFor,
  parseInterval,
  requireTimeZone,
  withoutGaps,
  type AggregateRequest,
  type SqlDialect,
} from '@plantgraph/timeseries-domain';
import { tagBatchLoader } from '../tag/tag-batch.ts';
import type { AggregateArgs } from './aggregate.args.ts';
import { AggregateBucket } from './aggregate.type.ts';

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

/** The statements' dialect for the database behind this request (see `dialectFor`). */
export function dialectOf(context: GraphContext): SqlDialect {
  return dialectFor(context.capabilities);
}

/** `Tag.aggregate` for many tags: one statement per distinct set of arguments. */
export const aggregateOf = (context: GraphContext) =>
  tagBatchLoader(async (tagIds, request: AggregateRequest) => {
    const page = { start: request.from, end: request.to };
    const rows = await aggregateRows(context.sql, context.capabilities, tagIds, request, page);
    return rows.map((tagRows) => withoutGaps(tagRows, request.fill).map(AggregateBucket.fromRow));
  });

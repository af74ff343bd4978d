import type { BucketInterval } from './intervals.ts';
/** What `Tag.aggregate` and `timeseriesFrame` compute per time bucket. */
export enum AggregateFunction {
  AVG = 'AVG',
  MIN = 'MIN',
  MAX = 'MAX',
  SUM = 'SUM',
  COUNT = 'COUNT',
  FIRST = 'FIRST',
  LAST = 'LAST',
  STDDEV = 'STDDEV',
  TIME_WEIGHTED_AVG = 'TIME_WEIGHTED_AVG',
  INTEGRAL = 'INTEGRAL',
  BAD_COUNT = 'BAD_COUNT',
}

/** How buckets without samples appear. */
export enum GapFill {
  NONE = 'NONE',
  NULL = 'NULL',
  PREVIOUS = 'PREVIOUS',
  LINEAR = 'LINEAR',
}

export type { BucketInterval, IntervalUnit } from './intervals.ts';

export type SqlDialect = 'timescale' | 'plain';

/** A validated aggregate request; plain data, so it can key a DataLoader. */
export interface AggregateRequest {
  /** Window [from, to), ISO instants. */
  from: string;
  to: string;
  /** Where time-weighted functions stop: `to`, or the request time if that is earlier. */
  effectiveEnd: string;
  interval: BucketInterval;
  timeZone: string;
  /** Requested functions, without duplicates. */
  functions: AggregateFunction[];
  fill: GapFill;
  includeBadQuality: boolean;
}

/**
 * The buckets one statement returns: those starting in [start, end). `start` is the window's
 * `from` or a bucket boundary, `end` a bucket boundary or the window's `to`.
 */
export interface Page {
  start: string;
  end: string;
}

/** The row one bucket of one tag comes back as from the aggregate statements. */
export interface BucketRow {
  tag_index: number;
  bucket_start: Date;
  bucket_end: Date;
  /** Every sample in the bucket, counted or not: 0 marks a gap. */
  samples: number;
  count: number;
  bad_count: number;
  avg?: number | null;
  min?: number | null;
  max?: number | null;
  sum?: number | null;
  first?: number | null;
  last?: number | null;
  stddev?: number | null;
  time_weighted_avg?: number | null;
  integral?: number | null;
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

/** Drops gaps for fill NONE: buckets without any sample, counted or not. */
export function withoutGaps<T extends { samples: number }>(rows: readonly T[], fill: GapFill): T[] {
  return fill === GapFill.NONE ? rows.filter((row) => row.samples > 0) : [...rows];
}

import { microsOf } from '@plantgraph/db';
import {
  AggregateFunction,
  GapFill,
  type AggregateRequest,
  type BucketInterval,
  type Page,
  type SqlDialect,
} from './aggregate-request.ts';

/**
 * SQL for bucketed aggregates of tags, in two dialects that must agree to the last bucket:
 *
 * - `timescale`: `time_bucket` (with the time zone for calendar buckets) buckets the samples,
 *   `time_bucket_gapfill` adds the empty buckets, `locf`/`interpolate` fill them, `first`/`last`
 *   pick values; optionally reading a continuous aggregate (rollup) instead of raw samples.
 * - `plain`: `date_bin` on local time (months by arithmetic) buckets the samples,
 *   `generate_series` makes the grid, window functions fill it.
 *
 * Both read each tag's samples through a LATERAL subquery, one range of the (tag_id, time) index
 * in time order, then aggregate all tags together. Gap filling runs once, grouped by tag: inside
 * a LATERAL subquery TimescaleDB before 2.26 skips the gaps of every tag after the first
 * (timescale/timescaledb#4693).
 */

/** A continuous aggregate of datapoint made by migration 20261122030000_rollups. */
export interface Rollup {
  view: 'datapoint_1m' | 'datapoint_1h';
  grainMs: number;
}

export const ROLLUPS: readonly Rollup[] = [
  { view: 'datapoint_1h', grainMs: 3_600_000 },
  { view: 'datapoint_1m', grainMs: 60_000 },
];

/** Functions a rollup can answer; time-weighted ones need every sample's successor. */
export const ROLLUP_FUNCTIONS: ReadonlySet<AggregateFunction> = new Set([
  AggregateFunction.AVG,
  AggregateFunction.MIN,
  AggregateFunction.MAX,
  AggregateFunction.SUM,
  AggregateFunction.COUNT,
  AggregateFunction.FIRST,
  AggregateFunction.LAST,
  AggregateFunction.STDDEV,
  AggregateFunction.BAD_COUNT,
]);

/** Result columns of the statistics that gap filling applies to. */
type FillableColumn = 'avg' | 'min' | 'max' | 'sum' | 'first' | 'last' | 'stddev';

const FILLABLE: ReadonlyMap<AggregateFunction, FillableColumn> = new Map([
  [AggregateFunction.AVG, 'avg'],
  [AggregateFunction.MIN, 'min'],
  [AggregateFunction.MAX, 'max'],
  [AggregateFunction.SUM, 'sum'],
  [AggregateFunction.FIRST, 'first'],
  [AggregateFunction.LAST, 'last'],
  [AggregateFunction.STDDEV, 'stddev'],
]);

/** Columns of a bucket's time-weighted pieces (see `PageStatement.stepParts`). */
const STEP_COLUMNS = ['first_sample_time', 'last_step', 'inner_integral', 'inner_covered'];

// TimescaleDB's time_bucket origin for timestamptz, a Monday; date_bin needs it spelt out.
const FIXED_ORIGIN = "timestamptz '2000-01-03 00:00:00+00'";
const LOCAL_ORIGIN = "timestamp '2000-01-03 00:00:00'";
const MONTH_ORIGIN = "timestamp '2000-01-01 00:00:00'";

export interface Statement {
  text: string;
  values: unknown[];
}

/** Positional parameters by name, each sent once however often the text refers to it. */
class Parameters {
  readonly values: unknown[] = [];
  readonly #placeholders = new Map<string, string>();

  constructor(private readonly sources: Record<string, [value: unknown, type: string]>) {}

  get(name: string): string {
    let placeholder = this.#placeholders.get(name);
    if (!placeholder) {
      const source = this.sources[name];
      if (!source) throw new Error(`The statement has no parameter ${name}`);
      const [value, type] = source;
      this.values.push(value);
      placeholder = `$${this.values.length}::${type}`;
      this.#placeholders.set(name, placeholder);
    }
    return placeholder;
  }
}

export interface AggregateStatementOptions {
  dialect: SqlDialect;
  /** Read this continuous aggregate instead of raw samples (TimescaleDB only). */
  rollup?: Rollup | undefined;
}

/**
 * One statement for the page of `tagIds`: a row per (tag, bucket), `tag_index` numbering the
 * tags from 1 in the order given, rows in bucket order. See `BucketRow`.
 */
export function aggregateStatement(
  tagIds: readonly string[],
  request: AggregateRequest,
  page: Page,
  options: AggregateStatementOptions,
): Statement {
  const parameters = new Parameters({
    tagIds: [tagIds, 'uuid[]'],
    from: [request.from, 'timestamptz'],
    to: [request.to, 'timestamptz'],
    effectiveEnd: [request.effectiveEnd, 'timestamptz'],
    pageStart: [page.start, 'timestamptz'],
    pageEnd: [page.end, 'timestamptz'],
    interval: [request.interval.sql, 'interval'],
    timeZone: [request.timeZone, 'text'],
    includeBad: [request.includeBadQuality, 'boolean'],
  });
  const text = new PageStatement(request, page, options, (name) => parameters.get(name)).text();
  return { text, values: parameters.values };
}

/** A statement's bucket expressions in a dialect. */
export class BucketSql {
  constructor(
    private readonly interval: BucketInterval,
    private readonly dialect: SqlDialect,
    private readonly p: (name: string) => string,
  ) {}

  /** The start of the bucket holding the instant `time`. */
  of(time: string): string {
    const { calendar } = this.interval;
    if (this.dialect === 'timescale') {
      const zone = calendar ? `, ${this.p('timeZone')}` : '';
      return `time_bucket(${this.p('interval')}, ${time}${zone})`;
    }
    if (!calendar) return `date_bin(${this.p('interval')}, ${time}, ${FIXED_ORIGIN})`;
    return `(${this.localStart(time)} at time zone ${this.p('timeZone')})`;
  }

  /** The local wall-clock start (timestamp without time zone) of a calendar bucket. */
  localStart(time: string): string {
    const local = `((${time}) at time zone ${this.p('timeZone')})`;
    if (this.interval.unit !== 'month') {
      return `date_bin(${this.p('interval')}, ${local}, ${LOCAL_ORIGIN})`;
    }
    const months = `((extract(year from ${local}) - 2000) * 12 + extract(month from ${local}) - 1)`;
    const count = this.interval.count;
    return `(${MONTH_ORIGIN} + make_interval(months => (floor(${months} / ${count}) * ${count})::int))`;
  }

  /** The end of the bucket starting at `start`; calendar buckets add in local time (DST). */
  endOf(start: string, buckets = '1'): string {
    const length = buckets === '1' ? this.p('interval') : `(${buckets} * ${this.p('interval')})`;
    if (!this.interval.calendar) return `(${start} + ${length})`;
    const zone = this.p('timeZone');
    return `(((${start}) at time zone ${zone} + ${length}) at time zone ${zone})`;
  }

  /** Plain dialect: every bucket start in [bucket of pageStart, pageEnd). */
  grid(pageStart: string, pageEnd: string): string {
    if (!this.interval.calendar) {
      return `select g as bucket_start
        from generate_series(${this.of(pageStart)}, ${pageEnd}, ${this.p('interval')}) g
       where g < ${pageEnd}`;
    }
    const zone = this.p('timeZone');
    return `select g at time zone ${zone} as bucket_start
        from generate_series(${this.localStart(pageStart)}, ${pageEnd} at time zone ${zone},
                             ${this.p('interval')}) g
       where g at time zone ${zone} < ${pageEnd}`;
  }
}

/**
 * The statement for one page, as a chain of CTEs:
 *
 * - `samples`: each tag's samples in the page (or its rollup rows), with `step_end`, the instant
 *   its value stops counting in its bucket (next sample, bucket end or effective end);
 * - `stats`: one row per (tag, bucket) holding samples;
 * - `edges`: per tag, what lies beyond the page: the value carried in at its start and the
 *   nearest buckets with samples before and after it (for PREVIOUS and LINEAR fills of later
 *   pages, which must come out as if the whole window were one page);
 * - `buckets`: stats on the full bucket grid with gaps filled, per dialect;
 * - the final select: bucket ends, zero counts in gaps and the time-weighted functions.
 */
class PageStatement {
  private readonly bucket: BucketSql;
  private readonly fillable: FillableColumn[];
  private readonly steps: boolean;
  private readonly hasPrevious: boolean;
  private readonly hasNext: boolean;

  constructor(
    private readonly request: AggregateRequest,
    page: Page,
    private readonly options: AggregateStatementOptions,
    private readonly p: (name: string) => string,
  ) {
    this.bucket = new BucketSql(request.interval, options.dialect, p);
    this.fillable = request.functions.flatMap((fn) => FILLABLE.get(fn) ?? []);
    this.steps =
      request.functions.includes(AggregateFunction.TIME_WEIGHTED_AVG) ||
      request.functions.includes(AggregateFunction.INTEGRAL);
    const fills = request.fill === GapFill.PREVIOUS || request.fill === GapFill.LINEAR;
    this.hasPrevious = fills && this.fillable.length > 0 && page.start > request.from;
    this.hasNext =
      request.fill === GapFill.LINEAR && this.fillable.length > 0 && page.end < request.to;
    if (options.rollup && (options.dialect !== 'timescale' || this.steps)) {
      throw new Error('Rollups serve TimescaleDB statements without time-weighted functions');
    }
  }

  private get timescale(): boolean {
    return this.options.dialect === 'timescale';
  }

  text(): string {
    const { rollup } = this.options;
    const source = rollup ? this.rollupRows(rollup) : this.rawSamples();
    const ctes = [
      `tags as (select tag_id, tag_index
                  from unnest(${this.p('tagIds')}) with ordinality as q(tag_id, tag_index))`,
      `samples as (select q.tag_index, s.* from tags q cross join lateral (${source}) s)`,
      `stats as (${this.stats()})`,
      `edges as (${this.edges()})`,
      ...(this.timescale ? this.gapfilledBuckets() : this.gridBuckets()),
    ];
    return `with ${ctes.join(',\n')}\n${this.finalSelect()}`;
  }

  private included(alias: string): string {
    return `(${alias}.value is not null and (${alias}.quality <> 'BAD' or ${this.p('includeBad')}))`;
  }

  /** One tag's samples in the page (`q.tag_id`), oldest first. */
  private rawSamples(): string {
    const stepEnd = this.steps
      ? `, greatest(d.time, least(coalesce(lead(d.time) over (order by d.time), 'infinity'),
                                  ${this.bucket.endOf(this.bucket.of('d.time'))},
                                  ${this.p('effectiveEnd')})) as step_end`
      : '';
    return `select d.time, d.value, d.quality, ${this.included('d')} as included${stepEnd}
        from datapoint d
       where d.tag_id = q.tag_id and d.time >= ${this.p('pageStart')} and d.time < ${this.p('pageEnd')}`;
  }

  /** One tag's rollup rows in the page, one per (minute or hour, quality). */
  private rollupRows(rollup: Rollup): string {
    return `select c.bucket as time, ${this.rollupColumns('c', `partition by ${this.bucket.of('c.bucket')}`)}
        from ${rollup.view} c
       where c.tag_id = q.tag_id and c.bucket >= ${this.p('pageStart')} and c.bucket < ${this.p('pageEnd')}`;
  }

  private rollupColumns(alias: string, meanWindow: string): string {
    const included = `(${alias}.quality <> 'BAD' or ${this.p('includeBad')})`;
    const mean = this.fillable.includes('stddev')
      ? `, sum(${alias}.value_sum) filter (where ${included}) over (${meanWindow})
           / nullif(sum(${alias}.value_count) filter (where ${included}) over (${meanWindow}), 0)
           as bucket_mean`
      : '';
    return `${alias}.quality, ${included} as included, ${alias}.sample_count, ${alias}.value_count,
            ${alias}.value_sum, ${alias}.value_min, ${alias}.value_max, ${alias}.value_avg,
            ${alias}.value_var_pop, ${alias}.first_value, ${alias}.first_time,
            ${alias}.last_value, ${alias}.last_time${mean}`;
  }

  private stats(): string {
    const columns = [
      's.tag_index',
      `${this.bucket.of('s.time')} as bucket_start`,
      ...this.counts(),
      ...this.fillable.map((column) => `${this.statistic(column)} as ${column}`),
      ...(this.steps ? this.stepParts() : []),
    ];
    return `select ${columns.join(', ')} from samples s group by 1, 2`;
  }

  private counts(): string[] {
    if (this.options.rollup) {
      return [
        'sum(s.sample_count) as samples',
        'coalesce(sum(s.value_count) filter (where s.included), 0) as count',
        "coalesce(sum(s.sample_count) filter (where s.quality = 'BAD'), 0) as bad_count",
      ];
    }
    return [
      'count(*) as samples',
      'count(*) filter (where s.included) as count',
      "count(*) filter (where s.quality = 'BAD') as bad_count",
    ];
  }

  /** A fillable statistic over the rows `s` of one bucket. */
  private statistic(column: FillableColumn): string {
    return this.options.rollup ? this.rollupStatistic(column) : this.rawStatistic(column);
  }

  private rawStatistic(column: FillableColumn): string {
    const counted = 'filter (where s.included)';
    switch (column) {
      case 'avg':
      case 'min':
      case 'max':
      case 'sum':
        return `${column}(s.value) ${counted}`;
      case 'stddev':
        return `stddev_samp(s.value) ${counted}`;
      case 'first':
        return this.timescale
          ? `first(s.value, s.time) ${counted}`
          : `(min(array[date_part('epoch', s.time), s.value]) ${counted})[2]`;
      case 'last':
        return this.timescale
          ? `last(s.value, s.time) ${counted}`
          : `(max(array[date_part('epoch', s.time), s.value]) ${counted})[2]`;
    }
  }

  /** Statistics merged from rollup rows; STDDEV by Chan's parallel-variance formula. */
  private rollupStatistic(column: FillableColumn): string {
    const counted = 'filter (where s.included)';
    const withValues = 'filter (where s.included and s.value_count > 0)';
    const n = `sum(s.value_count) ${counted}`;
    switch (column) {
      case 'avg':
        return `(sum(s.value_sum) ${counted} / nullif(${n}, 0)::float8)`;
      case 'min':
        return `min(s.value_min) ${counted}`;
      case 'max':
        return `max(s.value_max) ${counted}`;
      case 'sum':
        return `sum(s.value_sum) ${counted}`;
      case 'stddev':
        return `(case when ${n} > 1 then sqrt(
                  (sum(s.value_count * s.value_var_pop) ${withValues}
                   + sum(s.value_count * (s.value_avg - s.bucket_mean) ^ 2) ${withValues})
                  / (${n} - 1)::float8) end)`;
      case 'first':
        return `first(s.first_value, s.first_time) filter (where s.included and s.first_time is not null)`;
      case 'last':
        return `last(s.last_value, s.last_time) filter (where s.included and s.last_time is not null)`;
    }
  }

  /**
   * A bucket's own share of the step function: its first sample (where the carried-in value
   * stops), the value in force at its end, and the integral and known time of its samples'
   * steps.
   */
  private stepParts(): string[] {
    const seconds = "date_part('epoch', s.step_end - s.time)";
    const value = 'case when s.included then s.value end';
    const lastStep = this.timescale
      ? `last(${value}, s.time)`
      : `(max(array[date_part('epoch', s.time), ${value}]))[2]`;
    return [
      'min(s.time) as first_sample_time',
      `${lastStep} as last_step`,
      `sum(s.value * ${seconds}) filter (where s.included) as inner_integral`,
      `sum(${seconds}) filter (where s.included) as inner_covered`,
    ];
  }

  /** The columns of `edges` after tag_index. */
  private get edgeColumns(): string[] {
    const neighbour = (side: string) => [
      `${side}_start`,
      ...this.fillable.map((column) => `${side}_${column}`),
    ];
    return [
      ...(this.steps ? ['carried'] : []),
      ...(this.hasPrevious ? neighbour('prev') : []),
      ...(this.hasNext ? neighbour('next') : []),
    ];
  }

  /** Per tag: the value carried into the page and the buckets with samples around it. */
  private edges(): string {
    const columns = ['q.tag_index'];
    const joins: string[] = [];
    if (this.steps) {
      columns.push('c.value as carried');
      joins.push(`left join lateral (
        select case when ${this.included('d')} then d.value end as value
          from datapoint d
         where d.tag_id = q.tag_id and d.time < ${this.p('pageStart')}
         order by d.time desc
         limit 1) c on true`);
    }
    for (const [side, enabled] of [
      ['prev', this.hasPrevious],
      ['next', this.hasNext],
    ] as const) {
      if (!enabled) continue;
      columns.push(
        `${side}.bucket_start as ${side}_start`,
        ...this.fillable.map((column) => `${side}.${column} as ${side}_${column}`),
      );
      joins.push(`left join lateral (${this.neighbour(side)}) ${side} on true`);
    }
    return `select ${columns.join(', ')} from tags q ${joins.join('\n')}`;
  }

  /**
   * The nearest bucket with samples before the page (`prev`) or after it (`next`), inside the
   * window, with its fillable statistics: what LOCF and interpolation reach for beyond the page.
   */
  private neighbour(side: 'prev' | 'next'): string {
    const previous = side === 'prev';
    const probe = previous
      ? `d.time >= ${this.p('from')} and d.time < ${this.p('pageStart')} order by d.time desc`
      : `d.time >= ${this.p('pageEnd')} and d.time < ${this.p('to')} order by d.time`;
    const lower = previous ? `greatest(k.start, ${this.p('from')})` : 'k.start';
    const upper = previous
      ? this.bucket.endOf('k.start')
      : `least(${this.bucket.endOf('k.start')}, ${this.p('to')})`;
    const rows = this.options.rollup
      ? `select ${this.rollupColumns('c', '')} from ${this.options.rollup.view} c
          where c.tag_id = q.tag_id and c.bucket >= ${lower} and c.bucket < ${upper}`
      : `select d.time, d.value, d.quality, ${this.included('d')} as included from datapoint d
          where d.tag_id = q.tag_id and d.time >= ${lower} and d.time < ${upper}`;
    const stats = this.fillable.map((column) => `${this.statistic(column)} as ${column}`);
    return `select k.start as bucket_start, a.*
        from (select ${this.bucket.of('d.time')} as start from datapoint d
               where d.tag_id = q.tag_id and ${probe} limit 1) k
       cross join lateral (select ${stats.join(', ')} from (${rows}) s) a`;
  }

  /** The columns of `stats` after tag_index and bucket_start. */
  private get statsColumns(): string[] {
    return ['samples', 'count', 'bad_count', ...this.fillable, ...(this.steps ? STEP_COLUMNS : [])];
  }

  /**
   * TimescaleDB: one gapfill aggregate over the stats, grouped by tag. A placeholder row per tag
   * in the bucket before the page makes every tag a group, even one without samples, and holds
   * the previous bucket's statistics and the carried value; one in the first bucket with samples
   * after the page holds the next bucket's. Gapfill treats rows outside [start, finish) as the
   * neighbours `locf` and `interpolate` read, and passes them through; the final select drops
   * them.
   */
  private gapfilledBuckets(): string[] {
    const before = `${this.bucket.of(this.p('pageStart'))} - interval '1 microsecond'`;
    const placeholder = (side: 'prev' | 'next') =>
      this.statsColumns.map((column) => {
        if (column === 'last_step' && side === 'prev') return 'e.carried';
        const known = side === 'prev' ? this.hasPrevious : this.hasNext;
        return this.fillable.includes(column as FillableColumn) && known
          ? `e.${side}_${column}`
          : 'null';
      });
    const rows = [
      `select tag_index, bucket_start, ${this.statsColumns.join(', ')} from stats`,
      `select e.tag_index, ${this.hasPrevious ? `coalesce(e.prev_start, ${before})` : before},
              ${placeholder('prev').join(', ')} from edges e`,
      ...(this.hasNext
        ? [
            `select e.tag_index, e.next_start, ${placeholder('next').join(', ')}
               from edges e where e.next_start is not null`,
          ]
        : []),
    ];
    const zone = this.request.interval.calendar ? `${this.p('timeZone')}, ` : '';
    const columns = [
      'r.tag_index',
      `time_bucket_gapfill(${this.p('interval')}, r.bucket_start, ${zone}${this.p('pageStart')}, ${this.p('pageEnd')}) as bucket_start`,
      ...this.statsColumns.map((column) => {
        const value = `max(r.${column})`;
        if (column === 'last_step') return `locf(${value}) as step_at_end`;
        if (!this.fillable.includes(column as FillableColumn)) return `${value} as ${column}`;
        return `${this.timescaleFill(value)} as ${column}`;
      }),
    ];
    return [
      `gapfill_input as (${rows.join('\nunion all\n')})`,
      `buckets as (select ${columns.join(',\n ')} from gapfill_input r group by 1, 2)`,
    ];
  }

  private timescaleFill(value: string): string {
    switch (this.request.fill) {
      case GapFill.NONE:
      case GapFill.NULL:
        return value;
      case GapFill.PREVIOUS:
        return `locf(${value})`;
      case GapFill.LINEAR:
        return `interpolate(${value})`;
    }
  }

  /**
   * Plain PostgreSQL: the grid of every tag joined to its stats; `p_grp`/`n_grp` number the
   * runs that start (end) at a bucket with samples, which is what LOCF and linear interpolation
   * look back (ahead) to, and `edges` stands in where a run reaches past the page.
   */
  private gridBuckets(): string[] {
    const micros = microsOf('j.bucket_start');
    const linear = this.request.fill === GapFill.LINEAR;
    const windows = `window wp as (partition by j.tag_index, j.p_grp order by j.bucket_start),
                            wn as (partition by j.tag_index, j.n_grp order by j.bucket_start desc)`;
    const anchors = linear
      ? `, case when j.p_grp = 0 then ${this.hasPrevious ? microsOf('e.prev_start') : 'null'}
                else first_value(${micros}) over wp end as x_prev,
           case when j.n_grp = 0 then ${this.hasNext ? microsOf('e.next_start') : 'null'}
                else first_value(${micros}) over wn end as x_next`
      : '';
    const filled = [
      'j.tag_index',
      'j.bucket_start',
      'j.samples',
      'j.count',
      'j.bad_count',
      ...this.fillable.map((column) => `${this.plainFill(column)} as ${column}`),
      ...(this.steps
        ? [
            'j.first_sample_time',
            'j.inner_integral',
            'j.inner_covered',
            'j.carried',
            `case when j.samples is not null then j.last_step
                  when j.p_grp = 0 then j.carried
                  else first_value(j.last_step) over wp end as step_at_end`,
          ]
        : []),
    ];
    return [
      `grid as (select q.tag_index, g.bucket_start from tags q
                 cross join (${this.bucket.grid(this.p('pageStart'), this.p('pageEnd'))}) g)`,
      `joined as (
         select g.tag_index, g.bucket_start,
                ${this.statsColumns.map((column) => `st.${column}`).join(', ')},
                count(st.samples) over (partition by g.tag_index order by g.bucket_start) as p_grp,
                count(st.samples) over (partition by g.tag_index order by g.bucket_start desc)
                  as n_grp
           from grid g
           left join stats st on st.tag_index = g.tag_index and st.bucket_start = g.bucket_start)`,
      `anchored as (select j.*${this.edgeColumns.map((column) => `, e.${column}`).join('')}${anchors}
                     from joined j join edges e on e.tag_index = j.tag_index
                     ${linear ? windows : ''})`,
      `buckets as (select ${filled.join(', ')} from anchored j ${windows})`,
    ];
  }

  private plainFill(column: FillableColumn): string {
    const own = `j.${column}`;
    const previous = `case when j.p_grp = 0 then ${this.hasPrevious ? `j.prev_${column}` : 'null'}
                           else first_value(${own}) over wp end`;
    switch (this.request.fill) {
      case GapFill.NONE:
      case GapFill.NULL:
        return own;
      case GapFill.PREVIOUS:
        return `case when j.samples is not null then ${own} else ${previous} end`;
      case GapFill.LINEAR: {
        const next = `case when j.n_grp = 0 then ${this.hasNext ? `j.next_${column}` : 'null'}
                           else first_value(${own}) over wn end`;
        const x = microsOf('j.bucket_start');
        // TimescaleDB's INTERPOLATE(x, x0, x1, y0, y1), operation for operation.
        return `case when j.samples is not null then ${own}
                     else ((${previous}) * (j.x_next - ${x})::float8
                           + (${next}) * (${x} - j.x_prev)::float8)
                          / (j.x_next - j.x_prev)::float8 end`;
      }
    }
  }

  /**
   * Bucket ends, zero counts in gaps and the time-weighted functions: each bucket's own steps
   * plus the head from its start (or `from`) to its first sample, at the value carried in.
   */
  private finalSelect(): string {
    const columns = [
      'b.tag_index',
      'b.bucket_start',
      `${this.bucket.endOf('b.bucket_start')} as bucket_end`,
      'coalesce(b.samples, 0) as samples',
      'coalesce(b.count, 0) as count',
      'coalesce(b.bad_count, 0) as bad_count',
      ...this.fillable.map((column) => `b.${column}`),
    ];
    const page = `b.bucket_start >= ${this.bucket.of(this.p('pageStart'))}
               and b.bucket_start < ${this.p('pageEnd')}`;
    const order = 'order by b.tag_index, b.bucket_start';
    if (!this.steps) return `select ${columns.join(', ')} from buckets b where ${page} ${order}`;
    columns.push(
      'case when t.covered > 0 then t.integral end as integral',
      'case when t.covered > 0 then t.integral / t.covered end as time_weighted_avg',
    );
    // TimescaleDB's placeholder row precedes each tag's first bucket with the carried value.
    const carried = this.timescale ? '' : ', 1, b.carried';
    const clipStart = `greatest(b.bucket_start, ${this.p('from')})`;
    const clipEnd = `least(${this.bucket.endOf('b.bucket_start')}, ${this.p('effectiveEnd')})`;
    return `select ${columns.join(', ')}
      from (select b.*, lag(b.step_at_end${carried})
                          over (partition by b.tag_index order by b.bucket_start) as carry_in
              from buckets b) b
     cross join lateral (
       select greatest(0, date_part('epoch',
                least(coalesce(b.first_sample_time, ${clipEnd}), ${clipEnd}) - ${clipStart})) as seconds
     ) h
     cross join lateral (
       select coalesce(b.inner_covered, 0) + case when b.carry_in is null then 0 else h.seconds end
                as covered,
              coalesce(b.inner_integral, 0) + coalesce(b.carry_in * h.seconds, 0) as integral
     ) t
     where ${page}
     ${order}`;
  }
}

/** The start of the bucket holding `pageStart`, and the start of the one `buckets` later. */
export function pageEndStatement(
  request: AggregateRequest,
  dialect: SqlDialect,
  pageStart: string,
  buckets: number,
): Statement {
  const parameters = new Parameters({
    pageStart: [pageStart, 'timestamptz'],
    buckets: [buckets, 'int'],
    interval: [request.interval.sql, 'interval'],
    timeZone: [request.timeZone, 'text'],
  });
  const p = (name: string) => parameters.get(name);
  const bucket = new BucketSql(request.interval, dialect, p);
  const start = bucket.of(p('pageStart'));
  const text = `select ${start} as bucket_start, ${bucket.endOf(start, p('buckets'))} as page_end`;
  return { text, values: parameters.values };
}

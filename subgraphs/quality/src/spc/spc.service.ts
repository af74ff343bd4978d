import DataLoader from 'dataloader';
import {
  BadUserInputError,
  checkTimeWindow,
  loader,
  requireAssetPath,
  sitePaths,
  type GraphContext,
} from '@plantgraph/graph';
import type { Characteristic } from '../characteristic/characteristic.type.ts';
import { capabilityIndices } from './capability.ts';
import {
  controlChartConstants,
  DEFAULT_SUBGROUP_SIZE,
  MAX_SUBGROUP_SIZE,
  MIN_SUBGROUP_SIZE,
} from './control-chart-constants.ts';
import type { SpcArgs } from './spc.args.ts';
import {
  CharacteristicStatistics,
  ControlChart,
  ControlChartSubgroup,
  ControlLimits,
} from './spc.type.ts';
import { westernElectricViolations } from './western-electric.ts';

/**
 * Most measurements one control chart reads; a window holding more is BAD_USER_INPUT. Keeps a
 * response to at most 50,000 points (subgroups of 2) and the statement's memory bounded.
 */
export const MAX_CONTROL_CHART_MEASUREMENTS = 100_000;

/** What one SPC field reads: a characteristic's measurements in [from, to), maybe of one asset. */
export interface SpcKey {
  characteristicId: string;
  assetId: string | null;
  /** ISO instants; open bounds are PostgreSQL's ±infinity so the time index bounds every scan. */
  from: string;
  to: string;
  subgroupSize: number;
}

function checkSubgroupSize(subgroupSize: number | null | undefined): number {
  if (subgroupSize === null || subgroupSize === undefined) return DEFAULT_SUBGROUP_SIZE;
  if (
    !Number.isInteger(subgroupSize) ||
    subgroupSize < MIN_SUBGROUP_SIZE ||
    subgroupSize > MAX_SUBGROUP_SIZE
  ) {
    throw new BadUserInputError(
      'subgroupSize',
      `must be between ${MIN_SUBGROUP_SIZE} and ${MAX_SUBGROUP_SIZE}, got ${subgroupSize}`,
    );
  }
  return subgroupSize;
}

/** Validates the arguments of an SPC field into a loader key; NOT_FOUND for an unknown asset. */
export async function spcKey(
  context: GraphContext,
  characteristicId: string,
  args: SpcArgs,
): Promise<SpcKey> {
  const subgroupSize = checkSubgroupSize(args.subgroupSize);
  const { from, to } = checkTimeWindow(args.from, args.to);
  const asset = args.assetId ? await requireAssetPath(context, args.assetId, 'assetId') : null;
  return {
    characteristicId,
    assetId: asset?.id ?? null,
    from: from?.toISOString() ?? '-infinity',
    to: to?.toISOString() ?? 'infinity',
    subgroupSize,
  };
}

const keyRows = `unnest($1::uuid[], $2::uuid[], $3::timestamptz[], $4::timestamptz[], $5::int[])
  with ordinality as q(characteristic_id, asset_id, from_time, to_time, subgroup_size, key_index)`;

/**
 * The window's measurements of key `q` on assets the caller may see ($6: the paths of the
 * caller's sites, null for every site). Keys with and without an asset get statements of their
 * own, so each condition is an index range: (characteristic_id, asset_id, time) or
 * (characteristic_id, time).
 */
const measurementsOfKey = (withAsset: boolean) => `m.characteristic_id = q.characteristic_id
  ${withAsset ? 'and m.asset_id = q.asset_id' : ''}
  and m.time >= q.from_time and m.time < q.to_time
  and ($6::text[] is null or m.asset_id in (
    select a.id from asset a join unnest($6::text[]) as site(path)
        on a.path = site.path or starts_with(a.path, site.path || '/')))`;

/**
 * Runs `statement` for every key in at most two statements (keys with an asset, keys without)
 * and returns each key's rows; `key_index` is the 1-based position in the statement's keys.
 * `extraParams` follow from $7.
 */
async function rowsOfKeys<Row extends { key_index: number }>(
  context: GraphContext,
  keys: readonly SpcKey[],
  statement: (withAsset: boolean) => string,
  extraParams: unknown[] = [],
): Promise<Row[][]> {
  const sites = (await sitePaths(context)) ?? null;
  const rowsByKey: Row[][] = keys.map(() => []);
  const positions = keys.map((key, position) => ({ key, position }));
  await Promise.all(
    [true, false].map(async (withAsset) => {
      const group = positions.filter(({ key }) => (key.assetId !== null) === withAsset);
      if (group.length === 0) return;
      const rows = await context.sql.query<Row>(statement(withAsset), [
        group.map(({ key }) => key.characteristicId),
        group.map(({ key }) => key.assetId),
        group.map(({ key }) => key.from),
        group.map(({ key }) => key.to),
        group.map(({ key }) => key.subgroupSize),
        sites,
        ...extraParams,
      ]);
      for (const row of rows) {
        const position = group[Number(row.key_index) - 1]?.position;
        if (position !== undefined) rowsByKey[position]?.push(row);
      }
    }),
  );
  return rowsByKey;
}

const cacheKeyFn = (key: SpcKey) => JSON.stringify(key);

interface StatisticsRow {
  key_index: number;
  count: number;
  mean: number | null;
  stddev: number | null;
  min: number | null;
  max: number | null;
  out_of_spec_count: number;
  subgroup_count: number;
  mean_range: number | null;
}

/**
 * Descriptive statistics and the mean subgroup range, one statement per batch and one pass over
 * each key's rows: subgroups are numbered in (time, id) order, and each subgroup's range is read
 * from its first row.
 */
const statisticsStatement = (withAsset: boolean) => `
  select q.key_index, s.*
    from ${keyRows}
   cross join lateral (
     select count(*)::int as count, avg(v.value) as mean, stddev_samp(v.value) as stddev,
            min(v.value) as min, max(v.value) as max,
            (count(*) filter (where not v.in_spec))::int as out_of_spec_count,
            (count(*) filter (where v.first_of_subgroup
                                and v.subgroup_count = q.subgroup_size))::int as subgroup_count,
            avg(v.subgroup_range) filter (where v.first_of_subgroup
                                            and v.subgroup_count = q.subgroup_size) as mean_range
       from (
         select n.value, n.in_spec,
                max(n.value) over subgroup - min(n.value) over subgroup as subgroup_range,
                count(*) over subgroup as subgroup_count,
                row_number() over subgroup = 1 as first_of_subgroup
           from (
             select m.value, m.in_spec,
                    (row_number() over (order by m.time, m.id) - 1) / q.subgroup_size as subgroup
               from measurement m
              where ${measurementsOfKey(withAsset)}
           ) n
         window subgroup as (partition by n.subgroup)
       ) v
   ) s`;

export const statisticsByKey = (context: GraphContext) =>
  new DataLoader<SpcKey, StatisticsRow, string>(
    async (keys) =>
      // An aggregate without GROUP BY returns its one row for every key.
      (await rowsOfKeys<StatisticsRow>(context, keys, statisticsStatement)).map(
        (rows) => rows[0] as StatisticsRow,
      ),
    { cacheKeyFn },
  );

/** Statistics of `characteristic` over the key's window, capability against its current limits. */
export async function characteristicStatistics(
  context: GraphContext,
  characteristic: Characteristic,
  key: SpcKey,
): Promise<CharacteristicStatistics> {
  const row = await loader(context, statisticsByKey).load(key);
  const constants = controlChartConstants(key.subgroupSize);
  const withinSigma = row.mean_range === null ? null : row.mean_range / constants.d2;
  const within = capabilityIndices(characteristic, row.mean, withinSigma);
  const overall = capabilityIndices(characteristic, row.mean, row.stddev);
  return Object.assign(new CharacteristicStatistics(), {
    count: row.count,
    mean: row.mean,
    stddev: row.stddev,
    min: row.min,
    max: row.max,
    outOfSpecCount: row.out_of_spec_count,
    subgroupSize: key.subgroupSize,
    subgroupCount: row.subgroup_count,
    meanRange: row.mean_range,
    withinSigma,
    cp: within.spread,
    cpk: within.centred,
    pp: overall.spread,
    ppk: overall.centred,
  });
}

interface SubgroupRow {
  key_index: number;
  start_time: Date;
  end_time: Date;
  mean: number;
  range: number;
  size: number;
}

/**
 * Subgroup means and ranges of each key's first MAX + 1 measurements: the extra one only tells
 * that the window holds too many.
 */
const subgroupStatement = (withAsset: boolean) => `
  select q.key_index, g.*
    from ${keyRows}
   cross join lateral (
     select n.subgroup, min(n.time) as start_time, max(n.time) as end_time,
            avg(n.value) as mean, max(n.value) - min(n.value) as range, count(*)::int as size
       from (
         select w.time, w.value,
                (row_number() over (order by w.time, w.id) - 1) / q.subgroup_size as subgroup
           from (
             select m.time, m.value, m.id from measurement m
              where ${measurementsOfKey(withAsset)}
              order by m.time, m.id
              limit $7
           ) w
       ) n
      group by n.subgroup
   ) g
   order by q.key_index, g.subgroup`;

function controlLimits(center: number, lower: number, upper: number): ControlLimits {
  return Object.assign(new ControlLimits(), {
    centerLine: center,
    lowerControlLimit: lower,
    upperControlLimit: upper,
    sigma: (upper - center) / 3,
  });
}

const average = (values: readonly number[]) =>
  values.reduce((sum, value) => sum + value, 0) / values.length;

/** The X-bar/R chart of one key's subgroups, limits from the subgroups themselves. */
function toControlChart(rows: readonly SubgroupRow[], subgroupSize: number): ControlChart | Error {
  const measurementCount = rows.reduce((sum, row) => sum + row.size, 0);
  if (measurementCount > MAX_CONTROL_CHART_MEASUREMENTS) {
    return new BadUserInputError(
      'from',
      `the window holds more than ${MAX_CONTROL_CHART_MEASUREMENTS} measurements; ` +
        'narrow it or pass assetId',
    );
  }
  const complete = rows.filter((row) => row.size === subgroupSize);
  const chart = Object.assign(new ControlChart(), {
    subgroupSize,
    measurementCount,
    subgroups: [],
    xBar: null,
    range: null,
  });
  if (complete.length === 0) return chart;
  const { a2, d3, d4 } = controlChartConstants(subgroupSize);
  const grandMean = average(complete.map((row) => row.mean));
  const meanRange = average(complete.map((row) => row.range));
  const xBar = controlLimits(grandMean, grandMean - a2 * meanRange, grandMean + a2 * meanRange);
  const range = controlLimits(meanRange, d3 * meanRange, d4 * meanRange);
  const violations = westernElectricViolations(
    complete.map((row) => row.mean),
    xBar.centerLine,
    xBar.sigma,
  );
  const subgroups = complete.map((row, index) =>
    Object.assign(new ControlChartSubgroup(), {
      start: row.start_time,
      end: row.end_time,
      mean: row.mean,
      range: row.range,
      violations: violations[index] ?? [],
      rangeOutOfControl: row.range > range.upperControlLimit || row.range < range.lowerControlLimit,
    }),
  );
  return Object.assign(chart, { subgroups, xBar, range });
}

export const controlChartByKey = (context: GraphContext) =>
  new DataLoader<SpcKey, ControlChart, string>(
    async (keys) => {
      const rowsByKey = await rowsOfKeys<SubgroupRow>(context, keys, subgroupStatement, [
        MAX_CONTROL_CHART_MEASUREMENTS + 1,
      ]);
      return keys.map((key, index) => toControlChart(rowsByKey[index] ?? [], key.subgroupSize));
    },
    { cacheKeyFn },
  );

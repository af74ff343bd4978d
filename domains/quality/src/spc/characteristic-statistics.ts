import type { Sql } from '@plantgraph/db';
import { capabilityIndices, type SpecLimits } from './capability.ts';
import { controlChartConstants } from './control-chart-constants.ts';
import { keyRows, measurementsOfKey, rowsOfKeys, type SpcKey } from './spc-measurements.ts';

/** What the database tells about one key's measurements. */
export interface MeasurementSummary {
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

/**
 * The summary of each key's measurements on assets within `sites` (undefined: every site), in
 * the order of `keys`; at most two statements.
 */
export async function measurementSummaries(
  sql: Sql,
  keys: readonly SpcKey[],
  sites: readonly string[] | undefined,
): Promise<MeasurementSummary[]> {
  const rowsByKey = await rowsOfKeys<MeasurementSummary & { key_index: number }>(
    sql,
    keys,
    sites,
    statisticsStatement,
  );
  // An aggregate without GROUP BY returns its one row for every key.
  return rowsByKey.map((rows) => rows[0] as MeasurementSummary);
}

/**
 * Descriptive statistics and process capability of a characteristic over a window. Cp/Cpk use
 * the within-subgroup sigma R̄/d2, Pp/Ppk the overall sample standard deviation; an index is null
 * when a limit it needs is missing or its sigma is null or zero.
 */
export interface CharacteristicStatistics {
  count: number;
  mean: number | null;
  /** Sample standard deviation (n − 1), the overall sigma; null below 2 values. */
  stddev: number | null;
  min: number | null;
  max: number | null;
  outOfSpecCount: number;
  subgroupSize: number;
  /** Complete subgroups; trailing measurements that do not fill one are left out. */
  subgroupCount: number;
  /** R̄: mean range of the complete subgroups. */
  meanRange: number | null;
  /** R̄/d2; null without a complete subgroup. */
  withinSigma: number | null;
  cp: number | null;
  cpk: number | null;
  pp: number | null;
  ppk: number | null;
}

/** Statistics of a key's `summary`, capability against `limits` (the characteristic's now). */
export function characteristicStatistics(
  limits: SpecLimits,
  summary: MeasurementSummary,
  subgroupSize: number,
): CharacteristicStatistics {
  const constants = controlChartConstants(subgroupSize);
  const withinSigma = summary.mean_range === null ? null : summary.mean_range / constants.d2;
  const within = capabilityIndices(limits, summary.mean, withinSigma);
  const overall = capabilityIndices(limits, summary.mean, summary.stddev);
  return {
    count: summary.count,
    mean: summary.mean,
    stddev: summary.stddev,
    min: summary.min,
    max: summary.max,
    outOfSpecCount: summary.out_of_spec_count,
    subgroupSize,
    subgroupCount: summary.subgroup_count,
    meanRange: summary.mean_range,
    withinSigma,
    cp: within.spread,
    cpk: within.centred,
    pp: overall.spread,
    ppk: overall.centred,
  };
}

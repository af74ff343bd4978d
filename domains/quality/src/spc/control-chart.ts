import type { Sql } from '@plantgraph/db';
import { BadUserInputError } from '@plantgraph/errors';
import { controlChartConstants } from './control-chart-constants.ts';
import { keyRows, measurementsOfKey, rowsOfKeys, type SpcKey } from './spc-measurements.ts';
import { westernElectricViolations } from './western-electric.ts';

/**
 * Most measurements one control chart reads; a window holding more is BAD_USER_INPUT. Keeps a
 * response to at most 50,000 points (subgroups of 2) and the statement's memory bounded.
 */
export const MAX_CONTROL_CHART_MEASUREMENTS = 100_000;

/** Centre line and 3-sigma control limits of one chart. */
export interface ControlLimits {
  centerLine: number;
  lowerControlLimit: number;
  upperControlLimit: number;
  /** Sigma of the plotted statistic, (UCL − CL) / 3: the width of one zone. */
  sigma: number;
}

/** One subgroup of consecutive measurements: a point on both charts. */
export interface ControlChartSubgroup {
  start: Date;
  end: Date;
  mean: number;
  range: number;
  /** Western Electric rules (1 to 4) this mean completes on the X-bar chart. */
  violations: number[];
  rangeOutOfControl: boolean;
}

/** An X-bar/R chart over a window, limits from the window itself (Phase I). */
export interface ControlChart {
  subgroupSize: number;
  /** Measurements in the window, including trailing ones that fill no subgroup. */
  measurementCount: number;
  /** Complete subgroups in time order. */
  subgroups: ControlChartSubgroup[];
  /** Null without a complete subgroup, as is `range`. */
  xBar: ControlLimits | null;
  range: ControlLimits | null;
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
  return {
    centerLine: center,
    lowerControlLimit: lower,
    upperControlLimit: upper,
    sigma: (upper - center) / 3,
  };
}

const average = (values: readonly number[]) =>
  values.reduce((sum, value) => sum + value, 0) / values.length;

/** The X-bar/R chart of one key's subgroups, limits from the subgroups themselves. */
function toControlChart(
  rows: readonly SubgroupRow[],
  subgroupSize: number,
): ControlChart | BadUserInputError {
  const measurementCount = rows.reduce((sum, row) => sum + row.size, 0);
  if (measurementCount > MAX_CONTROL_CHART_MEASUREMENTS) {
    return new BadUserInputError(
      'from',
      `the window holds more than ${MAX_CONTROL_CHART_MEASUREMENTS} measurements; ` +
        'narrow it or pass assetId',
    );
  }
  const complete = rows.filter((row) => row.size === subgroupSize);
  const empty: ControlChart = {
    subgroupSize,
    measurementCount,
    subgroups: [],
    xBar: null,
    range: null,
  };
  if (complete.length === 0) return empty;
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
  const subgroups = complete.map((row, index) => ({
    start: row.start_time,
    end: row.end_time,
    mean: row.mean,
    range: row.range,
    violations: violations[index] ?? [],
    rangeOutOfControl: row.range > range.upperControlLimit || row.range < range.lowerControlLimit,
  }));
  return { ...empty, subgroups, xBar, range };
}

/**
 * The control chart of each key's measurements on assets within `sites` (undefined: every site),
 * in the order of `keys`; at most two statements. A key whose window holds more than
 * MAX_CONTROL_CHART_MEASUREMENTS gets BAD_USER_INPUT on `from` in its place, so the others
 * still get their charts.
 */
export async function controlCharts(
  sql: Sql,
  keys: readonly SpcKey[],
  sites: readonly string[] | undefined,
): Promise<(ControlChart | BadUserInputError)[]> {
  const rowsByKey = await rowsOfKeys<SubgroupRow>(sql, keys, sites, subgroupStatement, [
    MAX_CONTROL_CHART_MEASUREMENTS + 1,
  ]);
  return keys.map((key, index) => toControlChart(rowsByKey[index] ?? [], key.subgroupSize));
}

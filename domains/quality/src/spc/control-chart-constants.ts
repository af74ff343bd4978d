/** Smallest and largest subgroup size the constants below cover. */
export const MIN_SUBGROUP_SIZE = 2;
export const MAX_SUBGROUP_SIZE = 25;
export const DEFAULT_SUBGROUP_SIZE = 5;

/** Factors of the X-bar/R chart for one subgroup size. */
export interface ControlChartConstants {
  /** X-bar limits: X̿ ± A2·R̄. */
  a2: number;
  /** Expected range of n standard normal values: σ = R̄ / d2. */
  d2: number;
  /** R chart lower limit: D3·R̄. */
  d3: number;
  /** R chart upper limit: D4·R̄. */
  d4: number;
}

/**
 * The published table, as printed in ASTM MNL 7 (Manual on Presentation of Data and Control Chart
 * Analysis) and Montgomery, Introduction to Statistical Quality Control, Appendix VI, so limits
 * match the ones a quality engineer computes by hand. Rows: n = 2..25, columns A2, d2, D3, D4.
 */
const TABLE: readonly (readonly [number, number, number, number])[] = [
  [1.88, 1.128, 0, 3.267],
  [1.023, 1.693, 0, 2.574],
  [0.729, 2.059, 0, 2.282],
  [0.577, 2.326, 0, 2.114],
  [0.483, 2.534, 0, 2.004],
  [0.419, 2.704, 0.076, 1.924],
  [0.373, 2.847, 0.136, 1.864],
  [0.337, 2.97, 0.184, 1.816],
  [0.308, 3.078, 0.223, 1.777],
  [0.285, 3.173, 0.256, 1.744],
  [0.266, 3.258, 0.283, 1.717],
  [0.249, 3.336, 0.307, 1.693],
  [0.235, 3.407, 0.328, 1.672],
  [0.223, 3.472, 0.347, 1.653],
  [0.212, 3.532, 0.363, 1.637],
  [0.203, 3.588, 0.378, 1.622],
  [0.194, 3.64, 0.391, 1.608],
  [0.187, 3.689, 0.403, 1.597],
  [0.18, 3.735, 0.415, 1.585],
  [0.173, 3.778, 0.425, 1.575],
  [0.167, 3.819, 0.434, 1.566],
  [0.162, 3.858, 0.443, 1.557],
  [0.157, 3.895, 0.451, 1.548],
  [0.153, 3.931, 0.459, 1.541],
];

/** The factors for subgroups of `n`; callers check n against MIN/MAX_SUBGROUP_SIZE first. */
export function controlChartConstants(n: number): ControlChartConstants {
  const row = TABLE[n - MIN_SUBGROUP_SIZE];
  if (!row) throw new RangeError(`no control chart constants for subgroups of ${n}`);
  const [a2, d2, d3, d4] = row;
  return { a2, d2, d3, d4 };
}

import { describe, expect, it } from 'vitest';
import {
  controlChartConstants,
  MAX_SUBGROUP_SIZE,
  MIN_SUBGROUP_SIZE,
} from './control-chart-constants.ts';

/** Standard normal CDF through erf (Abramowitz & Stegun 7.1.26, error below 1.5e-7). */
function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const poly =
    t *
    (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-z * z);
  return x >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

/** d2(n): the expected range of n standard normal values, ∫ 1 − Φ(x)ⁿ − (1 − Φ(x))ⁿ dx. */
function expectedRange(n: number): number {
  const step = 0.001;
  let sum = 0;
  for (let x = -10; x < 10; x += step) {
    const p = normalCdf(x + step / 2);
    sum += (1 - p ** n - (1 - p) ** n) * step;
  }
  return sum;
}

const sizes = Array.from(
  { length: MAX_SUBGROUP_SIZE - MIN_SUBGROUP_SIZE + 1 },
  (_, index) => index + MIN_SUBGROUP_SIZE,
);

describe('control chart constants', () => {
  it.each(sizes)('agree with the normal distribution for n = %i', (n) => {
    const { a2, d2, d3, d4 } = controlChartConstants(n);
    // The table is rounded to three decimals; the checks allow for that rounding.
    expect(Math.abs(d2 - expectedRange(n))).toBeLessThan(0.0006);
    expect(Math.abs(a2 - 3 / (d2 * Math.sqrt(n)))).toBeLessThan(0.0011);
    // D3 = 1 − 3·d3/d2 and D4 = 1 + 3·d3/d2, so they sum to 2 where D3 is not clipped at 0.
    if (d3 > 0) expect(Math.abs(d3 + d4 - 2)).toBeLessThan(0.0015);
    else expect(d4).toBeGreaterThan(2);
  });

  it('has none outside 2..25', () => {
    expect(() => controlChartConstants(1)).toThrow(RangeError);
    expect(() => controlChartConstants(26)).toThrow(RangeError);
  });
});

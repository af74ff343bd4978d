import { describe, expect, it } from 'vitest';
import { westernElectricViolations } from './western-electric.ts';

/** Rules flagged per point around centre 0 with sigma 1, as [index, rules] for flagged points. */
function flagged(points: number[], center = 0, sigma = 1): [number, number[]][] {
  return westernElectricViolations(points, center, sigma)
    .map((rules, index): [number, number[]] => [index, rules])
    .filter(([, rules]) => rules.length > 0);
}

describe('Western Electric rules', () => {
  it('flags nothing on a clean series, even with single points beyond 2 sigma', () => {
    const clean = [0.5, -0.4, 2.5, -0.3, 0.2, -2.2, 0.8, -0.9, 1.5, -0.1, 0.4, -0.6, 2.9, -2.9];
    expect(flagged(clean)).toEqual([]);
  });

  it('rule 1: one point beyond 3 sigma, on either side, not one on the limit', () => {
    expect(flagged([0.5, -0.5, 3.5, 0.2, -3.01, 0.1, 3])).toEqual([
      [2, [1]],
      [4, [1]],
    ]);
  });

  it('rule 2: two of three beyond 2 sigma on the same side', () => {
    expect(flagged([0.5, 2.5, -0.5, 2.5, 0.1])).toEqual([[3, [2]]]);
    expect(flagged([-2.1, -2.2, 0.3, -0.4])).toEqual([[1, [2]]]);
  });

  it('rule 2: not for two beyond 2 sigma on opposite sides or three points apart', () => {
    expect(flagged([2.5, -2.5, 0.2, -0.1])).toEqual([]);
    expect(flagged([2.5, 0.1, -0.2, 2.5])).toEqual([]);
  });

  it('rule 3: four of five beyond 1 sigma on the same side', () => {
    expect(flagged([1.5, 1.2, 0.5, 1.8, 1.1, -0.3])).toEqual([[4, [3]]]);
    expect(flagged([-1.5, -1.2, -1.8, -1.1, 0.3])).toEqual([[3, [3]]]);
  });

  it('rule 3: not for three of five, or four beyond 1 sigma on mixed sides', () => {
    expect(flagged([1.5, 1.2, 0.5, 0.8, 1.1, -0.3])).toEqual([]);
    expect(flagged([1.5, -1.2, 1.5, -1.8, 1.1, -0.3])).toEqual([]);
  });

  it('rule 4: eight in a row on one side of the centre line', () => {
    const run = [0.2, 0.3, 0.1, 0.5, 0.4, 0.2, 0.6, 0.3];
    expect(flagged([-0.2, ...run, -0.1])).toEqual([[8, [4]]]);
    expect(flagged([...run, 0.1])).toEqual([
      [7, [4]],
      [8, [4]],
    ]);
  });

  it('rule 4: broken by a point on the centre line or on the other side', () => {
    expect(flagged([0.2, 0.3, 0.1, 0, 0.4, 0.2, 0.6, 0.3, 0.1])).toEqual([]);
    expect(flagged([0.2, 0.3, 0.1, -0.5, 0.4, 0.2, 0.6, 0.3, 0.1])).toEqual([]);
  });

  it('flags every rule a point completes', () => {
    // The last point: beyond 3 sigma, the second beyond 2 sigma of three, the fourth beyond 1
    // sigma of five, and the eighth on the high side in a row.
    expect(flagged([0.2, 0.3, 0.1, 0.4, 1.5, 1.2, 2.5, 3.5]).at(-1)).toEqual([7, [1, 2, 3, 4]]);
  });

  it('scales the zones by centre and sigma', () => {
    expect(flagged([10.1, 10.9, 10.2, 10.95, 9.9], 10, 0.4)).toEqual([[3, [2]]]);
  });

  it('evaluates only rule 4 without variation', () => {
    expect(
      flagged(
        Array.from({ length: 8 }, () => 5.5),
        5,
        0,
      ),
    ).toEqual([[7, [4]]]);
  });
});

/**
 * The Western Electric rules (Western Electric Statistical Quality Control Handbook, 1956) for
 * points on a Shewhart chart with centre line `center` and standard deviation `sigma` of the
 * plotted statistic. A rule is flagged on the point that completes its pattern, which is itself
 * part of the pattern:
 *
 * 1. the point lies beyond 3σ;
 * 2. the point lies beyond 2σ, and so does one of the 2 points before it, on the same side;
 * 3. the point lies beyond 1σ, and so do at least 3 of the 4 points before it, on the same side;
 * 4. the point and the 7 before it all lie on the same side of the centre line.
 *
 * "Beyond" is strict: a point exactly on a zone boundary is inside it, one on the centre line is
 * on neither side. With sigma 0 (no variation to scale zones by) only rule 4 is evaluated.
 */
export function westernElectricViolations(
  points: readonly number[],
  center: number,
  sigma: number,
): number[][] {
  const side = (value: number) => Math.sign(value - center);
  const beyond = (value: number, zones: number, direction: number) =>
    direction !== 0 && (value - center) * direction > zones * sigma;
  const zonesUsable = Number.isFinite(sigma) && sigma > 0;

  return points.map((value, index) => {
    const direction = side(value);
    const before = (count: number) => points.slice(Math.max(0, index - count), index);
    const countBeyond = (values: readonly number[], zones: number) =>
      values.filter((other) => beyond(other, zones, direction)).length;
    const rules: number[] = [];
    if (zonesUsable && beyond(value, 3, direction)) rules.push(1);
    if (zonesUsable && beyond(value, 2, direction) && countBeyond(before(2), 2) >= 1) {
      rules.push(2);
    }
    if (zonesUsable && beyond(value, 1, direction) && countBeyond(before(4), 1) >= 3) {
      rules.push(3);
    }
    const run = before(7);
    if (direction !== 0 && run.length === 7 && run.every((other) => side(other) === direction)) {
      rules.push(4);
    }
    return rules;
  });
}

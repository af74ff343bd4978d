/** A point of a series: x is the time (ms since the epoch), y the value. */
export interface SeriesPoint {
  x: number;
  y: number;
}

/**
 * Largest-Triangle-Three-Buckets (S. Steinarsson, "Downsampling Time Series for Visual
 * Representation", University of Iceland 2013, section 4.2). Keeps the first and the last
 * point; cuts the points between into `threshold - 2` buckets of equal count and keeps from
 * each the point that spans the largest triangle with the point kept before it and the average
 * of the next bucket. Returns the kept points in order; all of them when `threshold` is not
 * below their number.
 */
export function largestTriangleThreeBuckets<P extends SeriesPoint>(
  points: readonly P[],
  threshold: number,
): P[] {
  const first = points[0];
  const last = points.at(-1);
  if (!first || !last || threshold >= points.length || threshold < 3) return [...points];
  const every = (points.length - 2) / (threshold - 2);
  const kept = [first];
  let anchor = first;
  for (let bucket = 0; bucket < threshold - 2; bucket++) {
    const start = Math.floor(bucket * every) + 1;
    const end = Math.floor((bucket + 1) * every) + 1;
    const next = points.slice(end, Math.min(Math.floor((bucket + 2) * every) + 1, points.length));
    const averageX = next.reduce((sum, point) => sum + point.x, 0) / next.length;
    const averageY = next.reduce((sum, point) => sum + point.y, 0) / next.length;
    let largest = -1;
    let chosen = anchor;
    for (const point of points.slice(start, end)) {
      // Twice the triangle's area; the factor does not change which one is largest.
      const area = Math.abs(
        (anchor.x - averageX) * (point.y - anchor.y) - (anchor.x - point.x) * (averageY - anchor.y),
      );
      if (area > largest) {
        largest = area;
        chosen = point;
      }
    }
    kept.push(chosen);
    anchor = chosen;
  }
  kept.push(last);
  return kept;
}

/**
 * Timestamps in SQL to the microsecond: PostgreSQL keeps microseconds and a JavaScript Date
 * only milliseconds, so keys and cursors travel as exact microseconds since the epoch.
 */

/** SQL for `column` (timestamptz) as microseconds since the epoch, exact. */
export function microsOf(column: string): string {
  return `(extract(epoch from ${column}) * 1000000)::int8`;
}

/** SQL turning the microseconds in `parameter` back into a timestamptz, exact. */
export function timestampFromMicros(parameter: string): string {
  return `(timestamptz 'epoch' + ${parameter}::int8 * interval '1 microsecond')`;
}

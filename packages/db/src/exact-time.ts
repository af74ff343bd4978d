/**
 * PostgreSQL keeps timestamps to the microsecond, a JavaScript Date to the millisecond. A keyset
 * cursor built from a Date would repeat or skip rows that differ from the last one below the
 * millisecond, so the key of a time-ordered page travels as text with all six digits:
 * `2026-11-20T08:15:00.123456Z`. Casting that text back with `::timestamptz` is exact.
 */

const EXACT_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/** SQL for `column` (timestamptz) as UTC text with every microsecond. */
export function exactTimeOf(column: string): string {
  return `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}

/** Whether `value` is a time as `exactTimeOf` writes it. */
export function isExactTime(value: unknown): value is string {
  return typeof value === 'string' && EXACT_TIME.test(value);
}

/** SQL for `column` (timestamptz) as microseconds since the epoch, exact (integer cursors). */
export function microsOf(column: string): string {
  return `(extract(epoch from ${column}) * 1000000)::int8`;
}

/** SQL turning the microseconds in `parameter` back into a timestamptz, exact. */
export function timestampFromMicros(parameter: string): string {
  return `(timestamptz 'epoch' + ${parameter}::int8 * interval '1 microsecond')`;
}

/**
 * The rows of a batched statement per key: `ordinalOf` gives the key's position from 1 (the
 * `with ordinality` of its `unnest`), and each of `count` keys gets its rows in the order read.
 */
export function rowsByOrdinal<R>(
  count: number,
  rows: readonly R[],
  ordinalOf: (row: R) => number,
): R[][] {
  const groups: R[][] = Array.from({ length: count }, () => []);
  for (const row of rows) groups[ordinalOf(row) - 1]?.push(row);
  return groups;
}

/**
 * Rows of one batched statement handed back per key, in the order of the keys, as DataLoader
 * batch functions and the domains' batched reads want them.
 */

/** Groups `rows` by `keyOf` and returns them in the order of `keys`, as DataLoader wants. */
export function groupBy<K, R>(keys: readonly K[], rows: readonly R[], keyOf: (row: R) => K): R[][] {
  const groups = new Map<K, R[]>();
  for (const row of rows) {
    const key = keyOf(row);
    const group = groups.get(key);
    if (group) group.push(row);
    else groups.set(key, [row]);
  }
  return keys.map((key) => groups.get(key) ?? []);
}

/** Indexes `rows` by `keyOf` and returns them in the order of `keys` (null where missing). */
export function indexBy<K, R>(
  keys: readonly K[],
  rows: readonly R[],
  keyOf: (row: R) => K,
): (R | null)[] {
  const byKey = new Map(rows.map((row) => [keyOf(row), row]));
  return keys.map((key) => byKey.get(key) ?? null);
}

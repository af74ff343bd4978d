import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tablesOutsideOwners } from './table-ownership.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const baselinePath = new URL('./table-ownership.baseline.json', import.meta.url);

/**
 * Only a table's owning module touches it. The baseline lists what has not moved to its domain
 * yet; it may only shrink: a new file with SQL on a foreign table fails, and so does a baseline
 * entry that is no longer true (take it out). `npm run tables:baseline` rewrites it.
 */
describe('table ownership', () => {
  const found = Object.fromEntries(tablesOutsideOwners(root));
  const baseline = JSON.parse(readFileSync(baselinePath, 'utf8')) as Record<string, string[]>;

  it('finds no SQL on a table outside its owner beyond the recorded baseline', () => {
    const added = Object.entries(found).flatMap(([file, tables]) =>
      tables
        .filter((table) => !baseline[file]?.includes(table))
        .map((table) => `${file}: ${table}`),
    );
    expect(added).toEqual([]);
  });

  it('keeps the baseline honest: every entry still stands', () => {
    const gone = Object.entries(baseline).flatMap(([file, tables]) =>
      tables.filter((table) => !found[file]?.includes(table)).map((table) => `${file}: ${table}`),
    );
    expect(gone).toEqual([]);
  });
});

import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tablesOutsideOwners } from './table-ownership.ts';

// `npm run tables:baseline`: records the SQL that still sits outside its table's owner.
const root = fileURLToPath(new URL('../../', import.meta.url));
const found = Object.fromEntries(
  [...tablesOutsideOwners(root)].sort(([a], [b]) => a.localeCompare(b)),
);
writeFileSync(
  new URL('./table-ownership.baseline.json', import.meta.url),
  `${JSON.stringify(found, null, 2)}\n`,
);
const pairs = Object.values(found).reduce((sum, tables) => sum + tables.length, 0);
console.log(`${Object.keys(found).length} files, ${pairs} file-table pairs outside their owners`);

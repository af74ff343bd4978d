import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createApiKey, ROLES, verifyApiKey, type Role } from '@plantgraph/auth';
import type { Sql } from '@plantgraph/db';

/**
 * One API key per role for trying the demo, made on first start and kept in
 * `<dataDir>/demo-keys.json` (readable only by its owner) so later starts print the same keys.
 * Made again when the database no longer knows them (e.g. a fresh DATABASE_URL).
 */
export async function ensureDemoKeys(sql: Sql, dataDir: string): Promise<Record<Role, string>> {
  const file = join(dataDir, 'demo-keys.json');
  if (existsSync(file)) {
    const stored = JSON.parse(readFileSync(file, 'utf8')) as Record<Role, string>;
    const valid = await Promise.all(ROLES.map((role) => verifyApiKey(sql, stored[role] ?? '')));
    if (valid.every((identity, index) => identity?.role === ROLES[index])) return stored;
  }
  const keys = {} as Record<Role, string>;
  for (const role of ROLES) {
    keys[role] = (await createApiKey(sql, { role, sites: null, label: `demo ${role}` })).key;
  }
  writeFileSync(file, `${JSON.stringify(keys, null, 2)}\n`, { mode: 0o600 });
  return keys;
}

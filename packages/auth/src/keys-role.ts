import { parseArgs } from 'node:util';
import { defineRole, requiredDatabaseUrl } from '@plantgraph/service';
import { unknownSiteIds } from '@plantgraph/assets-domain';
import { openDatabase, type Sql } from '@plantgraph/db';
import { createApiKey, listApiKeys, revokeApiKey } from './api-keys.ts';
import { isRole, ROLES } from './roles.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const USAGE =
  'keys create --role <role> [--sites <site id>,…] [--label <text>] | keys revoke <key id> | keys list';

/** API keys from the command line. A new key is printed once; only its hash is stored. */
export const keysRole = defineRole({
  name: 'keys',
  usage: USAGE,
  environment: { DATABASE_URL: requiredDatabaseUrl() },
  async start(config, args) {
    const [command, ...rest] = args;
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        role: { type: 'string' },
        sites: { type: 'string' },
        label: { type: 'string', default: '' },
      },
    });
    if (command === 'create' && !isRole(values.role)) {
      console.error(`--role must be one of ${ROLES.join(', ')}`);
      return 2;
    }
    const sites = values.sites ? values.sites.split(',').map((site) => site.trim()) : null;
    const malformed = sites?.find((site) => !UUID.test(site));
    if (malformed) {
      console.error(`--sites: "${malformed}" is not a site id (get one with assetByPath)`);
      return 2;
    }
    if (!['create', 'revoke', 'list'].includes(command ?? '')) {
      console.error(`usage: plantgraph ${USAGE}`);
      return 2;
    }
    const database = await openDatabase({ databaseUrl: config.DATABASE_URL, migrate: 'verify' });
    try {
      if (command === 'create' && isRole(values.role)) {
        return await create(database.sql, values.role, sites, values.label ?? '');
      }
      if (command === 'revoke') return await revoke(database.sql, positionals[0]);
      return await list(database.sql);
    } finally {
      await database.sql.close();
    }
  },
});

async function create(
  sql: Sql,
  role: (typeof ROLES)[number],
  sites: string[] | null,
  label: string,
): Promise<number> {
  const unknown = sites ? await unknownSiteIds(sql, sites) : [];
  if (unknown.length > 0) {
    console.error(`--sites: ${(sites ?? []).join(', ')} must all be site ids`);
    return 2;
  }
  const { id, key } = await createApiKey(sql, { role, sites, label });
  console.log(`key id ${id}, role ${role}, sites ${sites?.join(', ') ?? 'all'}`);
  console.log(`\n  ${key}\n\nShown once; only its hash is stored.`);
  return 0;
}

async function revoke(sql: Sql, id: string | undefined): Promise<number> {
  if (!id) {
    console.error(`usage: plantgraph ${USAGE}`);
    return 2;
  }
  const revoked = await revokeApiKey(sql, id);
  console.log(revoked ? `revoked ${id}` : `no active key ${id}`);
  return revoked ? 0 : 1;
}

async function list(sql: Sql): Promise<number> {
  const keys = await listApiKeys(sql);
  for (const key of keys) {
    const state = key.revokedAt ? `revoked ${key.revokedAt.toISOString()}` : 'active';
    const sites = key.sites?.join(',') ?? 'all sites';
    console.log(`${key.id}  ${key.role.padEnd(10)}  ${state.padEnd(32)}  ${sites}  ${key.label}`);
  }
  if (keys.length === 0) console.log('no API keys');
  return 0;
}

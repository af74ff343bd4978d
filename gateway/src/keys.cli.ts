/**
 * API keys from the command line:
 *
 *   npm run keys:create -- --role integrator --sites <site id>,<site id> --label erp-adapter
 *   npm run keys:revoke -- <key id>
 *
 * The key is printed once; only its hash is stored. Uses DATABASE_URL, or the embedded database
 * under PLANTGRAPH_DATA_DIR (stop `npm start` first: one process owns it).
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createApiKey, isRole, revokeApiKey, ROLES } from '@plantgraph/auth';
import { openDatabase } from '@plantgraph/db';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function main(): Promise<number> {
  const [command, ...rest] = process.argv.slice(2);
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
  const cwd = process.env.INIT_CWD ?? process.cwd();
  const database = await openDatabase({
    databaseUrl: process.env.DATABASE_URL,
    dataDir: resolve(cwd, process.env.PLANTGRAPH_DATA_DIR ?? '.data'),
  });
  try {
    if (command === 'create' && isRole(values.role)) {
      const unknown = sites
        ? await database.sql.query<{ id: string }>(
            `select s from unnest($1::uuid[]) s where s not in
               (select id from asset where kind = 'SITE')`,
            [sites],
          )
        : [];
      if (unknown.length > 0) {
        console.error(`--sites: ${(sites ?? []).join(', ')} must all be site ids`);
        return 2;
      }
      const { id, key } = await createApiKey(database.sql, {
        role: values.role,
        sites,
        label: values.label ?? '',
      });
      console.log(`key id ${id}, role ${values.role}, sites ${sites?.join(', ') ?? 'all'}`);
      console.log(`\n  ${key}\n\nShown once; only its hash is stored.`);
      return 0;
    }
    if (command === 'revoke' && positionals[0]) {
      const revoked = await revokeApiKey(database.sql, positionals[0]);
      console.log(revoked ? `revoked ${positionals[0]}` : `no active key ${positionals[0]}`);
      return revoked ? 0 : 1;
    }
    console.error(
      'usage: keys create --role <role> [--sites <ids>] [--label <text>] | revoke <id>',
    );
    return 2;
  } finally {
    await database.sql.close();
  }
}

process.exit(await main());

import { resolve } from 'node:path';
import { createLogger, exitOnStartupError, loadConfig, optionalUrl } from '@plantgraph/config';
import { z } from 'zod';
import { openDatabase } from './open-database.ts';

const log = createLogger('db:migrate');
const config = loadConfig({
  DATABASE_URL: optionalUrl(),
  PLANTGRAPH_DATA_DIR: z.string().default('.data'),
});
// npm runs workspace scripts inside the workspace; relative paths mean the caller's directory.
const dataDir = resolve(process.env.INIT_CWD ?? process.cwd(), config.PLANTGRAPH_DATA_DIR);
const database = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir }).catch(
  exitOnStartupError,
);
log.info(
  { applied: database.newlyApplied, ...database.capabilities },
  database.newlyApplied.length ? 'migrations applied' : 'schema is up to date',
);
await database.sql.close();

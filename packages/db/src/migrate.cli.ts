import { createLogger, loadConfig, optionalUrl } from '@plantgraph/config';
import { z } from 'zod';
import { openDatabase } from './open-database.ts';

const log = createLogger('db:migrate');
const config = loadConfig({
  DATABASE_URL: optionalUrl(),
  PLANTGRAPH_DATA_DIR: z.string().default('.data'),
});
const database = await openDatabase({
  databaseUrl: config.DATABASE_URL,
  dataDir: config.PLANTGRAPH_DATA_DIR,
});
log.info(
  { applied: database.newlyApplied, ...database.capabilities },
  database.newlyApplied.length ? 'migrations applied' : 'schema is up to date',
);
await database.sql.close();

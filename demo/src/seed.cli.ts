import { resolve } from 'node:path';
import { createLogger, exitOnStartupError, loadConfig, optionalUrl } from '@plantgraph/config';
import { openDatabase } from '@plantgraph/db';
import { z } from 'zod';
import { seedIfEmpty } from './seed.ts';

const log = createLogger('db:seed');

async function main(): Promise<void> {
  const config = loadConfig({
    DATABASE_URL: optionalUrl(),
    PLANTGRAPH_DATA_DIR: z.string().default('.data'),
  });
  // Same resolution as `npm start`: npm runs the script inside demo/, the caller means their own.
  const dataDir = resolve(process.env.INIT_CWD ?? process.cwd(), config.PLANTGRAPH_DATA_DIR);
  const database = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir });
  try {
    const summary = await seedIfEmpty(database.sql, { size: 'demo' });
    if (summary) log.info(summary, 'demo plant seeded');
    else log.info('the database already holds assets; nothing seeded');
  } finally {
    await database.sql.close();
  }
}

await main().catch(exitOnStartupError);

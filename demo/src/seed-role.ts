import { createLogger } from '@plantgraph/config';
import { defineRole, requiredDatabaseUrl } from '@plantgraph/service';
import { openDatabase } from '@plantgraph/db';
import { z } from 'zod';
import { seedIfEmpty } from './seed.ts';

/** Seeds the demo plant (assets, tags, history) into an empty, migrated database, then exits. */
export const seedRole = defineRole({
  name: 'seed',
  environment: {
    DATABASE_URL: requiredDatabaseUrl(),
    PLANTGRAPH_SEED_SIZE: z
      .enum(['demo', 'small'])
      .default('demo')
      .describe('demo: 2 sites, 3 days of history; small: one line'),
  },
  async start(config) {
    const log = createLogger('seed');
    const database = await openDatabase({ databaseUrl: config.DATABASE_URL, migrate: 'verify' });
    try {
      const summary = await seedIfEmpty(database.sql, { size: config.PLANTGRAPH_SEED_SIZE });
      if (summary) log.info(summary, 'demo plant seeded');
      else log.info('the database already holds assets; nothing seeded');
      return 0;
    } finally {
      await database.sql.close();
    }
  },
});

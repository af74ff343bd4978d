import { createLogger } from '@plantgraph/config';
import { defineRole, requiredDatabaseUrl } from '@plantgraph/service';
import { openDatabase } from './open-database.ts';

/**
 * Brings the database schema up to date and exits: the job that runs before the services of a
 * deployment start (they refuse to serve a schema that is behind). Safe to run by several
 * replicas at once: migrations serialise on an advisory lock.
 */
export const migrateRole = defineRole({
  name: 'migrate',
  environment: { DATABASE_URL: requiredDatabaseUrl() },
  async start(config) {
    const log = createLogger('migrate');
    const database = await openDatabase({ databaseUrl: config.DATABASE_URL });
    log.info(
      { applied: database.newlyApplied, ...database.capabilities },
      database.newlyApplied.length ? 'migrations applied' : 'schema is up to date',
    );
    await database.sql.close();
    return 0;
  },
});

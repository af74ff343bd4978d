import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createLogger } from '@plantgraph/config';
import { openDatabase, type Sql, type StorageCapabilities } from '@plantgraph/db';
import { createPrismaClient } from '@plantgraph/db/prisma';
import type { GraphServices } from '@plantgraph/graph';

export type TestBackend = 'embedded' | 'postgres';

/** The backend this test run targets: vitest's project sets PLANTGRAPH_TEST_BACKEND. */
export function testBackend(): TestBackend {
  return process.env.PLANTGRAPH_TEST_BACKEND === 'postgres' ? 'postgres' : 'embedded';
}

export interface TestDatabase {
  sql: Sql;
  capabilities: StorageCapabilities;
  services: GraphServices;
  /** Connection URL on the postgres backend (a database of this test file's own). */
  url: string | undefined;
  close(): Promise<void>;
}

async function withAdminClient<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * A migrated database that belongs to the calling test file alone: an in-memory PGlite on the
 * embedded backend, a freshly created database on TEST_DATABASE_URL's server otherwise.
 */
export async function openTestDatabase(): Promise<TestDatabase> {
  let url: string | undefined;
  let name: string | undefined;
  if (testBackend() === 'postgres') {
    const admin = process.env.TEST_DATABASE_URL;
    if (!admin) throw new Error('TEST_DATABASE_URL must be set for the postgres test backend');
    name = `plantgraph_test_${randomBytes(6).toString('hex')}`;
    await withAdminClient((client) => client.query(`create database ${name}`));
    const target = new URL(admin);
    target.pathname = `/${name}`;
    url = target.toString();
  }
  const database = await openDatabase({ databaseUrl: url });
  const prisma = await createPrismaClient(database.sql);
  const logger = createLogger('test', process.env.LOG_LEVEL ?? 'silent');
  return {
    sql: database.sql,
    capabilities: database.capabilities,
    services: { sql: database.sql, prisma, capabilities: database.capabilities, logger },
    url,
    async close() {
      await prisma.$disconnect();
      await database.sql.close();
      if (name)
        await withAdminClient((client) =>
          client.query(`drop database if exists ${name} with (force)`),
        );
    },
  };
}

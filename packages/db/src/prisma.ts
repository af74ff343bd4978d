import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaClient } from './prisma/generated/client.ts';
import type { EmbeddedSql } from './embedded-backend.ts';
import type { PostgresSql } from './postgres-backend.ts';
import type { Sql } from './sql.ts';

export { PrismaClient };
export type { Prisma } from './prisma/generated/client.ts';
export * as PrismaModels from './prisma/generated/enums.ts';

/** A Prisma client over the same connection pool (or PGlite instance) as `sql`. */
export function createPrismaClient(sql: Sql): PrismaClient {
  if ('pglite' in sql) {
    return new PrismaClient({ adapter: new PrismaPGlite((sql as EmbeddedSql).pglite as never) });
  }
  return new PrismaClient({ adapter: new PrismaPg((sql as PostgresSql).pool) });
}

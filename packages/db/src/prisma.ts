import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './prisma/generated/client.ts';
import type { EmbeddedSql } from './embedded-backend.ts';
import type { PostgresSql } from './postgres-backend.ts';
import type { Sql } from './sql.ts';

export { PrismaClient };
export type { Prisma } from './prisma/generated/client.ts';
export * as PrismaModels from './prisma/generated/enums.ts';

/**
 * A Prisma client over the same connection pool (or PGlite instance) as `sql`. The PGlite adapter
 * is loaded only for the embedded database, which production roles never open.
 */
export async function createPrismaClient(sql: Sql): Promise<PrismaClient> {
  if ('pglite' in sql) {
    const { PrismaPGlite } = await import('pglite-prisma-adapter');
    return new PrismaClient({ adapter: new PrismaPGlite((sql as EmbeddedSql).pglite as never) });
  }
  return new PrismaClient({ adapter: new PrismaPg((sql as PostgresSql).pool) });
}

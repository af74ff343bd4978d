import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { sqlOver, StatementObservers, transactionSql, type Sql } from './sql.ts';

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

  const overClient = (client: pg.Pool | pg.PoolClient, inTransaction: boolean) =>
    sqlOver(
      'postgres',
      {
        rows: async <T>(text: string, params: unknown[]) =>
          (await client.query(text, params)).rows as T[],
        run: async (script) => {
          await client.query(script);
        },
        ...(inTransaction && {
          copyIn: (statement: string, text: Iterable<string>) =>
            pipeline(Readable.from(text), (client as pg.PoolClient).query(copyFrom(statement))),
        }),
      },
      observers,
    );

  const sql: PostgresSql = {
    ...overClient(pool, false),
    pool,
    // COPY needs one connection and a savepoint to fall back to: a transaction of its own.
    bulkLoad: (...load) => sql.transaction((tx) => tx.bulkLoad(...load)),
    async transaction(work) {
      const client = await pool.connect();
      // A connection lost mid-transaction makes the client emit 'error'; without a listener that
      // would crash the process. The statement under way rejects anyway, which is what callers see.
      const ignoreLostConnection = () => undefined;
      client.on('error', ignoreLostConnection);
      const tx = transactionSql(overClient(client, true));
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

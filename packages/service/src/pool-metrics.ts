import { Gauge, Registry } from 'prom-client';

/** What a node-postgres Pool tells about itself, read at every scrape. */
export interface ObservablePool {
  readonly totalCount: number;
  readonly idleCount: number;
  readonly waitingCount: number;
  readonly options: { readonly max?: number | undefined };
}

/**
 * The database connection pool on /metrics: connections open, idle and the most allowed, and
 * queries waiting for a connection (a pool too small, or connections held too long). A backend
 * without a pool (the embedded database) gives an empty registry: there is nothing to wait for.
 */
export function databasePoolMetrics(sql: object): Registry {
  const registry = new Registry();
  const pool = poolOf(sql);
  if (!pool) return registry;
  const gauge = (name: string, help: string, read: () => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(read());
      },
    });
  gauge(
    'plantgraph_db_pool_connections',
    'Connections the database pool holds open, busy or idle.',
    () => pool.totalCount,
  );
  gauge(
    'plantgraph_db_pool_idle_connections',
    'Open connections of the database pool that no query uses.',
    () => pool.idleCount,
  );
  gauge(
    'plantgraph_db_pool_max_connections',
    'Connections the database pool may open at most.',
    () => pool.options.max ?? 10,
  );
  gauge(
    'plantgraph_db_pool_waiting',
    'Queries waiting for a connection because every one the pool may open is busy.',
    () => pool.waitingCount,
  );
  return registry;
}

/** The pool a PostgreSQL backend exposes as `pool`; the database package's Sql type omits it. */
function poolOf(sql: object): ObservablePool | undefined {
  const pool = (sql as { pool?: Partial<ObservablePool> }).pool;
  return typeof pool?.totalCount === 'number' && typeof pool.waitingCount === 'number'
    ? (pool as ObservablePool)
    : undefined;
}

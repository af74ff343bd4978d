/** A result row; columns come back snake_case as the database names them. */
export type Row = Record<string, unknown>;

/** A column of a bulk insert: its name and the PostgreSQL type of its values. */
export interface BulkColumn {
  name: string;
  type: string;
}

export type StorageBackend = 'embedded' | 'postgres';

/**
 * The one door to the database. Both backends (node-postgres against PostgreSQL/TimescaleDB and
 * in-process PGlite+TimescaleDB) implement it with the same semantics: int8 and numeric come back
 * as JavaScript numbers, timestamptz as Date.
 */
export interface Sql {
  readonly backend: StorageBackend;
  /** Runs one parameterised statement and returns its rows. */
  query<T extends object = Row>(text: string, params?: readonly unknown[]): Promise<T[]>;
  /** Runs a script of several statements without parameters (migrations, seeds). */
  exec(script: string): Promise<void>;
  /** Runs `work` in one transaction; it commits when `work` resolves and rolls back when it throws. */
  transaction<T>(work: (tx: Sql) => Promise<T>): Promise<T>;
  /**
   * Inserts rows column-wise through `unnest`, one round trip per call. `onConflict` is appended
   * verbatim (e.g. `on conflict do nothing`) so writes can be idempotent.
   */
  bulkInsert(
    table: string,
    columns: readonly BulkColumn[],
    rows: readonly (readonly unknown[])[],
    onConflict?: string,
  ): Promise<void>;
  /** Calls `listener` with the text of every statement sent; returns the unsubscribe function. */
  observe(listener: (statement: string) => void): () => void;
  close(): Promise<void>;
}

export function bulkInsertStatement(
  table: string,
  columns: readonly BulkColumn[],
  onConflict = '',
): string {
  const names = columns.map((column) => column.name).join(', ');
  const arrays = columns.map((column, index) => `$${index + 1}::${column.type}[]`).join(', ');
  return `insert into ${table} (${names}) select * from unnest(${arrays}) ${onConflict}`.trim();
}

function arrayElement(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  const text = value instanceof Date ? value.toISOString() : String(value);
  return `"${text.replace(/[\\"]/g, '\\$&')}"`;
}

/**
 * Turns row-major values into one PostgreSQL array literal per column, the shape `unnest` wants.
 * Literals rather than driver arrays, because PGlite cannot serialise arrays of enum types.
 */
export function toColumns(
  columns: readonly BulkColumn[],
  rows: readonly (readonly unknown[])[],
): string[] {
  return columns.map((_, index) => `{${rows.map((row) => arrayElement(row[index])).join(',')}}`);
}

/** The two things a backend's driver must do; everything else of `Sql` is built on them. */
export interface DriverConnection {
  rows<T>(text: string, params: unknown[]): Promise<T[]>;
  run(script: string): Promise<void>;
}

/** The statement-level part of `Sql` over one driver connection, observed statement by statement. */
export function sqlOver(
  backend: StorageBackend,
  connection: DriverConnection,
  observers: StatementObservers,
): Omit<Sql, 'transaction' | 'close'> {
  return {
    backend,
    query<T extends object>(text: string, params: readonly unknown[] = []) {
      observers.notify(text);
      return connection.rows<T>(text, params as unknown[]);
    },
    exec(script: string) {
      observers.notify(script);
      return connection.run(script);
    },
    async bulkInsert(table, columns, rows, onConflict) {
      if (rows.length === 0) return;
      const text = bulkInsertStatement(table, columns, onConflict);
      observers.notify(text);
      await connection.rows(text, toColumns(columns, rows));
    },
    observe: (listener) => observers.add(listener),
  };
}

/** `Sql` inside a transaction: nested transactions join it, closing is the owner's business. */
export function transactionSql(statements: Omit<Sql, 'transaction' | 'close'>): Sql {
  const tx: Sql = {
    ...statements,
    transaction: (nested) => nested(tx),
    close: async () => undefined,
  };
  return tx;
}

/** Fan-out helper shared by the backends for `observe`. */
export class StatementObservers {
  readonly #listeners = new Set<(statement: string) => void>();

  add(listener: (statement: string) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  notify(statement: string): void {
    for (const listener of this.#listeners) listener(statement);
  }
}

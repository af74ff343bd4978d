import { SpanKind } from '@opentelemetry/api';
import { inSpan } from '@plantgraph/service';

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
  /**
   * Inserts rows and skips those that collide with stored ones on `conflictTarget` (e.g.
   * `(tag_id, time)`), as `bulkInsert` with `on conflict <target> do nothing` does: a replayed
   * batch is harmless. Made for the high-volume tables: on PostgreSQL the rows stream through
   * `COPY ... FROM STDIN` under a savepoint, and only a batch that collides is rolled back to it
   * and inserted again through `unnest ... on conflict do nothing`. The embedded backend takes the
   * `unnest` path directly.
   */
  bulkLoad(
    table: string,
    columns: readonly BulkColumn[],
    rows: readonly (readonly unknown[])[],
    conflictTarget: string,
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

/** COPY's text format: `\N` is NULL, and these four characters would end a field or a row. */
const COPY_ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  '\t': '\\t',
  '\n': '\\n',
  '\r': '\\r',
};

const COPY_SPECIAL = /[\\\t\n\r]/;

function copyField(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  if (value instanceof Date) return value.toISOString();
  // NaN, Infinity and -Infinity print as float8's input spells them.
  if (typeof value !== 'string') return String(value);
  if (!COPY_SPECIAL.test(value)) return value;
  return value.replace(/[\\\t\n\r]/g, (character) => COPY_ESCAPES[character] ?? character);
}

/** Rows as `COPY ... FROM STDIN` text, in pieces of `rowsPerPiece` so no string grows huge. */
export function* copyText(rows: readonly (readonly unknown[])[], rowsPerPiece = 1000) {
  // Rows come in runs that share a time (the datapoints of one message): format it once per run.
  let lastMs = Number.NaN;
  let lastTime = '';
  const field = (value: unknown): string => {
    if (!(value instanceof Date)) return copyField(value);
    if (value.getTime() !== lastMs) {
      lastMs = value.getTime();
      lastTime = value.toISOString();
    }
    return lastTime;
  };
  for (let start = 0; start < rows.length; start += rowsPerPiece) {
    let piece = '';
    for (const row of rows.slice(start, start + rowsPerPiece)) {
      piece += `${row.map(field).join('\t')}\n`;
    }
    yield piece;
  }
}

function copyStatement(table: string, columns: readonly BulkColumn[]): string {
  return `copy ${table} (${columns.map((column) => column.name).join(', ')}) from stdin`;
}

const UNIQUE_VIOLATION = '23505';

const isUniqueViolation = (error: unknown): boolean =>
  typeof error === 'object' && error !== null && 'code' in error && error.code === UNIQUE_VIOLATION;

/** The two things a backend's driver must do; everything else of `Sql` is built on them. */
export interface DriverConnection {
  rows<T>(text: string, params: unknown[]): Promise<T[]>;
  run(script: string): Promise<void>;
  /**
   * Streams `text` into `COPY ... FROM STDIN`; only a connection inside a transaction has it,
   * since `bulkLoad` needs a savepoint to fall back to.
   */
  copyIn?(statement: string, text: Iterable<string>): Promise<void>;
}

/** Statement text recorded on a span is cut here: a migration script can run to megabytes. */
const MAX_TRACED_STATEMENT = 2048;

/**
 * A CLIENT span around one statement, named by its first keyword (`SELECT`, `INSERT`, `COPY`…) as
 * OpenTelemetry's database conventions name spans without a parsed summary. The text is the
 * parameterised statement: values never reach a span.
 */
function traced<T>(
  backend: StorageBackend,
  statement: string,
  work: () => Promise<T>,
  rows?: number,
): Promise<T> {
  const operation = /^\s*(\w+)/.exec(statement)?.[1]?.toUpperCase() ?? 'SQL';
  return inSpan(
    '@plantgraph/db',
    operation,
    {
      kind: SpanKind.CLIENT,
      attributes: {
        'db.system.name': 'postgresql',
        'db.operation.name': operation,
        'db.query.text': statement.slice(0, MAX_TRACED_STATEMENT),
        'plantgraph.db.backend': backend,
        ...(rows === undefined ? {} : { 'db.operation.batch.size': rows }),
      },
    },
    work,
  );
}

/** The statement-level part of `Sql` over one driver connection, observed statement by statement. */
export function sqlOver(
  backend: StorageBackend,
  connection: DriverConnection,
  observers: StatementObservers,
): Omit<Sql, 'transaction' | 'close'> {
  const run = (script: string) => {
    observers.notify(script);
    return traced(backend, script, () => connection.run(script));
  };
  const bulkInsert: Sql['bulkInsert'] = async (table, columns, rows, onConflict) => {
    if (rows.length === 0) return;
    const text = bulkInsertStatement(table, columns, onConflict);
    observers.notify(text);
    await traced(backend, text, () => connection.rows(text, toColumns(columns, rows)), rows.length);
  };
  return {
    backend,
    query<T extends object>(text: string, params: readonly unknown[] = []) {
      observers.notify(text);
      return traced(backend, text, () => connection.rows<T>(text, params as unknown[]));
    },
    exec: run,
    bulkInsert,
    async bulkLoad(table, columns, rows, conflictTarget) {
      const onConflict = `on conflict ${conflictTarget} do nothing`;
      if (!connection.copyIn || rows.length === 0) {
        return bulkInsert(table, columns, rows, onConflict);
      }
      // COPY has no ON CONFLICT: a batch that repeats a stored row fails as a whole, so it is
      // tried under a savepoint and, only then, inserted again skipping the stored rows.
      await run('savepoint bulk_load');
      const statement = copyStatement(table, columns);
      observers.notify(statement);
      const copyIn = connection.copyIn.bind(connection);
      try {
        await traced(backend, statement, () => copyIn(statement, copyText(rows)), rows.length);
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        await run('rollback to savepoint bulk_load');
        await bulkInsert(table, columns, rows, onConflict);
      }
      await run('release savepoint bulk_load');
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

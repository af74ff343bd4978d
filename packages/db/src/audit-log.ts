import { microsOf, timestampFromMicros } from './exact-time.ts';
import type { Sql } from './sql.ts';

/**
 * The append-only audit trail: every mutation of the graph and every refused authentication,
 * with who asked, what for and how it ended. A trigger refuses updates and deletes; this module
 * holds the one writer and the one reader.
 */

/** How an audited attempt ended: ran, failed, or was refused. */
export type AuditOutcome = 'OK' | 'ERROR' | 'DENIED';

/** One entry as it is appended; `input` and `result` are stored as JSON. */
export interface NewAuditEntry {
  actor: string;
  operation: string;
  entityType: string | null;
  entityId: string | null;
  input: unknown;
  outcome: AuditOutcome;
  errorCode?: string | null;
  result?: unknown;
}

/** Appends one entry to the audit log. */
export async function appendAuditEntry(sql: Sql, entry: NewAuditEntry): Promise<void> {
  await sql.query(
    `insert into audit_log (actor, operation, entity_type, entity_id, input, outcome, error_code, result)
     values ($1, $2, $3, $4, $5::jsonb, $6, $7, $8::jsonb)`,
    [
      entry.actor,
      entry.operation,
      entry.entityType,
      entry.entityId,
      JSON.stringify(entry.input ?? null),
      entry.outcome,
      entry.errorCode ?? null,
      JSON.stringify(entry.result ?? null),
    ],
  );
}

/** An audit_log row as auditEntries returns it. */
export interface AuditLogRow {
  id: string;
  time: Date;
  /** `time` in microseconds since the epoch: the exact sort key for cursors. */
  time_us: number;
  actor: string;
  operation: string;
  entity_type: string | null;
  entity_id: string | null;
  input: unknown;
  outcome: string;
  error_code: string | null;
  result: unknown;
}

/** Which entries to read; null conditions match everything. */
export interface AuditFilter {
  entityType: string | null;
  entityId: string | null;
  /** The half-open window [from, to) of the entries' time. */
  from: Date | null;
  to: Date | null;
  /** The last entry of the previous page: its `time_us` and id. */
  after: { micros: number; id: string } | null;
  limit: number;
}

/** Audit entries newest first, filtered by entity and time, in one statement. */
export function auditEntries(sql: Sql, filter: AuditFilter): Promise<AuditLogRow[]> {
  return sql.query<AuditLogRow>(
    `select id, time, ${microsOf('time')} as time_us, actor, operation, entity_type, entity_id,
            input, outcome, error_code, result
       from audit_log
      where ($1::text is null or entity_type = $1)
        and ($2::text is null or entity_id = $2)
        and ($3::timestamptz is null or time >= $3)
        and ($4::timestamptz is null or time < $4)
        and ($5::int8 is null or (time, id) < (${timestampFromMicros('$5')}, $6::uuid))
      order by time desc, id desc
      limit $7`,
    [
      filter.entityType,
      filter.entityId,
      filter.from,
      filter.to,
      filter.after?.micros ?? null,
      filter.after?.id ?? null,
      filter.limit,
    ],
  );
}

/** Which entities' newest entry of one operation to read. */
export interface LatestAuditFilter {
  operation: string;
  entityType: string;
  entityIds: readonly string[];
}

/**
 * The newest entry of `operation` for each of the entities, in one statement (any number of
 * entities, one index range each); entities without such an entry have no row.
 */
export function latestAuditEntries(sql: Sql, filter: LatestAuditFilter): Promise<AuditLogRow[]> {
  return sql.query<AuditLogRow>(
    `select distinct on (entity_id)
            id, time, ${microsOf('time')} as time_us, actor, operation, entity_type, entity_id,
            input, outcome, error_code, result
       from audit_log
      where entity_type = $1 and entity_id = any($2::text[]) and operation = $3
      order by entity_id, time desc, id desc`,
    [filter.entityType, [...filter.entityIds], filter.operation],
  );
}

import { latestAuditEntries, type AuditLogRow, type Sql } from '@plantgraph/db';

/*
 * An acknowledgement made in Plantgraph is carried to the alarm's source (the Acknowledge method
 * of an OPC UA condition) by the connectors, which append the source's answer to the audit log.
 * The audit log is the record of that answer; this module names the entry and reads it back.
 */

/** The audit operation of an acknowledgement carried to the alarm's source. */
export const SOURCE_ACKNOWLEDGE_OPERATION = 'acknowledgeCondition';

/** The audit entity type of an alarm. */
export const ALARM_ENTITY = 'Alarm';

/** The error code of an answer that never came: the connection to the source was down. */
export const SOURCE_UNAVAILABLE = 'UNAVAILABLE';

/**
 * The error code of an acknowledgement not carried to the source: a newer alarm of the same code
 * exists, and the source's condition now stands for that activation, not this one.
 */
export const SOURCE_SUPERSEDED = 'SUPERSEDED';

/** The source's answer to the newest acknowledgement carried to it. */
export interface SourceAcknowledgement {
  alarmId: string;
  /** OK when the source accepted it, ERROR when it refused or could not be reached. */
  outcome: 'OK' | 'ERROR';
  /** The source's status code ("Good", "BadConditionBranchAlreadyAcked", …) or UNAVAILABLE. */
  statusCode: string | null;
  /** The connection that carried it. */
  connection: string | null;
  /** Why the source was not reached (down, or the alarm superseded); null when it answered. */
  message: string | null;
  at: Date;
  /** Who acknowledged in Plantgraph. */
  by: string;
}

const textOf = (record: unknown, key: string): string | null => {
  if (typeof record !== 'object' || record === null) return null;
  const value = (record as Record<string, unknown>)[key];
  return typeof value === 'string' ? value : null;
};

function fromAuditRow(row: AuditLogRow): SourceAcknowledgement {
  const ok = row.outcome === 'OK';
  return {
    alarmId: row.entity_id ?? '',
    outcome: ok ? 'OK' : 'ERROR',
    statusCode: ok ? textOf(row.result, 'statusCode') : row.error_code,
    connection: textOf(row.input, 'connection'),
    message: textOf(row.result, 'message'),
    at: row.time,
    by: row.actor,
  };
}

/**
 * The source's answer to the newest acknowledgement carried for each alarm, in one statement;
 * alarms none was carried for have no entry.
 */
export async function sourceAcknowledgements(
  sql: Sql,
  alarmIds: readonly string[],
): Promise<SourceAcknowledgement[]> {
  const rows = await latestAuditEntries(sql, {
    operation: SOURCE_ACKNOWLEDGE_OPERATION,
    entityType: ALARM_ENTITY,
    entityIds: alarmIds,
  });
  return rows.map(fromAuditRow);
}

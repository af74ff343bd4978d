/** Alarm priority, lowest first; the database enum keeps this order for sorting. */
export enum AlarmSeverity {
  LOW = 'LOW',
  MEDIUM = 'MEDIUM',
  HIGH = 'HIGH',
  CRITICAL = 'CRITICAL',
}

/**
 * Where an alarm stands in its life cycle after ISA-18.2; derived from its timestamps, never
 * stored.
 */
export enum AlarmState {
  /** Raised and still present, not yet acknowledged. */
  ACTIVE = 'ACTIVE',
  /** Acknowledged while the condition is still present. */
  ACKNOWLEDGED = 'ACKNOWLEDGED',
  /** Cleared but not acknowledged. */
  CLEARED = 'CLEARED',
  /** Cleared and acknowledged: nothing left to do. */
  CLOSED = 'CLOSED',
}

/**
 * The SQL that derives AlarmState from the timestamps of `alarm_event` aliased `e`, so filters
 * and results apply the same rule.
 */
export const alarmStateSql = `case
    when e.cleared_at is null and e.acknowledged_at is null then 'ACTIVE'
    when e.cleared_at is null then 'ACKNOWLEDGED'
    when e.acknowledged_at is null then 'CLEARED'
    else 'CLOSED'
  end`;

const SEVERITY_ORDER: readonly string[] = [
  AlarmSeverity.LOW,
  AlarmSeverity.MEDIUM,
  AlarmSeverity.HIGH,
  AlarmSeverity.CRITICAL,
];

/** Rank of a severity, LOW = 0 upwards; -1 for a value this domain does not know. */
export function severityRank(severity: string): number {
  return SEVERITY_ORDER.indexOf(severity);
}

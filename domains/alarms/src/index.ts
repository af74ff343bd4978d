/**
 * The alarms domain: alarm events raised on assets, their life-cycle state derived from their
 * timestamps, acknowledgement by an operator, and the ISA-18.2 KPIs over them. No GraphQL here:
 * the alarms subgraph is an adapter over it.
 */
export {
  acknowledgeAlarm,
  latestAlarmOf,
  type AlarmAccess,
  type AlarmAcknowledgement,
} from './alarm-acknowledgement.ts';
export { AlarmAlreadyAcknowledged, AlarmDomainError, AlarmNotFound } from './alarm-errors.ts';
export {
  activeAlarmsOfAssets,
  alarmsByIds,
  assetsOfAlarms,
  listAlarms,
  type AlarmCursor,
  type AlarmListFilter,
  type AlarmRow,
  type ListedAlarm,
} from './alarm-queries.ts';
export { AlarmSeverity, AlarmState, severityRank } from './alarm-state.ts';
export {
  ALARM_ENTITY,
  SOURCE_ACKNOWLEDGE_OPERATION,
  SOURCE_SUPERSEDED,
  SOURCE_UNAVAILABLE,
  sourceAcknowledgements,
  type SourceAcknowledgement,
} from './alarm-source-acknowledgement.ts';
export {
  alarmStatistics,
  DEFAULT_TOP,
  DEFAULT_WINDOW_MS,
  MAX_TOP,
  MAX_WINDOW_DAYS,
  type AlarmPointStatistics,
  type AlarmRate,
  type AlarmRateWindow,
  type AlarmStatistics,
  type AlarmStatisticsRequest,
} from './alarm-statistics.ts';
export {
  CLEARED_ON_RECONNECT,
  clearAlarmEvents,
  insertAlarmEvents,
  openAlarmEvents,
  type AlarmClear,
  type NewAlarmEvent,
  type OpenAlarmEvent,
} from './alarm-ingest.ts';

export type { DatapointQuality, Sample } from './sample.ts';
export { checkBucketCount, parseInterval, requireTimeZone } from './aggregate/intervals.ts';
export { latestSamples } from './latest-sample.ts';
export {
  exactTimeOfMicros,
  historyColumns,
  historyPages,
  type HistoryColumns,
  type HistoryPageKey,
  type HistorySample,
} from './sample-history.ts';
export { SAMPLE_CHUNK_ROWS, sampleChunks, sampleCount, type ExactSample } from './sample-chunks.ts';
// Exports and frames name tags by asset path; the assets domain owns those reads.
export {
  tagsByIds,
  tagsUnder,
  type TagOnAsset,
  type TagsUnderAsset,
} from '@plantgraph/assets-domain';
export {
  AggregateFunction,
  FUNCTION_COLUMN,
  GapFill,
  withoutGaps,
  type AggregateRequest,
  type BucketInterval,
  type BucketRow,
  type IntervalUnit,
  type Page,
  type SqlDialect,
} from './aggregate/aggregate-request.ts';
export {
  aggregateStatement,
  pageEndStatement,
  ROLLUP_FUNCTIONS,
  ROLLUPS,
  type AggregateStatementOptions,
  type Rollup,
  type Statement,
} from './aggregate/aggregate-statement.ts';
export {
  aggregateRows,
  chooseRollup,
  dialectFor,
  MIN_TIMESCALE_VERSION,
  pageBounds,
  type AggregateCapabilities,
  type PageBounds,
} from './aggregate/aggregate-reads.ts';
export {
  downsampledSamples,
  DownsampleMethod,
  MAX_LTTB_SAMPLES,
  type DownsampleRequest,
} from './downsample/downsample-reads.ts';
export { largestTriangleThreeBuckets, type SeriesPoint } from './downsample/lttb.ts';
export {
  currentStates,
  MachineState,
  MAX_STATE_PERIODS,
  stateHistories,
  type MachineStatePeriod,
  type StateHistoryKey,
} from './machine-states.ts';
export {
  deadLetterPage,
  requestReplay,
  type DeadLetterListing,
  type DeadLetterRow,
} from './dead-letters.ts';
export {
  ConnectionKind,
  connectionStatuses,
  ConnectionState,
  isStale,
  STALE_AFTER_MS,
  type BackfillReport,
  type ConnectionRow,
  type ServerLimits,
  type SubscriptionPlan,
} from './connection-status.ts';
export { intervalBuckets, scheduledSegments, type Segment } from './oee/buckets.ts';
export { MAX_OEE_BUCKETS, oeeFacts, type Bucketing, type OeeKey } from './oee/oee-facts.ts';
export {
  lossesOf,
  oeeBucketOf,
  type BucketFacts,
  type CounterKind,
  type CountTotal,
  type OeeFigures,
  type OeeLossLine,
  type StateTime,
} from './oee/oee-figures.ts';
export { isPlannedStop, PLANNED_STOP_REASONS } from './oee/planned-stops.ts';
export {
  mergeRanges,
  shiftOccurrences,
  type ShiftDefinition,
  type ShiftOccurrence,
  type TimeRange,
} from './oee/shift-calendar.ts';
export { shiftsOfAssets, shiftsOfSites } from './oee/shifts.ts';
export {
  insertCounterIncrements,
  insertDatapoints,
  insertMachineStates,
  type NewCounterIncrement,
  type NewDatapoint,
  type NewMachineState,
} from './ingest-writes.ts';
export { applyCounterTotals, countedSince, type CounterTotalReading } from './counter-totals.ts';
export { lastMachineStates, type LastMachineState } from './last-machine-states.ts';
export {
  insertDeadLetters,
  pendingReplays,
  settleReplay,
  type NewDeadLetter,
  type PendingReplay,
} from './dead-letter-writes.ts';
export {
  upsertConnectionStatus,
  type ConnectionStatusReport,
} from './connection-status-reports.ts';

export * from './records.ts';
export * from './plant-config.ts';
export * from './ports.ts';
export * from './mapping/index.ts';
export { IngestWriter, type IngestWriterOptions } from './writer/ingest-writer.ts';
export {
  MAX_PAYLOAD_BYTES,
  WRITER_CONNECTION,
  type QueueItem,
  type StoredDeadLetter,
} from './writer/items.ts';
export {
  HealthReporter,
  type ConnectionStatus,
  type HealthReporterOptions,
  type WriterStatus,
} from './health/health-reporter.ts';
export {
  ConnectionTracker,
  MovingRate,
  type ConnectionKind,
  type ConnectionSnapshot,
} from './health/connection-tracker.ts';
export {
  attributedSink,
  ingestMetrics,
  metricsRegistry,
  observeStored,
  UNATTRIBUTED_CONNECTION,
} from './metrics.ts';

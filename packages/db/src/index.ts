export type { BulkColumn, Row, Sql, StorageBackend } from './sql.ts';
export { copyText } from './sql.ts';
export { createPostgresSql } from './postgres-backend.ts';
export { DataDirectoryInUseError } from './data-directory-lock.ts';
export {
  probeCapabilities,
  TSL_FEATURES,
  tslFeaturesOff,
  type StorageCapabilities,
  type TimescaleLicense,
} from './capabilities.ts';
export {
  appliedMigrations,
  defaultMigrationsDir,
  migrate,
  pendingMigrations,
  MigrationChecksumError,
  readMigrations,
  SUPERSEDED_CHECKSUMS,
  type AppliedMigration,
  type MigrateOptions,
} from './migrations.ts';
export {
  openDatabase,
  SchemaNotCurrentError,
  type Database,
  type DatabaseOptions,
} from './open-database.ts';
export { migrateRole } from './migrate-role.ts';
export { exactTimeOf, isExactTime, microsOf, timestampFromMicros } from './exact-time.ts';
export { groupBy, indexBy } from './rows-by-key.ts';
export {
  appendAuditEntry,
  auditEntries,
  latestAuditEntries,
  type AuditFilter,
  type AuditLogRow,
  type AuditOutcome,
  type LatestAuditFilter,
  type NewAuditEntry,
} from './audit-log.ts';

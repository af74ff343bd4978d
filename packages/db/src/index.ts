export type { BulkColumn, Row, Sql, StorageBackend } from './sql.ts';
export { createPostgresSql } from './postgres-backend.ts';
export { createEmbeddedSql } from './embedded-backend.ts';
export { DataDirectoryInUseError } from './data-directory-lock.ts';
export { probeCapabilities, type StorageCapabilities } from './capabilities.ts';
export {
  appliedMigrations,
  defaultMigrationsDir,
  migrate,
  MigrationChecksumError,
  readMigrations,
  type AppliedMigration,
} from './migrations.ts';
export { openDatabase, type Database, type DatabaseOptions } from './open-database.ts';

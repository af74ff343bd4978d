export {
  startConnectors,
  type ConnectorRuntime,
  type ConnectorRuntimeOptions,
} from './connector-runtime.ts';
export { ConfigFollower, type ConfigFollowing } from './config-follower.ts';
export { processActor, storedConfig, type StoredConfigOptions } from './config-source.ts';
export {
  configRole,
  parseConfigCommand,
  runConfigCommand,
  type ConfigCommand,
  type ConfigCommandOutput,
} from './config-role.ts';
export { DeadLetterReplayer } from './dead-letter-replay.ts';
export { EventPublisher } from './event-publisher.ts';
export { connectorsEnvironment, connectorsRole } from './role.ts';
export {
  connectionSelection,
  selectPartition,
  spoolDirectoryName,
  type Partition,
} from './partition.ts';
export { lockSpool, SpoolInUseError, type SpoolLock } from './spool-lock.ts';

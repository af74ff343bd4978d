export {
  canonicalJson,
  configDigest,
  configVersion,
  configVersions,
  insertConfigVersion,
  latestConfigVersion,
  latestConfigVersionNumber,
  listConfigVersions,
  lockConfigVersions,
  type ConfigVersion,
  type ConfigVersionSummary,
  type NewConfigVersion,
} from './config-versions.ts';
export {
  describeConfigChange,
  diffConfigDocuments,
  type ConfigChange,
  type ConfigChangeKind,
} from './config-diff.ts';
export {
  mappingsAt,
  recordMappingLineage,
  tagLineage,
  type MappingPeriod,
  type TagMappingRecord,
  type ValueKey,
} from './mapping-lineage.ts';
export {
  applyConfigDocument,
  applyIntegrationConfig,
  InvalidConfigDocument,
  type ApplyConfigInput,
  type ApplyConfigResult,
} from './apply-config.ts';
export * from './config/index.ts';
export { followAssetMove } from './asset-moves.ts';

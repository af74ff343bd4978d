export {
  resolvePlantConfig,
  type ResolvedPlantConfig,
  type ResolvedTagMapping,
  type ResolvedStateMapping,
  type ResolvedCounterMapping,
  type ResolvedAlarmMapping,
  type ResolvedSparkplugDiscovery,
  type ResolvedEventMapping,
} from './resolve.ts';
export { createSignalMapper, type PlantSignalMapper } from './signal-mapper.ts';
export { discoverTag } from './discovery.ts';
export {
  discoverSparkplugTag,
  sparkplugTagDataType,
  type SparkplugBirthMetric,
} from './sparkplug-discovery.ts';
export {
  parseUmhTopic,
  umhSettings,
  UMH_HISTORIAN,
  UMH_PREFIX,
  type UmhSettings,
  type UmhTopic,
} from './umh-topic.ts';
// UNS topics' spelling of names, which discovery matches: part of the mapping's vocabulary.
export { slugify } from '@plantgraph/assets-domain';

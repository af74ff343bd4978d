export {
  loadPlantConfig,
  parsePlantConfig,
  formatConfigPath,
  type PlantConfigInput,
} from './config-file.ts';
export {
  resolvePlantConfig,
  type ResolvedPlantConfig,
  type ResolvedTagMapping,
  type ResolvedStateMapping,
  type ResolvedCounterMapping,
  type ResolvedAlarmMapping,
} from './resolve.ts';
export { createSignalMapper, type PlantSignalMapper } from './signal-mapper.ts';
export { discoverTag, slugify } from './discovery.ts';
export { sourceAddress } from './sources.ts';
export { topicMatches } from './topic.ts';

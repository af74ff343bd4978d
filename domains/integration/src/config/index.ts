/**
 * The integration configuration's language: connections, templates, instances and mappings, how
 * a document is read, validated and expanded. The connectors run it; the graph validates what is
 * applied with the same rules.
 */
export * from './plant-config.ts';
export * from './backfill.ts';
export * from './vocabulary.ts';
export {
  formatConfigPath,
  loadPlantConfig,
  parsePlantConfig,
  parsePlantConfigText,
  preparePlantConfig,
  readPlantConfigDocument,
  type PlantConfigEnv,
  type PlantConfigInput,
} from './config-file.ts';
export {
  isFieldPath,
  parseFieldPath,
  pickElement,
  type ElementSelector,
  type FieldPath,
  type Picked,
} from './element-path.ts';
export { isPlainObject, parseJsonPath, readJsonPath, type JsonPath } from './json-path.ts';
export { sourceAddress, sourceMismatch, sourceText } from './sources.ts';
export { hasWildcard, topicFilterProblem, topicMatches } from './topic.ts';

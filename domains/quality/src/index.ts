/**
 * The quality domain: characteristics and their specification limits, measurements judged
 * against them, and SPC over the measurements (statistics, capability, X-bar/R charts with the
 * Western Electric rules). No GraphQL here: the quality subgraph is an adapter over it.
 */
export {
  allCharacteristics,
  characteristicsByIds,
  type CharacteristicRow,
} from './characteristics.ts';
export {
  isInSpec,
  recordMeasurement,
  type MeasurementAccess,
  type NewMeasurement,
} from './measurement-recording.ts';
export {
  measurementPages,
  measurementsByIds,
  type MeasurementCursor,
  type MeasurementPageKey,
  type MeasurementParent,
  type MeasurementRow,
} from './measurements.ts';
export { capabilityIndices, type CapabilityIndices, type SpecLimits } from './spc/capability.ts';
export {
  characteristicStatistics,
  measurementSummaries,
  type CharacteristicStatistics,
  type MeasurementSummary,
} from './spc/characteristic-statistics.ts';
export {
  controlChartConstants,
  DEFAULT_SUBGROUP_SIZE,
  MAX_SUBGROUP_SIZE,
  MIN_SUBGROUP_SIZE,
  type ControlChartConstants,
} from './spc/control-chart-constants.ts';
export {
  controlCharts,
  MAX_CONTROL_CHART_MEASUREMENTS,
  type ControlChart,
  type ControlChartSubgroup,
  type ControlLimits,
} from './spc/control-chart.ts';
export { checkSubgroupSize, type SpcKey } from './spc/spc-measurements.ts';
export { westernElectricViolations } from './spc/western-electric.ts';

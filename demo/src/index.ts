export { seedDemoPlant, seedIfEmpty, type SeedSummary } from './seed.ts';
export { startPlant, type PlantOptions, type RunningPlant } from './plant.ts';
export { subgraphModules } from './subgraph-modules.ts';

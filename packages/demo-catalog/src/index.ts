export * from './catalog.ts';
export * from './plant.ts';
export * from './random.ts';
export * from './addresses.ts';
export * from './demo-plant-config.ts';

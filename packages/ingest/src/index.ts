export * from './records.ts';
export * from './plant-config.ts';
export * from './ports.ts';

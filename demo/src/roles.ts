/**
 * The roles that play or fill the demo plant. Built apart from the production roles
 * (dist/plant/), so that a production image carries no simulator or seed code.
 */
export { demoRole } from './demo-role.ts';
export { seedRole } from './seed-role.ts';
export { simulatorRole } from '@plantgraph/simulator';

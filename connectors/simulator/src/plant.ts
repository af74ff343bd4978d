import { SITES, buildPlant, type PlantEquipment } from '@plantgraph/demo-catalog';
import { Machine, type MachineOptions } from './machine.ts';

/**
 * The demo plant's equipment at one site, optionally only some areas. The whole plant is built so
 * every tag gets the phase and counter start the seeded history used.
 */
export function siteEquipment(site: string, areas?: readonly string[]): PlantEquipment[] {
  const equipment = buildPlant({ sites: SITES }).equipment.filter(
    (item) => item.site.name === site && (!areas || areas.includes(item.area.name)),
  );
  if (equipment.length === 0) throw new Error(`The demo plant has no equipment at ${site}`);
  return equipment;
}

/** One machine per equipment, all on the same seed, speed and start. */
export function createMachines(
  equipment: readonly PlantEquipment[],
  options: MachineOptions = {},
): Machine[] {
  const start = options.start ?? Date.now();
  return equipment.map((item) => new Machine(item, { ...options, start }));
}

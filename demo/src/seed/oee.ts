import type { Plant, SiteSpec } from '@plantgraph/demo-catalog';

/** Rows in the column order of the insert statements in seed.ts. */
export type ShiftRow = [string, string, string, string, string];
export type IdealCycleTimeRow = [string, string | null, number];

/** Three eight-hour shifts a day, every day: the demo plant never stops planning. */
const SHIFTS = [
  ['Early', '06:00', '14:00'],
  ['Late', '14:00', '22:00'],
  ['Night', '22:00', '06:00'],
] as const;

/**
 * The simulated machines run at their type's `partsPerMinute`; their nameplate is faster, so the
 * demo's performance sits near 90 %, and near 80 % on each area's first material, a part the
 * machines could run faster still.
 */
const RATED_CYCLE = 0.9;
const RATED_CYCLE_FIRST_MATERIAL = 0.8;

/** The shift calendar of every site, in the site's time zone. */
export function shiftRows(plant: Plant, sites: readonly SiteSpec[]): ShiftRow[] {
  return sites.flatMap((site) => {
    const asset = plant.assets.find(
      (candidate) => candidate.kind === 'SITE' && candidate.name === site.name,
    );
    if (!asset) throw new Error(`the plant has no site ${site.name}`);
    return SHIFTS.map(([name, start, end]): ShiftRow => [
      asset.id,
      name,
      start,
      end,
      site.timezone,
    ]);
  });
}

/** Each machine's default ideal cycle time and an override for its area's first material. */
export function idealCycleTimeRows(plant: Plant): IdealCycleTimeRow[] {
  return plant.equipment.flatMap((equipment) => {
    const cycle = 60 / equipment.type.partsPerMinute;
    const seconds = (factor: number) => Math.round(cycle * factor * 100) / 100;
    const [material] = equipment.area.materials;
    const rows: IdealCycleTimeRow[] = [[equipment.asset.id, null, seconds(RATED_CYCLE)]];
    if (material) rows.push([equipment.asset.id, material, seconds(RATED_CYCLE_FIRST_MATERIAL)]);
    return rows;
  });
}

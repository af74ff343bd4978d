import { SITES, type SiteSpec } from '@plantgraph/demo-catalog';
import type { PlantLayout } from '@plantgraph/demo-catalog';
import type { AlarmShape } from './history.ts';
import type { TimelineShape } from './timeline.ts';

export type SeedSize = 'demo' | 'small';

/** What a seed size means: which part of the plant, how much history and how busy it was. */
export interface SizeShape {
  layout: PlantLayout;
  timeline: TimelineShape;
  alarms: AlarmShape;
  /** Minutes between quality samples of a running machine. */
  measurementEvery: number;
}

/** The first line of the first area of the first site, machines straight under the line. */
function smallLayout([site]: readonly SiteSpec[]): PlantLayout {
  const area = site?.areas[0];
  const line = area?.lines[0];
  if (!site || !area || !line) throw new Error('the demo layout has no line to take');
  const equipment = line.equipment.map(({ cell: _cell, ...spec }) => spec);
  return {
    sites: [{ ...site, areas: [{ ...area, lines: [{ ...line, equipment }] }] }],
    tagNames: ['Motor Current', 'Part Count', 'Program Name'],
  };
}

export const SIZES: Record<SeedSize, SizeShape> = {
  demo: {
    layout: { sites: SITES },
    timeline: {
      minutes: 3 * 24 * 60,
      completedOrders: 4,
      currentRun: [300, 900],
      setup: [20, 45],
      maintenance: [60, 120],
      maintenanceChance: 0.15,
      lead: [60, 300],
      meanRunning: 110,
      gapCount: [0, 2],
      gapLength: [10, 40],
    },
    alarms: { warningsPerDay: 2, activeWarningChance: 0.25 },
    measurementEvery: 120,
  },
  small: {
    layout: smallLayout(SITES),
    timeline: {
      minutes: 4 * 60,
      completedOrders: 1,
      currentRun: [70, 110],
      setup: [12, 20],
      maintenance: [20, 30],
      maintenanceChance: 0.25,
      lead: [30, 90],
      meanRunning: 60,
      gapCount: [0, 1],
      gapLength: [5, 12],
    },
    alarms: { warningsPerDay: 6, activeWarningChance: 0.25 },
    measurementEvery: 30,
  },
};

import {
  IDLE_REASONS,
  STOP_REASONS,
  type EquipmentSpec,
  type EquipmentType,
  type MachineState,
} from '@plantgraph/demo-catalog';
import type { Random } from '@plantgraph/demo-catalog';

/** Minutes are offsets from the first minute of the history; the history covers [0, minutes). */
export interface Span {
  start: number;
  end: number;
  state: MachineState;
  reason: string | null;
}

/** One production order on a machine: changeover from `changeoverStart`, production from `runStart`. */
export interface Run {
  material: string;
  changeoverStart: number;
  /** Minutes of preventive maintenance at the start of the changeover; usually 0. */
  maintenance: number;
  runStart: number;
  /** End of production; the history's end for the order still running. */
  end: number;
  current: boolean;
}

/** Minutes in which the machine's OPC UA connection was down: no samples, an alarm. */
export interface Gap {
  start: number;
  end: number;
}

export interface Timeline {
  spans: Span[];
  runs: Run[];
  gaps: Gap[];
}

type Range = readonly [number, number];

/** How long things take; the two seed sizes differ only in these numbers. */
export interface TimelineShape {
  minutes: number;
  completedOrders: number;
  currentRun: Range;
  setup: Range;
  maintenance: Range;
  /** Chance that a changeover starts with preventive maintenance. */
  maintenanceChance: number;
  /** How long the oldest order had been running when the history starts. */
  lead: Range;
  meanRunning: number;
  gapCount: Range;
  gapLength: Range;
}

const INTERRUPTIONS = [
  ['IDLE', 0.4],
  ['DOWN', 0.35],
  ['STOPPED', 0.25],
] as const;

const INTERRUPTION_LENGTH: Record<(typeof INTERRUPTIONS)[number][0], Range> = {
  IDLE: [3, 20],
  DOWN: [5, 45],
  STOPPED: [10, 30],
};

/** Lays out a machine's orders, states and connection gaps over the history. */
export function planTimeline(
  type: EquipmentType,
  equipment: EquipmentSpec,
  materials: readonly string[],
  shape: TimelineShape,
  random: Random,
): Timeline {
  const runs = planRuns(materials, shape, random);
  let spans = runs.flatMap((run) => [
    ...changeoverSpans(run),
    ...productionSpans(run, type, shape, random),
  ]);
  // The last quarter hour or so is pinned, so which machines stand at the end is chosen by the
  // layout rather than by chance.
  const tailStart = shape.minutes - random.int(8, 25);
  spans = clip(spans, tailStart);
  spans.push({
    start: tailStart,
    end: shape.minutes,
    ...(equipment.endsIn ?? { state: 'RUNNING', reason: null }),
  });
  return { spans: merge(spans), runs, gaps: planGaps(shape, random) };
}

function planRuns(materials: readonly string[], shape: TimelineShape, random: Random): Run[] {
  const changeover = () => {
    const maintenance = random.chance(shape.maintenanceChance)
      ? random.int(...shape.maintenance)
      : 0;
    return { maintenance, length: maintenance + random.int(...shape.setup) };
  };
  const current = changeover();
  const currentRunStart = shape.minutes - random.int(...shape.currentRun);
  const currentChangeoverStart = currentRunStart - current.length;
  const firstRunStart = -random.int(...shape.lead);
  const weights = Array.from({ length: shape.completedOrders }, () => random.between(0.8, 1.2));
  const totalWeight = weights.reduce((sum, weight) => sum + weight, 0);
  const available = currentChangeoverStart - firstRunStart;

  const runs: Run[] = [];
  for (const [index, weight] of weights.entries()) {
    const { maintenance, length } = changeover();
    const changeoverStart = runs.at(-1)?.end ?? firstRunStart - length;
    const runStart = changeoverStart + length;
    const end =
      index === weights.length - 1
        ? currentChangeoverStart
        : runStart + Math.round((available * weight) / totalWeight);
    const material = random.pick(materials);
    runs.push({ material, changeoverStart, maintenance, runStart, end, current: false });
  }
  runs.push({
    material: random.pick(materials),
    changeoverStart: currentChangeoverStart,
    maintenance: current.maintenance,
    runStart: currentRunStart,
    end: shape.minutes,
    current: true,
  });
  return runs;
}

function changeoverSpans(run: Run): Span[] {
  const setupStart = run.changeoverStart + run.maintenance;
  const setup: Span = {
    start: setupStart,
    end: run.runStart,
    state: 'SETUP',
    reason: 'CHANGEOVER',
  };
  if (run.maintenance === 0) return [setup];
  return [
    { start: run.changeoverStart, end: setupStart, state: 'MAINTENANCE', reason: 'PREVENTIVE' },
    setup,
  ];
}

function productionSpans(
  run: Run,
  type: EquipmentType,
  shape: TimelineShape,
  random: Random,
): Span[] {
  const spans: Span[] = [];
  let cursor = run.runStart;
  while (cursor < run.end) {
    const running = random.exponential(shape.meanRunning, 15);
    spans.push({
      start: cursor,
      end: Math.min(run.end, cursor + running),
      state: 'RUNNING',
      reason: null,
    });
    cursor += running;
    if (cursor >= run.end) break;
    const state = random.weighted(INTERRUPTIONS);
    const length = random.int(...INTERRUPTION_LENGTH[state]);
    const reason =
      state === 'DOWN'
        ? random.weighted(
            type.downReasons.map((code, index, all) => [code, all.length - index] as const),
          )
        : random.pick(state === 'IDLE' ? IDLE_REASONS : STOP_REASONS);
    spans.push({ start: cursor, end: Math.min(run.end, cursor + length), state, reason });
    cursor += length;
  }
  return spans;
}

function planGaps(shape: TimelineShape, random: Random): Gap[] {
  const count = random.int(...shape.gapCount);
  const candidates = Array.from({ length: count }, () => {
    const length = random.int(...shape.gapLength);
    const start = random.int(Math.floor(shape.minutes / 4), shape.minutes - length - 30);
    return { start, end: start + length };
  }).sort((a, b) => a.start - b.start);
  const gaps: Gap[] = [];
  for (const gap of candidates) {
    if (gap.start > (gaps.at(-1)?.end ?? -1)) gaps.push(gap);
  }
  return gaps;
}

/** Keeps the parts of `spans` inside [0, end). */
function clip(spans: readonly Span[], end: number): Span[] {
  return spans
    .map((span) => ({ ...span, start: Math.max(0, span.start), end: Math.min(end, span.end) }))
    .filter((span) => span.start < span.end);
}

function merge(spans: readonly Span[]): Span[] {
  const merged: Span[] = [];
  for (const span of spans) {
    const previous = merged.at(-1);
    if (previous && previous.state === span.state && previous.reason === span.reason) {
      previous.end = span.end;
    } else {
      merged.push({ ...span });
    }
  }
  return merged;
}

/** The span covering minute `m`. */
export function spanAt(spans: readonly Span[], m: number): Span | undefined {
  return spans.find((span) => span.start <= m && m < span.end);
}

/** The order a machine works on at minute `m`: the one whose changeover or production covers it. */
export function runAt(runs: readonly Run[], m: number): Run | undefined {
  return runs.find((run) => run.changeoverStart <= m && m < run.end);
}

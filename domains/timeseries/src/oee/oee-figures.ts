import { MachineState } from '../machine-states.ts';
import { isPlannedStop } from './planned-stops.ts';
import type { TimeRange } from './shift-calendar.ts';

export type CounterKind = 'GOOD' | 'REJECT' | 'TOTAL';

/** Seconds one machine spent in one state and reason within a bucket's scheduled time. */
export interface StateTime {
  assetId: string;
  state: MachineState;
  reason: string | null;
  seconds: number;
}

/** Parts one machine counted of one kind within a bucket's scheduled time, per ideal cycle time. */
export interface CountTotal {
  assetId: string;
  kind: CounterKind;
  /** The ideal cycle time of the parts' material on the machine; null when none is known. */
  idealSeconds: number | null;
  count: number;
}

/** What the database knows about a bucket: time by state and counts, per machine. */
export interface BucketFacts extends TimeRange {
  states: StateTime[];
  counts: CountTotal[];
}

interface MachineFigures {
  plannedTime: number;
  runTime: number;
  totalCount: number;
  goodCount: number;
  /** Σ ideal cycle time × total count. */
  idealTime: number;
  /** Whether some counted parts have no ideal cycle time. */
  idealUnknown: boolean;
}

/** OEE of one bucket over every machine at or below an asset; times in seconds. */
export interface OeeFigures {
  from: Date;
  to: Date;
  /** Run time / planned production time; null without planned production time. */
  availability: number | null;
  /** Ideal cycle time × total count / run time; null without run time or ideal cycle times. */
  performance: number | null;
  /** Good count / total count; null when nothing was counted. */
  quality: number | null;
  /** availability × performance × quality; 0 when one is 0, else null when one is null. */
  oee: number | null;
  plannedTime: number;
  runTime: number;
  totalCount: number;
  goodCount: number;
}

/** Unplanned stop time of one state and reason, a line of the Pareto. */
export interface OeeLossLine {
  state: MachineState;
  reason: string | null;
  /** Seconds lost, summed over the machines. */
  duration: number;
  /** Fraction of all unplanned stop time, 0 to 1. */
  share: number;
  /** Share of this line and all longer ones. */
  cumulativeShare: number;
}

const ratio = (part: number, whole: number) => (whole > 0 ? part / whole : null);

/**
 * OEE of a bucket. Times and counts are summed over the machines first and the ratios taken of
 * the sums, so a machine weighs with its planned time and output rather than counting once.
 */
export function oeeBucketOf(facts: BucketFacts): OeeFigures {
  const machines = [...machineFigures(facts).values()];
  const sum = (pick: (machine: MachineFigures) => number, of = machines) =>
    of.reduce((total, machine) => total + pick(machine), 0);
  const rated = machines.filter((machine) => !machine.idealUnknown);
  const plannedTime = sum((machine) => machine.plannedTime);
  const runTime = sum((machine) => machine.runTime);
  const totalCount = sum((machine) => machine.totalCount);
  const goodCount = sum((machine) => machine.goodCount);
  const availability = ratio(runTime, plannedTime);
  const performance = ratio(
    sum((machine) => machine.idealTime, rated),
    sum((machine) => machine.runTime, rated),
  );
  const quality = ratio(goodCount, totalCount);
  return {
    from: new Date(facts.start),
    to: new Date(facts.end),
    availability,
    performance,
    quality,
    oee: product([availability, performance, quality]),
    plannedTime,
    runTime,
    totalCount,
    goodCount,
  };
}

/** 0 when a factor is 0 (a machine that never ran has no OEE), else null when one is unknown. */
function product(factors: readonly (number | null)[]): number | null {
  if (factors.includes(0)) return 0;
  const known = factors.filter((factor): factor is number => factor !== null);
  return known.length === factors.length
    ? known.reduce((total, factor) => total * factor, 1)
    : null;
}

function machineFigures(facts: BucketFacts): Map<string, MachineFigures> {
  const machines = new Map<string, MachineFigures>();
  const machine = (assetId: string) => {
    let figures = machines.get(assetId);
    if (!figures) {
      figures = {
        plannedTime: 0,
        runTime: 0,
        totalCount: 0,
        goodCount: 0,
        idealTime: 0,
        idealUnknown: false,
      };
      machines.set(assetId, figures);
    }
    return figures;
  };
  for (const { assetId, state, reason, seconds } of facts.states) {
    if (isPlannedStop(state, reason)) continue;
    machine(assetId).plannedTime += seconds;
    if (state === MachineState.RUNNING) machine(assetId).runTime += seconds;
  }
  for (const group of countGroups(facts.counts)) {
    const figures = machine(group.assetId);
    const total = group.kinds.has('TOTAL') ? group.TOTAL : group.GOOD + group.REJECT;
    const good = group.kinds.has('GOOD') ? group.GOOD : total - group.REJECT;
    figures.totalCount += total;
    figures.goodCount += Math.min(Math.max(good, 0), total);
    if (group.idealSeconds === null) figures.idealUnknown ||= total > 0;
    else figures.idealTime += group.idealSeconds * total;
  }
  return machines;
}

type CountGroup = Record<CounterKind, number> & {
  assetId: string;
  idealSeconds: number | null;
  kinds: Set<CounterKind>;
};

/**
 * Counts per machine and ideal cycle time. Machines count in different ways: GOOD and REJECT,
 * TOTAL and REJECT, or all three; the total is TOTAL where counted, else GOOD + REJECT, and good
 * is GOOD where counted, else TOTAL − REJECT.
 */
function countGroups(counts: readonly CountTotal[]): CountGroup[] {
  const groups = new Map<string, CountGroup>();
  for (const { assetId, kind, idealSeconds, count } of counts) {
    const key = `${assetId}|${idealSeconds}`;
    let group = groups.get(key);
    if (!group) {
      group = { assetId, idealSeconds, kinds: new Set(), GOOD: 0, REJECT: 0, TOTAL: 0 };
      groups.set(key, group);
    }
    group.kinds.add(kind);
    group[kind] += count;
  }
  return [...groups.values()];
}

/**
 * The Pareto of unplanned stops: time in planned production time that was neither RUNNING nor a
 * planned stop, by state and reason over all machines, longest first.
 */
export function lossesOf(buckets: readonly BucketFacts[]): OeeLossLine[] {
  const lines = new Map<string, { state: MachineState; reason: string | null; duration: number }>();
  for (const { state, reason, seconds } of buckets.flatMap((bucket) => bucket.states)) {
    if (state === MachineState.RUNNING || isPlannedStop(state, reason)) continue;
    const key = `${state}|${reason ?? ''}|${reason === null}`;
    const line = lines.get(key) ?? { state, reason, duration: 0 };
    line.duration += seconds;
    lines.set(key, line);
  }
  const sorted = [...lines.values()]
    .filter((line) => line.duration > 0)
    .sort(
      (a, b) =>
        b.duration - a.duration ||
        a.state.localeCompare(b.state) ||
        (a.reason ?? '').localeCompare(b.reason ?? ''),
    );
  const total = sorted.reduce((sum, line) => sum + line.duration, 0);
  let cumulative = 0;
  return sorted.map((line) => {
    cumulative += line.duration;
    return {
      ...line,
      share: line.duration / total,
      cumulativeShare: cumulative / total,
    };
  });
}

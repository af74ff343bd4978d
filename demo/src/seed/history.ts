import { randomUUID } from 'node:crypto';
import {
  ACKNOWLEDGE_COMMENTS,
  ALARMS,
  type AlarmSeverity,
  type CharacteristicSpec,
} from '@plantgraph/demo-catalog';
import type { Clock } from './clock.ts';
import type { PlantEquipment } from '@plantgraph/demo-catalog';
import type { Random } from '@plantgraph/demo-catalog';
import { runAt, spanAt, type Run, type Timeline } from './timeline.ts';

/** Rows in the column order of the insert statements in seed.ts. */
export type MachineStateRow = [Date, string, string, string | null];
export type CounterRow = [Date, string, 'GOOD' | 'REJECT', number, string | null];
export type MeasurementRow = [string, string, string | null, Date, number, boolean];
export type AlarmRow = [
  string,
  string,
  string,
  AlarmSeverity,
  Date,
  Date | null,
  Date | null,
  string | null,
  string | null,
];
export type EventRow = [Date, string, number | null, string | null];

export type OrderStatus =
  'CREATED' | 'RELEASED' | 'DOWNLOADING' | 'DOWNLOADED' | 'RUNNING' | 'COMPLETED';

export interface PlannedOrder {
  id: string;
  assetId: string;
  equipmentIndex: number;
  material: string;
  quantity: number;
  priority: number;
  status: OrderStatus;
  /** Minute offsets, like everything in a timeline. */
  createdAt: number;
  updatedAt: number;
  dueAt: number;
  changes: StatusChange[];
  run: Run | null;
}

interface StatusChange {
  status: OrderStatus;
  at: number;
}

/** The order's status and time-stamps as its trail of status changes implies them. */
function trail(first: StatusChange, ...rest: StatusChange[]) {
  const last = rest.at(-1) ?? first;
  return {
    changes: [first, ...rest],
    status: last.status,
    createdAt: first.at,
    updatedAt: last.at,
  };
}

export interface SampledCharacteristic {
  id: string;
  spec: CharacteristicSpec;
}

const DOOR_OPEN_STATES = new Set(['SETUP', 'MAINTENANCE']);

export function machineStateRows(
  equipment: PlantEquipment,
  timeline: Timeline,
  clock: Clock,
): MachineStateRow[] {
  return timeline.spans.map((span) => [
    clock.at(span.start),
    equipment.asset.id,
    span.state,
    span.reason,
  ]);
}

/**
 * One order per production run (the last still RUNNING, the others COMPLETED), then one RELEASED
 * and one CREATED order waiting in the queue.
 */
export function planOrders(
  equipment: PlantEquipment,
  timeline: Timeline,
  minutes: number,
  random: Random,
): PlannedOrder[] {
  const rate = equipment.type.partsPerMinute;
  const planned = (runMinutes: number) =>
    Math.max(10, Math.ceil((rate * runMinutes * 0.85) / 10) * 10);
  const base = () => ({
    id: randomUUID(),
    assetId: equipment.asset.id,
    equipmentIndex: equipment.index,
    priority: random.weighted([
      [0, 0.6],
      [1, 0.25],
      [2, 0.1],
      [3, 0.05],
    ] as const),
  });

  const orders: PlannedOrder[] = timeline.runs.map((run) => {
    const created = run.changeoverStart - random.int(360, 2880);
    const released = Math.min(created + random.int(30, 240), run.changeoverStart - 3);
    const changes: StatusChange[] = [
      { status: 'RELEASED', at: released },
      { status: 'DOWNLOADING', at: run.changeoverStart - 2 },
      { status: 'DOWNLOADED', at: run.changeoverStart - 1 },
      { status: 'RUNNING', at: run.runStart },
    ];
    if (!run.current) changes.push({ status: 'COMPLETED', at: run.end });
    const late = !run.current && random.chance(0.15);
    return {
      ...base(),
      material: run.material,
      quantity: planned(run.end - run.runStart + (run.current ? random.int(120, 600) : 0)),
      dueAt: late ? run.end - random.int(30, 300) : run.end + random.int(60, 1440),
      ...trail({ status: 'CREATED', at: created }, ...changes),
      run,
    };
  });

  const releasedCreated = minutes - random.int(240, 720);
  orders.push({
    ...base(),
    material: random.pick(equipment.area.materials),
    quantity: planned(random.int(300, 900)),
    dueAt: minutes + random.int(720, 2880),
    ...trail(
      { status: 'CREATED', at: releasedCreated },
      { status: 'RELEASED', at: Math.min(minutes - 1, releasedCreated + random.int(20, 180)) },
    ),
    run: null,
  });
  orders.push({
    ...base(),
    material: random.pick(equipment.area.materials),
    quantity: planned(random.int(300, 900)),
    dueAt: minutes + random.int(2880, 5760),
    ...trail({ status: 'CREATED', at: minutes - random.int(5, 300) }),
    run: null,
  });
  return orders;
}

/** Order numbers follow creation time across the plant, like an ERP's number range. */
export function numberOrders(
  orders: readonly PlannedOrder[],
  year: number,
): (PlannedOrder & { number: string })[] {
  return [...orders]
    .sort((a, b) => a.createdAt - b.createdAt || a.equipmentIndex - b.equipmentIndex)
    .map((order, index) => ({
      ...order,
      number: `PO-${year}-${String(101 + index).padStart(6, '0')}`,
    }));
}

/** Running minutes up to and including each minute; the Part Count tag is derived from it in SQL. */
function cumulativeRunning(timeline: Timeline, minutes: number): number[] {
  const cumulative: number[] = [];
  let running = 0;
  for (let m = 0; m < minutes; m++) {
    if (spanAt(timeline.spans, m)?.state === 'RUNNING') running++;
    cumulative.push(running);
  }
  return cumulative;
}

/**
 * GOOD and REJECT increments per five minutes of running. Over the history they add up to exactly
 * what the Part Count tag advances by: both floor the same expression of running minutes.
 */
export function counterRows(
  equipment: PlantEquipment,
  timeline: Timeline,
  orders: readonly PlannedOrder[],
  counterStart: number,
  clock: Clock,
  random: Random,
): CounterRow[] {
  const { partsPerMinute, rejectRate } = equipment.type;
  const cumulative = cumulativeRunning(timeline, clock.minutes);
  // Before the first minute nothing has run yet: cumulative[-1] is undefined, counted as 0.
  const count = (m: number) => Math.floor(counterStart + partsPerMinute * (cumulative[m] ?? 0));
  const rows: CounterRow[] = [];
  for (let bucket = 0; bucket < clock.minutes; bucket += 5) {
    const last = Math.min(bucket + 5, clock.minutes) - 1;
    const total = count(last) - count(bucket - 1);
    if (total <= 0) continue;
    let rejects = 0;
    for (let part = 0; part < total; part++) if (random.chance(rejectRate)) rejects++;
    const orderId = orderIdAt(orders, bucket);
    const at = clock.at(bucket);
    if (total > rejects) rows.push([at, equipment.asset.id, 'GOOD', total - rejects, orderId]);
    if (rejects > 0) rows.push([at, equipment.asset.id, 'REJECT', rejects, orderId]);
  }
  return rows;
}

function orderIdAt(orders: readonly PlannedOrder[], m: number): string | null {
  const run = runAt(
    orders.flatMap((order) => (order.run ? [order.run] : [])),
    m,
  );
  return orders.find((order) => order.run === run)?.id ?? null;
}

/** A sample every `every` minutes while the machine runs, mostly in spec with a few outliers. */
export function measurementRows(
  equipment: PlantEquipment,
  timeline: Timeline,
  orders: readonly PlannedOrder[],
  characteristics: readonly SampledCharacteristic[],
  every: number,
  clock: Clock,
  random: Random,
): MeasurementRow[] {
  const rows: MeasurementRow[] = [];
  for (let m = random.int(0, every - 1); m < clock.minutes; m += every) {
    if (spanAt(timeline.spans, m)?.state !== 'RUNNING') continue;
    for (const characteristic of characteristics) {
      const value = sample(characteristic.spec, random);
      rows.push([
        characteristic.id,
        equipment.asset.id,
        orderIdAt(orders, m),
        clock.at(m),
        value,
        inSpec(characteristic.spec, value),
      ]);
    }
  }
  return rows;
}

function sample(spec: CharacteristicSpec, random: Random): number {
  const limits = [spec.lsl, spec.usl].filter((limit): limit is number => limit !== null);
  const halfTolerance = Math.min(...limits.map((limit) => Math.abs(limit - spec.target)));
  let value = spec.target + (random.gauss() * halfTolerance) / 3;
  if (random.chance(0.03)) {
    const limit = random.pick(limits);
    value = limit + Math.sign(limit - spec.target) * halfTolerance * random.between(0.05, 0.3);
  }
  // Without a lower limit the quantity is a magnitude (roughness, dirt) and cannot go negative.
  if (spec.lsl === null) value = Math.abs(value);
  const scale = 10 ** spec.decimals;
  return Math.round(value * scale) / scale;
}

function inSpec(spec: CharacteristicSpec, value: number): boolean {
  return (spec.lsl === null || value >= spec.lsl) && (spec.usl === null || value <= spec.usl);
}

export interface AlarmShape {
  warningsPerDay: number;
  activeWarningChance: number;
}

/**
 * An alarm for every DOWN period and connection gap, plus process warnings that come and go.
 * Alarms still open at the end of the history stay active.
 */
export function alarmRows(
  equipment: PlantEquipment,
  timeline: Timeline,
  shape: AlarmShape,
  clock: Clock,
  random: Random,
): AlarmRow[] {
  const end = clock.minutes;
  const raised: { code: string; from: number; to: number | null }[] = [
    ...timeline.spans.flatMap((span) =>
      span.state === 'DOWN' && span.reason
        ? [{ code: span.reason, from: span.start, to: span.end < end ? span.end : null }]
        : [],
    ),
    ...timeline.gaps.map((gap) => ({ code: 'COMM_LOSS', from: gap.start, to: gap.end })),
  ];
  const warnings = random.int(0, Math.round((2 * shape.warningsPerDay * end) / 1440));
  for (let index = 0; index < warnings; index++) {
    const from = random.int(0, end - 1);
    const to = from + random.int(2, 40);
    raised.push({ code: random.pick(equipment.type.warnings), from, to: to < end ? to : null });
  }
  if (random.chance(shape.activeWarningChance)) {
    raised.push({
      code: random.pick(equipment.type.warnings),
      from: end - random.int(5, 90),
      to: null,
    });
  }

  return raised
    .sort((a, b) => a.from - b.from)
    .map(({ code, from, to }) => {
      const alarm = ALARMS[code];
      if (!alarm) throw new Error(`no alarm text for ${code}`);
      const acknowledgedAt = from + random.int(1, 12);
      const acknowledged = random.chance(to === null ? 0.5 : 0.8) && acknowledgedAt < end;
      return [
        equipment.asset.id,
        code,
        alarm.message,
        alarm.severity,
        clock.at(from),
        to === null ? null : clock.at(to),
        acknowledged ? clock.at(acknowledgedAt) : null,
        acknowledged ? random.pick(equipment.site.operators) : null,
        acknowledged && random.chance(0.4) ? random.pick(ACKNOWLEDGE_COMMENTS) : null,
      ];
    });
}

/** Door and program tags are recorded on change: a first value, then one per change. */
export function eventRows(equipment: PlantEquipment, timeline: Timeline, clock: Clock): EventRow[] {
  const rows: EventRow[] = [];
  for (const tag of equipment.tags) {
    if (tag.spec.signal.kind === 'door') {
      let previous: boolean | undefined;
      for (const span of timeline.spans) {
        const closed = !DOOR_OPEN_STATES.has(span.state);
        if (closed !== previous) rows.push([clock.at(span.start), tag.id, closed ? 1 : 0, null]);
        previous = closed;
      }
    }
    if (tag.spec.signal.kind === 'program') {
      for (const run of timeline.runs) {
        if (run.end <= 0) continue;
        rows.push([
          clock.at(Math.max(0, run.changeoverStart)),
          tag.id,
          null,
          programName(run.material),
        ]);
      }
    }
  }
  return rows;
}

function programName(material: string): string {
  const code = material.split(' ')[0] ?? material;
  return `PRG_${code.replace(/-/g, '_')}`;
}

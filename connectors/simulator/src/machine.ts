import {
  IDLE_REASONS,
  MACHINE_SIGNALS,
  Random,
  STOP_REASONS,
  alarmCodesFor,
  plcStateCodes,
  type PlantEquipment,
  type PlantTag,
  type PlcState,
  type PlcStateCode,
} from '@plantgraph/demo-catalog';
import { programName, signalValue, type SignalValue } from './signals.ts';

/** How a point is typed on the wire; OPC UA and Sparkplug B share these names. */
export type PointType = 'Double' | 'Int32' | 'UInt32' | 'Boolean' | 'String';

/** One value a machine exposes: a catalog tag or one of MACHINE_SIGNALS. */
export interface MachinePoint {
  /** The catalog tag name (`Motor Current`) or the machine signal name (`GoodCount`). */
  name: string;
  type: PointType;
  /** The catalog tag behind the point; null for State, GoodCount, RejectCount, AlarmWord. */
  tag: PlantTag | null;
}

/** How a machine is simulated; machines built with the same options behave the same. */
export interface MachineOptions {
  /** Same seed, same equipment and same `step` times give the same values. */
  seed?: number;
  /** State and warning durations are divided by this; part counts and waves stay real-time. */
  speed?: number;
  /** Simulation start, epoch ms or Date; defaults to now. */
  start?: number | Date;
}

/** An order as written to the machine's order interface. */
export interface OrderDownload {
  number: string;
  material: string;
  quantity: number;
  commandId: string;
}

/** The order a machine took, and when. */
export interface AcceptedOrder extends OrderDownload {
  acceptedAt: Date;
}

/** Result of `Machine.download`; the OPC UA Download method returns the number. */
export const DOWNLOAD_STATUS = { accepted: 0, duplicate: 1, rejected: 2 } as const;
export type DownloadStatus = (typeof DOWNLOAD_STATUS)[keyof typeof DOWNLOAD_STATUS];

const MINUTE = 60_000;

/** Plant minutes; the demo shape of the seeded history. */
const DURATION: Record<Exclude<PlcState, 'RUNNING'>, readonly [number, number]> = {
  IDLE: [3, 20],
  DOWN: [5, 45],
  STOPPED: [10, 30],
  SETUP: [20, 45],
  MAINTENANCE: [60, 120],
};
const MEAN_RUNNING = 90;
const MIN_RUNNING = 10;
/** Running minutes per order before the next changeover. */
const ORDER_RUNNING: readonly [number, number] = [300, 900];
const MAINTENANCE_CHANCE = 0.15;
const INTERRUPTIONS = [
  ['IDLE', 0.4],
  ['DOWN', 0.35],
  ['STOPPED', 0.25],
] as const;
const MEAN_WARNING_INTERVAL = 240;
const WARNING_LENGTH: readonly [number, number] = [2, 40];
const DOOR_OPEN_STATES: ReadonlySet<PlcState> = new Set(['SETUP', 'MAINTENANCE']);

function pointType(tag: PlantTag): PointType {
  switch (tag.spec.dataType) {
    case 'FLOAT':
      return 'Double';
    case 'INTEGER':
      return tag.spec.signal.kind === 'counter' ? 'UInt32' : 'Int32';
    case 'BOOLEAN':
      return 'Boolean';
    case 'STRING':
      return 'String';
  }
}

const toMs = (time: number | Date) => (typeof time === 'number' ? time : time.getTime());

/**
 * One simulated machine: a PLC state machine (mostly RUNNING, interrupted by IDLE, DOWN and
 * STOPPED spans, with SETUP changeovers and occasional MAINTENANCE between orders), part counters
 * that advance while it runs, the catalog signals of its type and an alarm word. Nothing happens
 * on its own: `step(now)` advances it, so tests can run hours in milliseconds.
 */
export class Machine {
  readonly equipment: PlantEquipment;
  readonly points: readonly MachinePoint[];
  /** The type's PLC state table (`plcStateCodes`). */
  readonly stateCodes: readonly PlcStateCode[];
  /** Alarm-word bit order (`alarmCodesFor`). */
  readonly alarmCodes: readonly string[];
  readonly speed: number;

  #states: Random;
  #noise: Random;
  #parts: Random;
  #alarms: Random;

  #start: number;
  #clock: number;
  /** Plant milliseconds elapsed: real time times speed. */
  #plant = 0;
  #state: PlcStateCode;
  #since: number;
  #stateEnds: number;
  #orderLeft: number;
  #material: string;
  #runMinutes = 0;
  #parted = 0;
  #good: number;
  #reject: number;
  #warnings = new Map<string, number>();
  #nextWarning: number;
  #order: AcceptedOrder | null = null;
  #lastCommandId: string | null = null;
  #pendingMaterial: string | null = null;
  #values = new Map<string, SignalValue>();

  constructor(equipment: PlantEquipment, options: MachineOptions = {}) {
    const { seed = 1, speed = 1 } = options;
    if (!(speed > 0)) throw new RangeError(`speed must be positive, got ${speed}`);
    this.equipment = equipment;
    this.speed = speed;
    this.stateCodes = plcStateCodes(equipment.type);
    this.alarmCodes = alarmCodesFor(equipment.type);
    this.points = [
      ...equipment.tags.map((tag) => ({ name: tag.spec.name, type: pointType(tag), tag })),
      { name: MACHINE_SIGNALS.state, type: 'Int32', tag: null },
      { name: MACHINE_SIGNALS.goodCount, type: 'UInt32', tag: null },
      { name: MACHINE_SIGNALS.rejectCount, type: 'UInt32', tag: null },
      { name: MACHINE_SIGNALS.alarmWord, type: 'UInt32', tag: null },
    ];

    const stream = (name: string) => Random.for('simulator', seed, equipment.asset.path, name);
    this.#states = stream('states');
    this.#noise = stream('noise');
    this.#parts = stream('parts');
    this.#alarms = stream('alarms');

    this.#start = toMs(options.start ?? Date.now());
    this.#clock = this.#start;
    this.#since = this.#start;
    this.#material = this.#states.pick(equipment.area.materials);
    this.#orderLeft = this.#states.int(...ORDER_RUNNING) * MINUTE;
    const initial = equipment.spec.endsIn ?? { state: 'RUNNING' as const, reason: null };
    this.#state = this.#code(initial.state, initial.reason);
    this.#stateEnds = this.#duration(this.#state.state);
    this.#nextWarning = this.#alarms.exponential(MEAN_WARNING_INTERVAL, 1) * MINUTE;

    // The PLC's totals continue the Part Count tag, so GoodCount + RejectCount equals it.
    const partCount = equipment.tags.find((tag) => tag.spec.name === 'Part Count');
    const total = partCount?.counterStart ?? 0;
    this.#reject = Math.round(total * equipment.type.rejectRate);
    this.#good = total - this.#reject;
    this.#read();
  }

  get state(): PlcState {
    return this.#state.state;
  }

  get reason(): string | null {
    return this.#state.reason;
  }

  /** The PLC state word, e.g. 100 for RUNNING, 400 + i for the i-th down reason. */
  get stateCode(): number {
    return this.#state.code;
  }

  /** When the current state began (real time). */
  get since(): Date {
    return new Date(this.#since);
  }

  /** The time of the last `step`. */
  get time(): Date {
    return new Date(this.#clock);
  }

  get goodCount(): number {
    return this.#good;
  }

  get rejectCount(): number {
    return this.#reject;
  }

  /** Active alarm codes in bit order: the down reason while DOWN, plus active warnings. */
  get activeAlarms(): string[] {
    return this.alarmCodes.filter(
      (code) => this.#warnings.has(code) || (this.state === 'DOWN' && this.reason === code),
    );
  }

  /** Bit i set while `alarmCodes[i]` is active. */
  get alarmWord(): number {
    return this.activeAlarms.reduce((word, code) => word | (1 << this.alarmCodes.indexOf(code)), 0);
  }

  get material(): string {
    return this.#material;
  }

  /** The last order accepted by `download`. */
  get order(): AcceptedOrder | null {
    return this.#order;
  }

  /** The value of a point as of the last `step`. */
  read(name: string): SignalValue {
    const value = this.#values.get(name);
    if (value === undefined) throw new Error(`${this.equipment.asset.path} has no point ${name}`);
    return value;
  }

  /**
   * Advances the machine to `now`, passing through every state change in between. Times before
   * the last step are ignored: a machine does not go back.
   */
  step(now: number | Date): void {
    const target = toMs(now);
    if (target <= this.#clock) return;
    for (;;) {
      const plantTarget = this.#plant + (target - this.#clock) * this.speed;
      if (plantTarget < this.#stateEnds) {
        this.#advance(target, plantTarget);
        break;
      }
      const at = this.#clock + (this.#stateEnds - this.#plant) / this.speed;
      this.#advance(at, this.#stateEnds);
      this.#transition();
    }
    this.#stepWarnings();
    this.#countParts();
    this.#read();
  }

  /**
   * Takes an order from the order interface. A repeated command id is a retry of an order already
   * taken and is ignored; an order without number, material, command id or a positive quantity
   * is rejected. The accepted order's material is produced after the next changeover, which
   * follows the current running span.
   */
  download(order: OrderDownload): DownloadStatus {
    if (order.commandId !== '' && order.commandId === this.#lastCommandId) {
      return DOWNLOAD_STATUS.duplicate;
    }
    const complete = order.number.trim() && order.material.trim() && order.commandId.trim();
    if (!complete || !(order.quantity > 0)) return DOWNLOAD_STATUS.rejected;
    this.#order = { ...order, acceptedAt: new Date(this.#clock) };
    this.#lastCommandId = order.commandId;
    this.#pendingMaterial = order.material;
    this.#orderLeft = 0;
    return DOWNLOAD_STATUS.accepted;
  }

  #advance(to: number, plantTo: number): void {
    if (this.state === 'RUNNING') {
      this.#runMinutes += (to - this.#clock) / MINUTE;
      this.#orderLeft -= plantTo - this.#plant;
    }
    this.#clock = to;
    this.#plant = plantTo;
  }

  #transition(): void {
    const next = this.#nextState();
    this.#state = next;
    this.#since = this.#clock;
    this.#stateEnds = this.#plant + this.#duration(next.state);
  }

  #nextState(): PlcStateCode {
    switch (this.state) {
      case 'RUNNING':
        return this.#orderLeft <= 0 ? this.#changeover() : this.#interruption();
      case 'MAINTENANCE':
        return this.#code('SETUP', null);
      case 'SETUP':
        // An order downloaded during the changeover gets its own right after this run.
        this.#orderLeft = this.#pendingMaterial ? 0 : this.#states.int(...ORDER_RUNNING) * MINUTE;
        return this.#code('RUNNING', null);
      default:
        return this.#code('RUNNING', null);
    }
  }

  #changeover(): PlcStateCode {
    this.#material = this.#pendingMaterial ?? this.#states.pick(this.equipment.area.materials);
    this.#pendingMaterial = null;
    const maintenance = this.#states.chance(MAINTENANCE_CHANCE);
    return this.#code(maintenance ? 'MAINTENANCE' : 'SETUP', null);
  }

  #interruption(): PlcStateCode {
    const state = this.#states.weighted(INTERRUPTIONS);
    const { downReasons } = this.equipment.type;
    // Down reasons are listed most frequent first.
    const reason =
      state === 'DOWN'
        ? this.#states.weighted(
            downReasons.map((code, i) => [code, downReasons.length - i] as const),
          )
        : this.#states.pick(state === 'IDLE' ? IDLE_REASONS : STOP_REASONS);
    return this.#code(state, reason);
  }

  /** The table entry; SETUP and MAINTENANCE have a single reason, which `reason` null selects. */
  #code(state: PlcState, reason: string | null): PlcStateCode {
    const entry = this.stateCodes.find(
      (code) => code.state === state && (reason === null || code.reason === reason),
    );
    if (!entry) throw new Error(`${this.equipment.type.description}: no state ${state}/${reason}`);
    return entry;
  }

  /** Plant milliseconds the state lasts. */
  #duration(state: PlcState): number {
    const minutes =
      state === 'RUNNING'
        ? this.#states.exponential(MEAN_RUNNING, MIN_RUNNING)
        : this.#states.int(...DURATION[state]);
    return minutes * MINUTE;
  }

  /** Warnings come and go on plant time, independent of the state. */
  #stepWarnings(): void {
    for (;;) {
      const [code, clears] = this.#firstClearing() ?? [];
      if (code !== undefined && clears !== undefined && clears <= this.#nextWarning) {
        if (clears > this.#plant) return;
        this.#warnings.delete(code);
        continue;
      }
      if (this.#nextWarning > this.#plant) return;
      const idle = this.equipment.type.warnings.filter((warning) => !this.#warnings.has(warning));
      if (idle.length > 0) {
        const length = this.#alarms.int(...WARNING_LENGTH) * MINUTE;
        this.#warnings.set(this.#alarms.pick(idle), this.#nextWarning + length);
      }
      this.#nextWarning += this.#alarms.exponential(MEAN_WARNING_INTERVAL, 1) * MINUTE;
    }
  }

  #firstClearing(): [string, number] | undefined {
    let first: [string, number] | undefined;
    for (const entry of this.#warnings) if (!first || entry[1] < first[1]) first = entry;
    return first;
  }

  /** Parts completed since the last step, each one a reject with the type's reject rate. */
  #countParts(): void {
    const made = Math.floor(this.equipment.type.partsPerMinute * this.#runMinutes);
    for (; this.#parted < made; this.#parted++) {
      if (this.#parts.chance(this.equipment.type.rejectRate)) this.#reject++;
      else this.#good++;
    }
  }

  #read(): void {
    const context = {
      now: this.#clock,
      minutes: (this.#clock - this.#start) / MINUTE,
      runMinutes: this.#runMinutes,
      running: this.state === 'RUNNING',
      doorClosed: !DOOR_OPEN_STATES.has(this.state) && !this.#warnings.has('DOOR_OPEN'),
      program: programName(this.#material),
    };
    for (const point of this.points) {
      if (point.tag) this.#values.set(point.name, signalValue(point.tag, context, this.#noise));
    }
    this.#values.set(MACHINE_SIGNALS.state, this.stateCode);
    this.#values.set(MACHINE_SIGNALS.goodCount, this.#good);
    this.#values.set(MACHINE_SIGNALS.rejectCount, this.#reject);
    this.#values.set(MACHINE_SIGNALS.alarmWord, this.alarmWord);
  }
}

import {
  IDLE_REASONS,
  MACHINE_SIGNALS,
  ORDER_STATES,
  Random,
  STOP_REASONS,
  alarmCodesFor,
  orderParametersFor,
  plcStateCodes,
  type OrderState,
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
  /** Setpoints by `orderParametersFor` name, e.g. `{ 'Stroke Rate': 20 }`; unset ones keep theirs. */
  parameters: Record<string, number>;
}

/** The order a machine took, and when. */
export interface AcceptedOrder extends OrderDownload {
  acceptedAt: Date;
}

/** Withdraws the order the machine took with `orderCommandId`; `commandId` is the abort's own. */
export interface OrderAbort {
  commandId: string;
  orderCommandId: string;
}

/** Result of `Machine.download` and `Machine.abort`; the OPC UA methods return the number. */
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
/** Plant minutes of the changeover to a downloaded order: the PLC swaps program and setpoints. */
const ORDER_CHANGEOVER: readonly [number, number] = [1, 3];
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
 * that advance while it runs, the catalog signals of its type and an alarm word. Orders handed to
 * it by `download` are run to their quantity. Nothing happens on its own: `step(now)` advances it,
 * so tests can run hours in milliseconds.
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
  #orderState: OrderState = ORDER_STATES.NONE;
  /** Set while the SETUP span is the changeover to the downloaded order. */
  #orderChangeover = false;
  #orderGood = 0;
  #orderReject = 0;
  #lastCommandId: string | null = null;
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

  /** Where the last accepted order stands (`ORDER_STATES`); NONE until one is accepted. */
  get orderState(): OrderState {
    return this.#orderState;
  }

  /** Good parts made for the last accepted order; they count to `goodCount` too. */
  get orderGood(): number {
    return this.#orderGood;
  }

  /** Rejects made for the last accepted order; they count to `rejectCount` too. */
  get orderReject(): number {
    return this.#orderReject;
  }

  /** The command id of the last accepted order, kept once it is complete; '' before any. */
  get activeCommandId(): string {
    return this.#order?.commandId ?? '';
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
      // Parts belong to the span they were made in, and so to its order or to none.
      this.#countParts();
      this.#transition();
    }
    this.#stepWarnings();
    this.#countParts();
    this.#read();
  }

  /**
   * Takes an order from the order interface. A repeated command id is a retry of an order already
   * taken and is ignored; an order `rejection` finds fault with is rejected. The accepted order
   * ends the current span at the next `step`: a short changeover to its material, then it runs
   * until its good parts reach the quantity, interrupted as usual. Then the machine runs on until
   * its next changeover, to a material of its own choosing.
   */
  download(order: OrderDownload): DownloadStatus {
    if (order.commandId !== '' && order.commandId === this.#lastCommandId) {
      return DOWNLOAD_STATUS.duplicate;
    }
    if (this.rejection(order) !== null) return DOWNLOAD_STATUS.rejected;
    this.#order = { ...order, parameters: { ...order.parameters }, acceptedAt: this.time };
    this.#lastCommandId = order.commandId;
    this.#orderState = ORDER_STATES.DOWNLOADED;
    this.#orderGood = 0;
    this.#orderReject = 0;
    this.#stateEnds = this.#plant;
    return DOWNLOAD_STATUS.accepted;
  }

  /**
   * Stops the order the machine holds and drops it: the order state becomes ABORTED, its parts
   * stop counting, and the running span ends at the next `step` in a changeover. Aborting the
   * order again (a retry whose answer was lost) is a duplicate; an abort `abortRejection` finds
   * fault with is rejected and changes nothing.
   */
  abort(request: OrderAbort): DownloadStatus {
    const current = this.#order?.commandId;
    if (current === request.orderCommandId && this.#orderState === ORDER_STATES.ABORTED) {
      return DOWNLOAD_STATUS.duplicate;
    }
    if (this.abortRejection(request) !== null) return DOWNLOAD_STATUS.rejected;
    this.#orderState = ORDER_STATES.ABORTED;
    this.#orderChangeover = false;
    this.#orderLeft = 0;
    this.#stateEnds = this.#plant;
    return DOWNLOAD_STATUS.accepted;
  }

  /**
   * Why `abort` would refuse, or null if it would not: no command id, another order than the
   * one the machine holds (or none), or an order that is already complete.
   */
  abortRejection(request: OrderAbort): string | null {
    if (!request.commandId.trim()) return 'commandId is missing';
    const order = this.#order;
    if (!order || order.commandId !== request.orderCommandId) {
      const holds = order ? `order ${order.number} (${order.commandId})` : 'no order';
      return `the machine holds ${holds}, not command ${request.orderCommandId}`;
    }
    const active =
      this.#orderState === ORDER_STATES.DOWNLOADED || this.#orderState === ORDER_STATES.RUNNING;
    if (!active) return `order ${order.number} is already complete`;
    return null;
  }

  /**
   * Why `download` would reject the order, or null if it would not: a missing number, material
   * or command id, a quantity that is not positive, a parameter the type does not have or outside
   * its range, or an order the machine has not finished yet. Does not check for a duplicate.
   */
  rejection(order: OrderDownload): string | null {
    if (!order.number.trim()) return 'number is missing';
    if (!order.material.trim()) return 'material is missing';
    if (!order.commandId.trim()) return 'commandId is missing';
    if (!(order.quantity > 0)) return `quantity must be positive, got ${order.quantity}`;
    const specs = orderParametersFor(this.equipment.type);
    for (const [name, value] of Object.entries(order.parameters)) {
      const spec = specs.find((candidate) => candidate.name === name);
      if (!spec) return `${this.equipment.type.description} has no parameter ${name}`;
      if (!(value >= spec.min && value <= spec.max)) {
        return `${name} must be within ${spec.min}..${spec.max} ${spec.unit}, got ${value}`;
      }
    }
    const busy =
      this.#orderState === ORDER_STATES.DOWNLOADED || this.#orderState === ORDER_STATES.RUNNING;
    if (busy) return `busy with order ${this.#order?.number} (${this.activeCommandId})`;
    return null;
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
    if (this.#orderState === ORDER_STATES.DOWNLOADED) return this.#toOrder();
    switch (this.state) {
      case 'RUNNING':
        return this.#orderLeft <= 0 ? this.#changeover() : this.#interruption();
      case 'MAINTENANCE':
        return this.#code('SETUP', null);
      case 'SETUP':
        this.#orderLeft = this.#states.int(...ORDER_RUNNING) * MINUTE;
        return this.#code('RUNNING', null);
      default:
        return this.#code('RUNNING', null);
    }
  }

  /** From whatever it was doing, a downloaded order takes the machine to SETUP, then RUNNING. */
  #toOrder(): PlcStateCode {
    if (!this.#orderChangeover) {
      this.#orderChangeover = true;
      this.#material = this.#order?.material ?? this.#material;
      return this.#code('SETUP', null);
    }
    this.#orderChangeover = false;
    this.#orderState = ORDER_STATES.RUNNING;
    // No changeover of its own before the order is complete.
    this.#orderLeft = Infinity;
    return this.#code('RUNNING', null);
  }

  #changeover(): PlcStateCode {
    this.#material = this.#states.pick(this.equipment.area.materials);
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
    if (state === 'RUNNING') return this.#states.exponential(MEAN_RUNNING, MIN_RUNNING) * MINUTE;
    const range = this.#orderChangeover ? ORDER_CHANGEOVER : DURATION[state];
    return this.#states.int(...range) * MINUTE;
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

  /**
   * Parts completed since the last count, each one a reject with the type's reject rate. While an
   * order runs they count to it as well, until its good parts reach the quantity.
   */
  #countParts(): void {
    const made = Math.floor(this.equipment.type.partsPerMinute * this.#runMinutes);
    for (; this.#parted < made; this.#parted++) {
      const reject = this.#parts.chance(this.equipment.type.rejectRate);
      if (reject) this.#reject++;
      else this.#good++;
      if (this.#orderState === ORDER_STATES.RUNNING) this.#countForOrder(reject);
    }
  }

  #countForOrder(reject: boolean): void {
    if (reject) this.#orderReject++;
    else this.#orderGood++;
    if (this.#orderGood < (this.#order?.quantity ?? 0)) return;
    this.#orderState = ORDER_STATES.COMPLETE;
    // The order's run is over: the next running span ends in a changeover.
    this.#orderLeft = 0;
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

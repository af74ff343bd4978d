/**
 * What the demo plant is made of: its layout, machine types, tags, specs and alarm texts. The data
 * lives in `../data/*.json`, imported as JSON modules: esbuild inlines them into the bundle, so no
 * file is looked up at run time. Each file is checked against its schema once, when this module
 * loads; a mistake names the file and the field.
 */
import { z } from 'zod';
import alarmData from '../data/alarms.json' with { type: 'json' };
import characteristicData from '../data/characteristics.json' with { type: 'json' };
import equipmentTypeData from '../data/equipment-types.json' with { type: 'json' };
import plantData from '../data/plant.json' with { type: 'json' };
import stateReasonData from '../data/state-reasons.json' with { type: 'json' };

export type TagDataType = 'FLOAT' | 'INTEGER' | 'BOOLEAN' | 'STRING';
export type AlarmSeverity = 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';
export type MachineState = 'RUNNING' | 'IDLE' | 'STOPPED' | 'DOWN' | 'SETUP' | 'MAINTENANCE';

/**
 * A level with a slow wave and noise on top while the machine runs; while it stands, all of it is
 * scaled by `idle / run`. `run` must not be 0.
 */
export interface AnalogSignal {
  kind: 'analog';
  run: number;
  idle: number;
  amplitude: number;
  noise: number;
  /** Wave period in minutes. */
  period: number;
}

/** Drifts linearly from `from` to `to` and jumps back: wear, fill levels, bath contamination. */
export interface SawtoothSignal {
  kind: 'sawtooth';
  from: number;
  to: number;
  noise: number;
  period: number;
}

/** Never decreases: advances per running minute and, optionally, per minute regardless. */
export interface CounterSignal {
  kind: 'counter';
  perRunMinute: number;
  perMinute: number;
}

/** Recorded on change only: the guard door (open during setup and maintenance), the NC program. */
export interface EventSignal {
  kind: 'door' | 'program';
}

export type Signal = AnalogSignal | SawtoothSignal | CounterSignal | EventSignal;

export interface TagSpec {
  name: string;
  dataType: TagDataType;
  unit: string | null;
  description: string;
  /** Digits kept after the decimal point. */
  decimals: number;
  signal: Signal;
}

/** A setpoint an order carries to a machine, e.g. the press's `Stroke Rate`; names have no dots. */
export interface OrderParameterSpec {
  name: string;
  unit: string;
  min: number;
  max: number;
}

export interface EquipmentType {
  description: string;
  partsPerMinute: number;
  rejectRate: number;
  motorCurrent: number;
  powerKw: number;
  /** Type-specific numeric tags; the common ones are added by `tagsFor`. */
  tags: TagSpec[];
  /** Why the machine goes DOWN, most frequent first. */
  downReasons: string[];
  /** Process alarm codes that come and go without stopping the machine. */
  warnings: string[];
  characteristics: string[];
  /** Setpoints an order brings along, checked against their range when it is downloaded. */
  orderParameters: OrderParameterSpec[];
}

/** The keys of `data/equipment-types.json`. */
export type EquipmentTypeName = keyof typeof equipmentTypeData;

export interface EquipmentSpec {
  name: string;
  type: EquipmentTypeName;
  /** Groups the machine in a work cell under the line (ISA-95 CELL). */
  cell?: string;
  /** How the machine stands at the end of the history when that is not RUNNING. */
  endsIn?: { state: 'DOWN' | 'IDLE'; reason: string };
}

export interface LineSpec {
  name: string;
  equipment: EquipmentSpec[];
}

export interface AreaSpec {
  name: string;
  description: string;
  /** Material code and name, e.g. `BRKT-4711 Bracket`. */
  materials: string[];
  lines: LineSpec[];
}

export interface SiteSpec {
  name: string;
  description: string;
  /** IANA time zone the site's shift calendar runs in. */
  timezone: string;
  operators: string[];
  areas: AreaSpec[];
}

export interface CharacteristicSpec {
  name: string;
  unit: string;
  lsl: number | null;
  target: number;
  usl: number | null;
  decimals: number;
  description: string;
}

const tagDataTypes = ['FLOAT', 'INTEGER', 'BOOLEAN', 'STRING'] as const;
const alarmSeverities = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;

const analogSignalSchema: z.ZodType<AnalogSignal> = z.strictObject({
  kind: z.literal('analog'),
  run: z.number().refine((run) => run !== 0, 'must not be 0'),
  idle: z.number(),
  amplitude: z.number(),
  noise: z.number(),
  period: z.number().positive(),
});

const signalSchema: z.ZodType<Signal> = z.union([
  analogSignalSchema,
  z.strictObject({
    kind: z.literal('sawtooth'),
    from: z.number(),
    to: z.number(),
    noise: z.number(),
    period: z.number().positive(),
  }),
  z.strictObject({
    kind: z.literal('counter'),
    perRunMinute: z.number().min(0),
    perMinute: z.number().min(0),
  }),
  z.strictObject({ kind: z.enum(['door', 'program']) }),
]);

const tagSpecSchema: z.ZodType<TagSpec> = z.strictObject({
  name: z.string().min(1),
  dataType: z.enum(tagDataTypes),
  unit: z.string().min(1).nullable(),
  description: z.string(),
  decimals: z.int().min(0),
  signal: signalSchema,
});

const orderParameterSchema: z.ZodType<OrderParameterSpec> = z
  .strictObject({
    name: z.string().regex(/^[^.]+$/, 'must not contain a dot'),
    unit: z.string().min(1),
    min: z.number(),
    max: z.number(),
  })
  .refine(({ min, max }) => min < max, 'min must be below max');

const equipmentTypeSchema: z.ZodType<EquipmentType> = z.strictObject({
  description: z.string(),
  partsPerMinute: z.number().positive(),
  rejectRate: z.number().min(0).max(1),
  motorCurrent: z.number().positive(),
  powerKw: z.number().positive(),
  tags: z.array(tagSpecSchema),
  downReasons: z.array(z.string().min(1)).min(1),
  warnings: z.array(z.string().min(1)).min(1),
  characteristics: z.array(z.string().min(1)),
  orderParameters: z.array(orderParameterSchema),
});

const equipmentTypeNames = Object.keys(equipmentTypeData) as [
  EquipmentTypeName,
  ...EquipmentTypeName[],
];

const equipmentSpecSchema: z.ZodType<EquipmentSpec> = z.strictObject({
  name: z.string().min(1),
  type: z.enum(equipmentTypeNames),
  cell: z.string().min(1).optional(),
  endsIn: z.strictObject({ state: z.enum(['DOWN', 'IDLE']), reason: z.string() }).optional(),
});

const siteSpecSchema: z.ZodType<SiteSpec> = z.strictObject({
  name: z.string().min(1),
  description: z.string(),
  timezone: z.string().min(1),
  operators: z.array(z.string().min(1)).min(1),
  areas: z.array(
    z.strictObject({
      name: z.string().min(1),
      description: z.string(),
      materials: z.array(z.string().min(1)).min(1),
      lines: z.array(
        z.strictObject({ name: z.string().min(1), equipment: z.array(equipmentSpecSchema) }),
      ),
    }),
  ),
});

const characteristicSchema: z.ZodType<CharacteristicSpec> = z.strictObject({
  name: z.string().min(1),
  unit: z.string().min(1),
  lsl: z.number().nullable(),
  target: z.number(),
  usl: z.number().nullable(),
  decimals: z.int().min(0),
  description: z.string(),
});

const alarmTextSchema = z.strictObject({
  severity: z.enum(alarmSeverities),
  message: z.string().min(1),
});

/** Parses one data file; a mistake throws with the file's name and every field that is wrong. */
function load<T>(file: string, schema: z.ZodType<T>, data: unknown): T {
  const parsed = schema.safeParse(data);
  if (parsed.success) return parsed.data;
  throw new Error(`demo catalog data/${file}:\n${z.prettifyError(parsed.error)}`);
}

export const EQUIPMENT_TYPES = load(
  'equipment-types.json',
  z.record(z.enum(equipmentTypeNames), equipmentTypeSchema),
  equipmentTypeData,
);

const plant = load(
  'plant.json',
  z.strictObject({
    enterprise: z.strictObject({ name: z.string().min(1), description: z.string() }),
    sites: z.array(siteSpecSchema).min(1),
  }),
  plantData,
);

export const ENTERPRISE = plant.enterprise;

export const SITES: SiteSpec[] = plant.sites;

export const CHARACTERISTICS: CharacteristicSpec[] = load(
  'characteristics.json',
  z.array(characteristicSchema),
  characteristicData,
);

const alarmTexts = load(
  'alarms.json',
  z.strictObject({
    alarms: z.record(z.string().min(1), alarmTextSchema),
    acknowledgeComments: z.array(z.string().min(1)).min(1),
  }),
  alarmData,
);

/** Alarm texts by code. Down reasons reuse their alarm code as the machine-state reason. */
export const ALARMS: Record<string, { severity: AlarmSeverity; message: string }> =
  alarmTexts.alarms;

export const ACKNOWLEDGE_COMMENTS = alarmTexts.acknowledgeComments;

const stateReasons = load(
  'state-reasons.json',
  z.strictObject({
    idle: z.array(z.string().min(1)).min(1),
    stop: z.array(z.string().min(1)).min(1),
  }),
  stateReasonData,
);

export const IDLE_REASONS = stateReasons.idle;
export const STOP_REASONS = stateReasons.stop;

/** What one file names must exist in another: a type's characteristics and alarm codes. */
function crossReferenceProblems(): string[] {
  const characteristics = new Set(CHARACTERISTICS.map((spec) => spec.name));
  return Object.entries(EQUIPMENT_TYPES).flatMap(([name, type]) => [
    ...type.characteristics
      .filter((characteristic) => !characteristics.has(characteristic))
      .map((characteristic) => `${name}: no characteristic "${characteristic}"`),
    ...[...type.downReasons, ...type.warnings]
      .filter((code) => !(code in ALARMS))
      .map((code) => `${name}: no alarm text for "${code}"`),
  ]);
}

const problems = crossReferenceProblems();
if (problems.length > 0) {
  throw new Error(`demo catalog data/equipment-types.json:\n${problems.join('\n')}`);
}

const analog = (
  name: string,
  unit: string | null,
  description: string,
  decimals: number,
  signal: Omit<AnalogSignal, 'kind'>,
): TagSpec => ({
  name,
  dataType: 'FLOAT',
  unit,
  description,
  decimals,
  signal: { kind: 'analog', ...signal },
});

/** The setpoints an order for a machine of this type may set, each with its allowed range. */
export function orderParametersFor(type: EquipmentType): OrderParameterSpec[] {
  return type.orderParameters;
}

/** Every tag of a machine: what all machines report, then what its type adds. */
export function tagsFor(type: EquipmentType): TagSpec[] {
  const cycleTime = 60 / type.partsPerMinute;
  const current = type.motorCurrent;
  return [
    analog('Motor Current', 'A', 'Main drive motor current', 1, {
      run: current,
      idle: current * 0.15,
      amplitude: current * 0.08,
      noise: current * 0.03,
      period: 23,
    }),
    analog('Motor Temperature', '°C', 'Main drive motor winding temperature', 1, {
      run: 62,
      idle: 45,
      amplitude: 3,
      noise: 0.4,
      period: 480,
    }),
    analog('Vibration', 'mm/s', 'Bearing housing vibration velocity (RMS)', 2, {
      run: 2.8,
      idle: 0.4,
      amplitude: 0.6,
      noise: 0.25,
      period: 31,
    }),
    analog('Cycle Time', 's', 'Duration of the last machine cycle', 1, {
      run: cycleTime,
      idle: cycleTime,
      amplitude: cycleTime * 0.02,
      noise: cycleTime * 0.015,
      period: 43,
    }),
    {
      name: 'Part Count',
      dataType: 'INTEGER',
      unit: null,
      description: 'Parts produced since commissioning',
      decimals: 0,
      signal: { kind: 'counter', perRunMinute: type.partsPerMinute, perMinute: 0 },
    },
    {
      name: 'Energy',
      dataType: 'FLOAT',
      unit: 'kWh',
      description: 'Electrical energy consumed since commissioning',
      decimals: 2,
      signal: {
        kind: 'counter',
        perRunMinute: (type.powerKw * 0.85) / 60,
        perMinute: (type.powerKw * 0.15) / 60,
      },
    },
    ...type.tags,
    {
      name: 'Door Closed',
      dataType: 'BOOLEAN',
      unit: null,
      description: 'Guard door closed and locked',
      decimals: 0,
      signal: { kind: 'door' },
    },
    {
      name: 'Program Name',
      dataType: 'STRING',
      unit: null,
      description: 'Active machine program',
      decimals: 0,
      signal: { kind: 'program' },
    },
  ];
}

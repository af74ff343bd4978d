/** What the demo plant is made of: its layout, machine types, tags, specs and alarm texts. */

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

const sawtooth = (
  name: string,
  unit: string,
  description: string,
  decimals: number,
  signal: Omit<SawtoothSignal, 'kind'>,
): TagSpec => ({
  name,
  dataType: 'FLOAT',
  unit,
  description,
  decimals,
  signal: { kind: 'sawtooth', ...signal },
});

const temperature = (name: string, description: string, level: number, period: number) =>
  analog(name, '°C', description, 1, {
    run: level,
    idle: level - 3,
    amplitude: 1.5,
    noise: 0.3,
    period,
  });

export const EQUIPMENT_TYPES = {
  press: {
    description: 'Servo transfer press, 800 t',
    partsPerMinute: 12,
    rejectRate: 0.008,
    motorCurrent: 85,
    powerKw: 160,
    tags: [
      analog('Hydraulic Pressure', 'bar', 'Main hydraulic system pressure', 1, {
        run: 180,
        idle: 40,
        amplitude: 8,
        noise: 3,
        period: 37,
      }),
      analog('Press Force', 'kN', 'Peak ram force of the last stroke', 0, {
        run: 2400,
        idle: 0,
        amplitude: 60,
        noise: 25,
        period: 53,
      }),
      temperature('Hydraulic Oil Temperature', 'Hydraulic oil tank temperature', 48, 720),
      sawtooth('Hydraulic Oil Level', '%', 'Hydraulic oil tank level', 1, {
        from: 96,
        to: 79,
        noise: 0.2,
        period: 2880,
      }),
      analog('Stroke Rate', '1/min', 'Strokes per minute', 1, {
        run: 12,
        idle: 0,
        amplitude: 0.4,
        noise: 0.3,
        period: 29,
      }),
    ],
    downReasons: ['JAM', 'HYDRAULIC_FAULT', 'LIGHT_CURTAIN', 'E-STOP'],
    warnings: ['OIL_TEMP_HIGH', 'OIL_LEVEL_LOW', 'VIBRATION_HIGH'],
    characteristics: ['Flange Length'],
    orderParameters: [
      { name: 'Stroke Rate', unit: 'strokes/min', min: 5, max: 40 },
      { name: 'Tonnage', unit: 't', min: 50, max: 800 },
    ],
  },
  spotWelder: {
    description: 'Medium-frequency spot welding gun',
    partsPerMinute: 3,
    rejectRate: 0.012,
    motorCurrent: 22,
    powerKw: 95,
    tags: [
      analog('Weld Current', 'kA', 'RMS current of the last weld', 2, {
        run: 9.5,
        idle: 0,
        amplitude: 0.3,
        noise: 0.15,
        period: 41,
      }),
      analog('Electrode Force', 'kN', 'Electrode force during the last weld', 2, {
        run: 3.2,
        idle: 0,
        amplitude: 0.1,
        noise: 0.05,
        period: 67,
      }),
      analog('Weld Time', 'ms', 'Duration of the last weld', 0, {
        run: 220,
        idle: 220,
        amplitude: 3,
        noise: 2,
        period: 90,
      }),
      temperature(
        'Cooling Water Temperature',
        'Electrode cooling water return temperature',
        28,
        300,
      ),
      sawtooth('Electrode Tip Wear', '%', 'Tip wear since the last dressing', 1, {
        from: 2,
        to: 85,
        noise: 0.5,
        period: 420,
      }),
    ],
    downReasons: ['WELD_FAULT', 'SENSOR_FAULT', 'E-STOP'],
    warnings: ['TIP_DRESS_DUE', 'AIR_PRESSURE_LOW', 'MOTOR_TEMP_HIGH'],
    characteristics: ['Weld Nugget Diameter'],
    orderParameters: [
      { name: 'Weld Current', unit: 'kA', min: 5, max: 15 },
      { name: 'Weld Time', unit: 'ms', min: 100, max: 500 },
      { name: 'Electrode Force', unit: 'kN', min: 1.5, max: 5 },
    ],
  },
  weldingRobot: {
    description: 'Six-axis MIG welding robot',
    partsPerMinute: 3,
    rejectRate: 0.01,
    motorCurrent: 18,
    powerKw: 12,
    tags: [
      analog('TCP Speed', 'mm/s', 'Tool centre point speed', 0, {
        run: 850,
        idle: 0,
        amplitude: 60,
        noise: 20,
        period: 17,
      }),
      analog('Axis 1 Torque', '%', 'Axis 1 motor torque, percent of rated', 1, {
        run: 42,
        idle: 8,
        amplitude: 12,
        noise: 3,
        period: 13,
      }),
      analog('Axis 2 Torque', '%', 'Axis 2 motor torque, percent of rated', 1, {
        run: 55,
        idle: 10,
        amplitude: 14,
        noise: 3,
        period: 11,
      }),
      temperature('Controller Temperature', 'Robot controller cabinet temperature', 41, 600),
      analog('Wire Feed Speed', 'm/min', 'Welding wire feed speed', 2, {
        run: 8.5,
        idle: 0,
        amplitude: 0.3,
        noise: 0.1,
        period: 23,
      }),
    ],
    downReasons: ['COLLISION', 'DRIVE_FAULT', 'E-STOP'],
    warnings: ['MOTOR_TEMP_HIGH', 'DOOR_OPEN', 'VIBRATION_HIGH'],
    characteristics: ['Weld Seam Position'],
    orderParameters: [
      { name: 'Wire Feed Speed', unit: 'm/min', min: 2, max: 15 },
      { name: 'Travel Speed', unit: 'mm/s', min: 200, max: 1500 },
    ],
  },
  torqueStation: {
    description: 'Multi-spindle nutrunner station',
    partsPerMinute: 2,
    rejectRate: 0.02,
    motorCurrent: 9,
    powerKw: 4,
    tags: [
      analog('Final Torque', 'Nm', 'Final torque of the last tightening', 2, {
        run: 25,
        idle: 25,
        amplitude: 0.2,
        noise: 0.35,
        period: 31,
      }),
      analog('Final Angle', '°', 'Final angle of the last tightening', 0, {
        run: 540,
        idle: 540,
        amplitude: 10,
        noise: 8,
        period: 43,
      }),
      analog('Air Pressure', 'bar', 'Compressed air supply pressure', 2, {
        run: 6.2,
        idle: 6.4,
        amplitude: 0.1,
        noise: 0.05,
        period: 97,
      }),
      analog('Spindle Speed', 'rpm', 'Nutrunner spindle speed', 0, {
        run: 350,
        idle: 0,
        amplitude: 10,
        noise: 5,
        period: 19,
      }),
      analog('Rework Rate', '%', 'Share of tightenings sent to rework, rolling hour', 2, {
        run: 1.8,
        idle: 1.8,
        amplitude: 0.6,
        noise: 0.2,
        period: 480,
      }),
    ],
    downReasons: ['JAM', 'SENSOR_FAULT', 'E-STOP'],
    warnings: ['TORQUE_NOK', 'AIR_PRESSURE_LOW'],
    characteristics: ['Bolt Torque'],
    orderParameters: [
      { name: 'Target Torque', unit: 'Nm', min: 5, max: 60 },
      { name: 'Target Angle', unit: '°', min: 90, max: 1080 },
    ],
  },
  robotCell: {
    description: 'Handling robot cell with vision guidance',
    partsPerMinute: 2,
    rejectRate: 0.005,
    motorCurrent: 16,
    powerKw: 10,
    tags: [
      analog('Gripper Pressure', 'bar', 'Gripper clamping pressure', 2, {
        run: 5.8,
        idle: 6,
        amplitude: 0.1,
        noise: 0.05,
        period: 41,
      }),
      analog('Axis 1 Torque', '%', 'Axis 1 motor torque, percent of rated', 1, {
        run: 38,
        idle: 6,
        amplitude: 10,
        noise: 3,
        period: 13,
      }),
      temperature('Axis 3 Motor Temperature', 'Axis 3 servo motor winding temperature', 52, 240),
      analog('Vision Match Score', '%', 'Pattern match score of the last pick', 1, {
        run: 97,
        idle: 97,
        amplitude: 1,
        noise: 0.6,
        period: 133,
      }),
      analog('Vacuum Level', '%', 'Suction cup vacuum, percent of supply', 1, {
        run: 82,
        idle: 0,
        amplitude: 3,
        noise: 1,
        period: 11,
      }),
    ],
    downReasons: ['COLLISION', 'DRIVE_FAULT', 'SENSOR_FAULT', 'E-STOP'],
    warnings: ['DOOR_OPEN', 'AIR_PRESSURE_LOW', 'MOTOR_TEMP_HIGH'],
    characteristics: ['Gap Width'],
    orderParameters: [
      { name: 'Gripper Pressure', unit: 'bar', min: 3, max: 8 },
      { name: 'Speed Override', unit: '%', min: 10, max: 100 },
    ],
  },
  conveyor: {
    description: 'Skid conveyor with accumulation buffer',
    partsPerMinute: 6,
    rejectRate: 0,
    motorCurrent: 12,
    powerKw: 7.5,
    tags: [
      analog('Belt Speed', 'm/min', 'Conveyor belt speed', 2, {
        run: 18,
        idle: 0,
        amplitude: 0.3,
        noise: 0.1,
        period: 59,
      }),
      analog('Load', '%', 'Drive load, percent of rated', 1, {
        run: 64,
        idle: 5,
        amplitude: 10,
        noise: 3,
        period: 47,
      }),
      temperature('Gearbox Temperature', 'Main drive gearbox temperature', 46, 360),
      {
        ...analog('Carriers In Zone', null, 'Carriers in the accumulation zone', 0, {
          run: 14,
          idle: 14,
          amplitude: 4,
          noise: 1,
          period: 71,
        }),
        dataType: 'INTEGER',
      },
      analog('Buffer Level', '%', 'Accumulation buffer fill level', 1, {
        run: 55,
        idle: 30,
        amplitude: 20,
        noise: 4,
        period: 73,
      }),
    ],
    downReasons: ['JAM', 'BELT_SLIP', 'DRIVE_FAULT'],
    warnings: ['VIBRATION_HIGH', 'MOTOR_TEMP_HIGH'],
    characteristics: [],
    orderParameters: [{ name: 'Belt Speed', unit: 'm/min', min: 5, max: 30 }],
  },
  cncMill: {
    description: '5-axis machining centre',
    partsPerMinute: 0.5,
    rejectRate: 0.015,
    motorCurrent: 38,
    powerKw: 30,
    tags: [
      analog('Spindle Speed', 'rpm', 'Main spindle speed', 0, {
        run: 12000,
        idle: 0,
        amplitude: 400,
        noise: 150,
        period: 7,
      }),
      analog('Spindle Load', '%', 'Main spindle load, percent of rated', 1, {
        run: 46,
        idle: 2,
        amplitude: 12,
        noise: 4,
        period: 11,
      }),
      analog('Feed Rate', 'mm/min', 'Programmed path feed rate', 0, {
        run: 2400,
        idle: 0,
        amplitude: 200,
        noise: 60,
        period: 9,
      }),
      temperature('Coolant Temperature', 'Coolant tank temperature', 24, 300),
      sawtooth('Tool Life Remaining', '%', 'Remaining life of the active tool', 1, {
        from: 100,
        to: 5,
        noise: 0,
        period: 360,
      }),
    ],
    downReasons: ['TOOL_BREAK', 'DRIVE_FAULT', 'SENSOR_FAULT', 'E-STOP'],
    warnings: ['TOOL_LIFE_LOW', 'COOLANT_LOW', 'VIBRATION_HIGH'],
    characteristics: ['Bore Diameter'],
    orderParameters: [
      { name: 'Spindle Speed', unit: 'rpm', min: 1000, max: 20000 },
      { name: 'Feed Rate', unit: 'mm/min', min: 200, max: 6000 },
    ],
  },
  cncLathe: {
    description: 'CNC turning centre with bar feeder',
    partsPerMinute: 0.8,
    rejectRate: 0.012,
    motorCurrent: 32,
    powerKw: 22,
    tags: [
      analog('Spindle Speed', 'rpm', 'Main spindle speed', 0, {
        run: 3200,
        idle: 0,
        amplitude: 150,
        noise: 40,
        period: 7,
      }),
      analog('Spindle Load', '%', 'Main spindle load, percent of rated', 1, {
        run: 52,
        idle: 2,
        amplitude: 10,
        noise: 4,
        period: 13,
      }),
      analog('Coolant Concentration', '%', 'Coolant emulsion concentration', 2, {
        run: 7.5,
        idle: 7.5,
        amplitude: 0.3,
        noise: 0.05,
        period: 1440,
      }),
      analog('Chuck Pressure', 'bar', 'Hydraulic chuck clamping pressure', 1, {
        run: 28,
        idle: 28,
        amplitude: 0.5,
        noise: 0.2,
        period: 71,
      }),
      sawtooth('Tool Life Remaining', '%', 'Remaining life of the active tool', 1, {
        from: 100,
        to: 8,
        noise: 0,
        period: 540,
      }),
    ],
    downReasons: ['TOOL_BREAK', 'JAM', 'DRIVE_FAULT', 'E-STOP'],
    warnings: ['COOLANT_LOW', 'TOOL_LIFE_LOW'],
    characteristics: ['Outer Diameter', 'Surface Roughness Ra'],
    orderParameters: [
      { name: 'Spindle Speed', unit: 'rpm', min: 500, max: 5000 },
      { name: 'Feed Per Revolution', unit: 'mm', min: 0.05, max: 0.6 },
    ],
  },
  partsWasher: {
    description: 'Spray washer with hot-air dryer',
    partsPerMinute: 1.5,
    rejectRate: 0.004,
    motorCurrent: 20,
    powerKw: 45,
    tags: [
      temperature('Wash Temperature', 'Wash bath temperature', 60, 180),
      analog('Pump Pressure', 'bar', 'Spray pump discharge pressure', 2, {
        run: 4.5,
        idle: 0.2,
        amplitude: 0.2,
        noise: 0.08,
        period: 37,
      }),
      sawtooth('Conductivity', 'µS/cm', 'Wash bath conductivity', 0, {
        from: 300,
        to: 1200,
        noise: 10,
        period: 1440,
      }),
      analog('Tank Level', '%', 'Wash tank level', 1, {
        run: 78,
        idle: 80,
        amplitude: 3,
        noise: 0.5,
        period: 230,
      }),
      analog('Dryer Air Temperature', '°C', 'Dryer supply air temperature', 1, {
        run: 85,
        idle: 70,
        amplitude: 2,
        noise: 0.5,
        period: 120,
      }),
    ],
    downReasons: ['JAM', 'SENSOR_FAULT', 'E-STOP'],
    warnings: ['CONDUCTIVITY_HIGH', 'MOTOR_TEMP_HIGH'],
    characteristics: ['Residual Contamination'],
    orderParameters: [
      { name: 'Wash Temperature', unit: '°C', min: 40, max: 80 },
      { name: 'Dryer Temperature', unit: '°C', min: 60, max: 110 },
    ],
  },
  paintRobot: {
    description: 'Electrostatic rotary-bell paint robot',
    partsPerMinute: 1,
    rejectRate: 0.025,
    motorCurrent: 14,
    powerKw: 9,
    tags: [
      analog('Paint Flow', 'ml/min', 'Paint flow to the bell cup', 0, {
        run: 320,
        idle: 0,
        amplitude: 20,
        noise: 6,
        period: 13,
      }),
      analog('Bell Speed', 'rpm', 'Rotary bell cup speed', 0, {
        run: 45000,
        idle: 10000,
        amplitude: 800,
        noise: 300,
        period: 19,
      }),
      analog('High Voltage', 'kV', 'Electrostatic charging voltage', 1, {
        run: 70,
        idle: 0,
        amplitude: 1.5,
        noise: 0.5,
        period: 29,
      }),
      temperature('Booth Temperature', 'Spray booth air temperature', 23, 720),
      analog('Booth Humidity', '%', 'Spray booth relative humidity', 1, {
        run: 65,
        idle: 65,
        amplitude: 4,
        noise: 0.5,
        period: 600,
      }),
    ],
    downReasons: ['NOZZLE_CLOG', 'COLLISION', 'E-STOP'],
    warnings: ['BOOTH_HUMIDITY', 'DOOR_OPEN'],
    characteristics: ['Paint Film Thickness'],
    orderParameters: [
      { name: 'Flow Rate', unit: 'ml/min', min: 100, max: 600 },
      { name: 'Bell Speed', unit: 'rpm', min: 20000, max: 60000 },
      { name: 'High Voltage', unit: 'kV', min: 40, max: 90 },
    ],
  },
  curingOven: {
    description: 'Three-zone convection curing oven',
    partsPerMinute: 1,
    rejectRate: 0.006,
    motorCurrent: 28,
    powerKw: 60,
    tags: [
      analog('Zone 1 Temperature', '°C', 'Heat-up zone air temperature', 1, {
        run: 140,
        idle: 120,
        amplitude: 2,
        noise: 0.5,
        period: 90,
      }),
      analog('Zone 2 Temperature', '°C', 'Holding zone air temperature', 1, {
        run: 175,
        idle: 150,
        amplitude: 1.5,
        noise: 0.5,
        period: 110,
      }),
      analog('Zone 3 Temperature', '°C', 'Cool-down zone air temperature', 1, {
        run: 160,
        idle: 140,
        amplitude: 2,
        noise: 0.5,
        period: 95,
      }),
      analog('Burner Gas Flow', 'm³/h', 'Natural gas flow to the burners', 1, {
        run: 42,
        idle: 20,
        amplitude: 3,
        noise: 1,
        period: 45,
      }),
      analog('Exhaust Fan Speed', 'rpm', 'Exhaust fan speed', 0, {
        run: 1450,
        idle: 900,
        amplitude: 20,
        noise: 10,
        period: 37,
      }),
    ],
    downReasons: ['OVERTEMP', 'DRIVE_FAULT', 'E-STOP'],
    warnings: ['MOTOR_TEMP_HIGH', 'VIBRATION_HIGH'],
    characteristics: ['Gloss Level'],
    orderParameters: [
      { name: 'Cure Temperature', unit: '°C', min: 120, max: 200 },
      { name: 'Dwell Time', unit: 'min', min: 15, max: 45 },
    ],
  },
} satisfies Record<string, EquipmentType>;

export type EquipmentTypeName = keyof typeof EQUIPMENT_TYPES;

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

export const ENTERPRISE = {
  name: 'Acme Manufacturing',
  description: 'Tier-1 supplier of body, chassis and powertrain components',
};

export const SITES: SiteSpec[] = [
  {
    name: 'Dresden',
    description: 'Body and assembly plant, Dresden (DE)',
    timezone: 'Europe/Berlin',
    operators: ['m.keller', 's.wagner', 't.hoffmann'],
    areas: [
      {
        name: 'Body Shop',
        description: 'Stamping and body-in-white welding',
        materials: [
          'BRKT-4711 Bracket',
          'PNL-2210 Door Inner Panel',
          'RNF-3302 Roof Reinforcement',
          'SUB-5120 Side Frame Assembly',
        ],
        lines: [1, 2].map((n) => ({
          name: `Line ${n}`,
          equipment: [
            { name: `Press 0${n}`, type: 'press' },
            { name: `Spot Welder 0${n}`, type: 'spotWelder', cell: `Welding Cell 0${n}` },
            {
              name: `Welding Robot 0${n}`,
              type: 'weldingRobot',
              cell: `Welding Cell 0${n}`,
              ...(n === 1 && { endsIn: { state: 'DOWN', reason: 'COLLISION' } as const }),
            },
          ],
        })),
      },
      {
        name: 'Assembly',
        description: 'Axle and seat module assembly',
        materials: ['AXL-7710 Rear Axle Module', 'SEAT-3390 Seat Frame', 'DRV-1180 Door Module'],
        lines: [1, 2].map((n) => ({
          name: `Line ${n}`,
          equipment: [
            { name: `Torque Station 0${n}`, type: 'torqueStation' },
            {
              name: `Robot Cell 0${n}`,
              type: 'robotCell',
              ...(n === 2 && { endsIn: { state: 'DOWN', reason: 'E-STOP' } as const }),
            },
            { name: `Conveyor 0${n}`, type: 'conveyor' },
          ],
        })),
      },
    ],
  },
  {
    name: 'Lyon',
    description: 'Machining and paint plant, Lyon (FR)',
    timezone: 'Europe/Paris',
    operators: ['j.dubois', 'c.martin', 'l.bernard'],
    areas: [
      {
        name: 'Machining',
        description: 'Prismatic and turned powertrain parts',
        materials: ['HSG-8801 Gearbox Housing', 'SHF-1204 Drive Shaft', 'FLG-0450 Flange'],
        lines: [1, 2].map((n) => ({
          name: `Line ${n}`,
          equipment: [
            {
              name: `CNC Mill 0${n}`,
              type: 'cncMill',
              ...(n === 2 && { endsIn: { state: 'DOWN', reason: 'TOOL_BREAK' } as const }),
            },
            { name: `CNC Lathe 0${n}`, type: 'cncLathe' },
            { name: `Parts Washer 0${n}`, type: 'partsWasher' },
          ],
        })),
      },
      {
        name: 'Paint Shop',
        description: 'Plastic exterior parts painting',
        materials: ['BMP-6610 Front Bumper', 'MIR-2290 Mirror Cap', 'SPL-7420 Rear Spoiler'],
        lines: [1, 2].map((n) => ({
          name: `Line ${n}`,
          equipment: [
            { name: `Paint Robot 0${n}`, type: 'paintRobot' },
            { name: `Curing Oven 0${n}`, type: 'curingOven' },
            {
              name: `Conveyor 0${n + 2}`,
              type: 'conveyor',
              ...(n === 1 && { endsIn: { state: 'IDLE', reason: 'STARVED' } as const }),
            },
          ],
        })),
      },
    ],
  },
];

export const CHARACTERISTICS: CharacteristicSpec[] = [
  {
    name: 'Flange Length',
    unit: 'mm',
    lsl: 24.5,
    target: 25,
    usl: 25.5,
    decimals: 3,
    description: 'Length of the mounting flange after trimming',
  },
  {
    name: 'Weld Nugget Diameter',
    unit: 'mm',
    lsl: 5,
    target: 6,
    usl: 7,
    decimals: 2,
    description: 'Nugget diameter from the chisel test',
  },
  {
    name: 'Weld Seam Position',
    unit: 'mm',
    lsl: -0.5,
    target: 0,
    usl: 0.5,
    decimals: 3,
    description: 'Seam offset from nominal, laser seam tracker',
  },
  {
    name: 'Bolt Torque',
    unit: 'Nm',
    lsl: 23,
    target: 25,
    usl: 27,
    decimals: 2,
    description: 'Audit torque of the M10 mounting bolts',
  },
  {
    name: 'Gap Width',
    unit: 'mm',
    lsl: 3.5,
    target: 4,
    usl: 4.5,
    decimals: 2,
    description: 'Gap between module and body, optical gauge',
  },
  {
    name: 'Bore Diameter',
    unit: 'mm',
    lsl: 24.98,
    target: 25,
    usl: 25.02,
    decimals: 4,
    description: 'Bearing bore diameter, CMM',
  },
  {
    name: 'Outer Diameter',
    unit: 'mm',
    lsl: 39.96,
    target: 40,
    usl: 40.04,
    decimals: 4,
    description: 'Shaft seat outer diameter, in-process gauge',
  },
  {
    name: 'Surface Roughness Ra',
    unit: 'µm',
    lsl: null,
    target: 0.4,
    usl: 0.8,
    decimals: 3,
    description: 'Arithmetic mean roughness of the seat',
  },
  {
    name: 'Residual Contamination',
    unit: 'mg',
    lsl: null,
    target: 0.8,
    usl: 2,
    decimals: 2,
    description: 'Residual dirt per part after washing (VDA 19)',
  },
  {
    name: 'Paint Film Thickness',
    unit: 'µm',
    lsl: 80,
    target: 100,
    usl: 120,
    decimals: 1,
    description: 'Total dry film thickness',
  },
  {
    name: 'Gloss Level',
    unit: 'GU',
    lsl: 85,
    target: 90,
    usl: null,
    decimals: 1,
    description: 'Gloss at 20° after curing',
  },
];

/** Alarm texts by code. Down reasons reuse their alarm code as the machine-state reason. */
export const ALARMS: Record<string, { severity: AlarmSeverity; message: string }> = {
  'E-STOP': { severity: 'CRITICAL', message: 'Emergency stop pressed' },
  COLLISION: { severity: 'CRITICAL', message: 'Collision detected, robot stopped' },
  JAM: { severity: 'HIGH', message: 'Part jam detected at infeed' },
  TOOL_BREAK: { severity: 'HIGH', message: 'Tool breakage detected by spindle load monitor' },
  HYDRAULIC_FAULT: { severity: 'HIGH', message: 'Hydraulic pressure outside operating range' },
  DRIVE_FAULT: { severity: 'HIGH', message: 'Servo drive fault' },
  WELD_FAULT: { severity: 'HIGH', message: 'Weld current outside tolerance band' },
  NOZZLE_CLOG: { severity: 'HIGH', message: 'Bell cup paint flow blocked' },
  OVERTEMP: { severity: 'HIGH', message: 'Oven zone over-temperature, burners off' },
  COMM_LOSS: { severity: 'HIGH', message: 'Connection to the OPC UA server lost' },
  LIGHT_CURTAIN: { severity: 'MEDIUM', message: 'Light curtain interrupted during stroke' },
  SENSOR_FAULT: { severity: 'MEDIUM', message: 'Part presence sensor signal implausible' },
  BELT_SLIP: { severity: 'MEDIUM', message: 'Belt slip detected by speed monitor' },
  OIL_TEMP_HIGH: { severity: 'MEDIUM', message: 'Hydraulic oil temperature above 60 °C' },
  VIBRATION_HIGH: { severity: 'MEDIUM', message: 'Vibration above 7.1 mm/s' },
  AIR_PRESSURE_LOW: { severity: 'MEDIUM', message: 'Compressed air below 5.5 bar' },
  MOTOR_TEMP_HIGH: { severity: 'MEDIUM', message: 'Motor winding temperature above 90 °C' },
  TORQUE_NOK: { severity: 'MEDIUM', message: 'Tightening result NOK, part sent to rework' },
  BOOTH_HUMIDITY: { severity: 'MEDIUM', message: 'Booth humidity outside 55–75 %' },
  OIL_LEVEL_LOW: { severity: 'LOW', message: 'Hydraulic oil level below 80 %' },
  DOOR_OPEN: { severity: 'LOW', message: 'Guard door opened in automatic mode' },
  TIP_DRESS_DUE: { severity: 'LOW', message: 'Electrode tip dressing due' },
  TOOL_LIFE_LOW: { severity: 'LOW', message: 'Tool life below 10 %' },
  COOLANT_LOW: { severity: 'LOW', message: 'Coolant concentration below 6 %' },
  CONDUCTIVITY_HIGH: { severity: 'LOW', message: 'Wash bath conductivity high, bath change due' },
};

export const ACKNOWLEDGE_COMMENTS = [
  'Checked on site, restarted',
  'Maintenance informed',
  'Part removed, cycle restarted',
  'Known issue, ticket open',
  'Reset after inspection',
];

export const IDLE_REASONS = ['STARVED', 'BLOCKED', 'WAITING_MATERIAL'];
export const STOP_REASONS = ['BREAK', 'SHIFT_CHANGE', 'OPERATOR_STOP'];

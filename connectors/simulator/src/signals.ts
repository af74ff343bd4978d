import type { PlantTag, Random } from '@plantgraph/demo-catalog';

/** What a machine contributes to a reading: how it runs and how long it has run. */
export interface SignalContext {
  /** Real time of the reading, epoch ms. */
  now: number;
  /** Real minutes since the simulation started. */
  minutes: number;
  /** Real minutes spent RUNNING since the simulation started. */
  runMinutes: number;
  running: boolean;
  /** Guard door: open during setup, maintenance and while DOOR_OPEN is raised. */
  doorClosed: boolean;
  program: string;
}

export type SignalValue = number | boolean | string;

const MINUTE = 60_000;

/**
 * The value of one catalog tag, following the same formulas as the seeded history so live data
 * continues the curves the history drew: waves run on wall-clock minutes, idle levels scale the
 * running level, counters advance per running minute.
 */
export function signalValue(tag: PlantTag, context: SignalContext, random: Random): SignalValue {
  const { signal, decimals } = tag.spec;
  const scale = 10 ** decimals;
  const jitter = (noise: number) => noise * (2 * random.next() - 1);
  const cycles = (period: number) => (context.now / MINUTE + tag.phase) / period;
  switch (signal.kind) {
    case 'analog': {
      const level = context.running ? 1 : signal.idle / signal.run;
      const wave = signal.amplitude * Math.sin(2 * Math.PI * cycles(signal.period));
      return round(level * (signal.run + wave + jitter(signal.noise)), scale);
    }
    case 'sawtooth': {
      const position = cycles(signal.period) - Math.floor(cycles(signal.period));
      const value = signal.from + (signal.to - signal.from) * position + jitter(signal.noise);
      return round(value, scale);
    }
    case 'counter': {
      const advance = signal.perRunMinute * context.runMinutes + signal.perMinute * context.minutes;
      return Math.floor((tag.counterStart + advance) * scale) / scale;
    }
    case 'door':
      return context.doorClosed;
    case 'program':
      return context.program;
  }
}

function round(value: number, scale: number): number {
  // Adding 0 turns -0 into 0, which would otherwise read as a change from 0.
  return Math.round(value * scale) / scale + 0;
}

/** `PRG_BRKT_4711` for `BRKT-4711 Bracket`, as the seeded history names programs. */
export function programName(material: string): string {
  const code = material.trim().split(/\s+/)[0] || material;
  return `PRG_${code.replace(/-/g, '_')}`;
}

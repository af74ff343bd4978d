import { CLEARED_ON_RECONNECT } from '@plantgraph/alarms-domain';
import type { IngestRecord, MachineState, Quality, SourceSample } from '../records.ts';
import type { StateMapping } from '../plant-config.ts';
import type {
  ResolvedAlarmMapping,
  ResolvedCounterMapping,
  ResolvedStateMapping,
  ResolvedTagMapping,
} from './resolve.ts';
import { sourceAddress } from '../plant-config.ts';
import {
  describeValue,
  isBitSet,
  payloadReader,
  toFiniteNumber,
  toJsonText,
  toWhole,
  type Read,
} from './values.ts';

/**
 * A rule first checks a sample without side effects and only then commits, so a sample that
 * fails any of its mappings changes no remembered value and can be replayed as a whole.
 */
export type Evaluation = { reason: string } | { commit: () => IngestRecord[] };

export interface Rule {
  /** The address as configured: a node id, browse path, topic filter or Sparkplug path. */
  address: string;
  mapping:
    ResolvedTagMapping | ResolvedStateMapping | ResolvedCounterMapping | ResolvedAlarmMapping;
  evaluate(sample: SourceSample): Evaluation;
}

/** What the mapper remembers between samples, shared by all rules of one mapper. */
export interface Memory {
  /** The last stored datapoint per tag id, for the deadband. */
  stored: Map<string, Stored>;
  /** The last emitted state per asset id. */
  states: Map<string, { state: MachineState; reason: string | null }>;
  /** Whether each alarm (`alarmKey`) is active; unknown until its first sample. */
  alarms: Map<string, boolean>;
}

export function emptyMemory(): Memory {
  return { stored: new Map(), states: new Map(), alarms: new Map() };
}

const nothing: Evaluation = { commit: () => [] };

/**
 * A sample of bad or uncertain quality without a value (an OPC UA server lost its device)
 * carries no reading; only tags record it, as a null datapoint.
 */
const missing = (sample: SourceSample, read: Read) =>
  'value' in read && (read.value === null || read.value === undefined) && sample.quality !== 'GOOD';

type Converted = { value: number | null; text: string | null } | { reason: string };

function convert(mapping: ResolvedTagMapping, raw: unknown): Converted {
  const wrong = (expected: string) => ({
    reason: `expected ${expected} for ${mapping.dataType} tag "${mapping.tag}", got ${describeValue(raw)}`,
  });
  switch (mapping.dataType) {
    case 'FLOAT':
    case 'INTEGER': {
      const number = toFiniteNumber(raw);
      if (number === null) return wrong('a number');
      if (mapping.dataType === 'INTEGER' && !Number.isInteger(number)) return wrong('an integer');
      return { value: number * mapping.scale + mapping.offset, text: null };
    }
    case 'BOOLEAN': {
      if (raw === true || raw === 1 || raw === 1n) return { value: 1, text: null };
      if (raw === false || raw === 0 || raw === 0n) return { value: 0, text: null };
      return wrong('a boolean or 0/1');
    }
    case 'STRING': {
      if (typeof raw === 'string') return { value: null, text: raw };
      const scalar = typeof raw === 'boolean' || toFiniteNumber(raw) !== null;
      return scalar ? { value: null, text: String(raw) } : wrong('text');
    }
    case 'JSON':
      return { value: null, text: toJsonText(raw) };
  }
}

type Stored = { value: number | null; quality: Quality };

/** Whether a numeric value stays inside the deadband around the last stored one. */
function withinDeadband(last: Stored | undefined, next: Stored, deadband: number): boolean {
  if (!last || last.quality !== next.quality) return false;
  if (last.value === null || next.value === null) return false;
  return Math.abs(next.value - last.value) < deadband;
}

/**
 * A tag: the value converted for its data type, scaled, and stored when it moved at least the
 * deadband away from the last stored value. The first value and any quality change are stored.
 */
export function tagRule(mapping: ResolvedTagMapping, memory: Memory): Rule {
  const read = payloadReader(mapping.source);
  const numeric = mapping.dataType === 'FLOAT' || mapping.dataType === 'INTEGER';
  const reading = (sample: SourceSample): Converted => {
    const found = read(sample.value);
    if (missing(sample, found)) return { value: null, text: null };
    return 'reason' in found ? found : convert(mapping, found.value);
  };
  return {
    address: sourceAddress(mapping.source),
    mapping,
    evaluate(sample) {
      const converted = reading(sample);
      if ('reason' in converted) return converted;
      const { value, text } = converted;
      const { time, quality } = sample;
      return {
        commit() {
          const next = { value, quality };
          const last = memory.stored.get(mapping.tagId);
          if (numeric && withinDeadband(last, next, mapping.deadband)) return [];
          memory.stored.set(mapping.tagId, next);
          const { tagId, tag, assetId, asset: assetPath } = mapping;
          return [
            { kind: 'datapoint', tagId, tag, assetId, assetPath, time, value, text, quality },
          ];
        },
      };
    },
  };
}

type StateTarget = NonNullable<StateMapping['otherwise']>;

function stateFor(mapping: StateMapping, code: bigint): StateTarget | undefined {
  const byCode = mapping.codes?.[String(code)];
  if (byCode) return byCode;
  const bits = Object.keys(mapping.bits ?? {})
    .map(Number)
    .sort((a, b) => a - b);
  const bit = bits.find((candidate) => isBitSet(code, candidate));
  return (bit === undefined ? undefined : mapping.bits?.[String(bit)]) ?? mapping.otherwise;
}

/** A PLC state word: a listed code, else the lowest listed set bit, else `otherwise`. */
export function stateRule(mapping: ResolvedStateMapping, memory: Memory): Rule {
  const read = payloadReader(mapping.source);
  return {
    address: sourceAddress(mapping.source),
    mapping,
    evaluate(sample) {
      const found = read(sample.value);
      if (missing(sample, found)) return nothing;
      if ('reason' in found) return found;
      const code = toWhole(found.value);
      if (code === null)
        return { reason: `expected an integer state code, got ${describeValue(found.value)}` };
      const target = stateFor(mapping, code);
      if (!target) return { reason: `unknown state code ${code}` };
      const state = typeof target === 'string' ? target : target.state;
      const reason = typeof target === 'string' ? null : (target.reason ?? null);
      return {
        commit() {
          const last = memory.states.get(mapping.assetId);
          if (last?.state === state && last.reason === reason) return [];
          memory.states.set(mapping.assetId, { state, reason });
          const { assetId, asset: assetPath } = mapping;
          return [{ kind: 'state', assetId, assetPath, time: sample.time, state, reason }];
        },
      };
    },
  };
}

/**
 * Parts counted. An increment counter's values are the parts counted. A running total is passed
 * on as a reading of its source (connection and address), which the writer turns into the
 * increment since the last total stored for that source: the first total ever read only sets the
 * baseline, and a drop means the PLC reset the total, so the new total is what was counted since.
 * A total equal to the last one passed on, and a zero increment, are not recorded.
 */
export function counterRule(mapping: ResolvedCounterMapping): Rule {
  const read = payloadReader(mapping.source);
  const totals = new Map<string, number>();
  return {
    address: sourceAddress(mapping.source),
    mapping,
    evaluate(sample) {
      const found = read(sample.value);
      if (missing(sample, found)) return nothing;
      if ('reason' in found) return found;
      const value = toFiniteNumber(found.value);
      if (value === null)
        return { reason: `expected a finite counter value, got ${describeValue(found.value)}` };
      if (value < 0) return { reason: `negative counter value ${value}` };
      const { assetId, asset: assetPath, counter } = mapping;
      const time = sample.time;
      return {
        commit() {
          if (mapping.mode === 'increment') {
            if (value === 0) return [];
            return [{ kind: 'counter', assetId, assetPath, time, counter, increment: value }];
          }
          if (totals.get(sample.address) === value) return [];
          totals.set(sample.address, value);
          const total = { connection: sample.connection, address: sample.address, value };
          return [{ kind: 'counter', assetId, assetPath, time, counter, increment: 0, total }];
        },
      };
    },
  };
}

/** The memory key of one alarm: its asset and code. */
export const alarmKey = (assetId: string, code: string): string => `${assetId}\u0000${code}`;

function alarmActive(mapping: ResolvedAlarmMapping, value: unknown): boolean | { reason: string } {
  if (mapping.bit !== undefined) {
    const word = typeof value === 'boolean' ? BigInt(value) : toWhole(value);
    if (word === null)
      return { reason: `expected an integer alarm word, got ${describeValue(value)}` };
    return isBitSet(word, mapping.bit);
  }
  if (typeof value === 'boolean') return value;
  const number = toFiniteNumber(value);
  if (number === null)
    return {
      reason: `expected a boolean or number for alarm ${mapping.code}, got ${describeValue(value)}`,
    };
  return number !== 0;
}

/**
 * An alarm raised when its condition becomes active and cleared when it ends. The first sample
 * after the mapper started, or after its asset went OFFLINE, raises an alarm that is active
 * (the writer keeps one open event per alarm, so one still open is not raised twice) and clears
 * one that is not, with the reason `CLEARED_ON_RECONNECT`: it may have cleared while nobody
 * watched. A value read on (re)connecting (`readOnConnect`) clears an inactive alarm the same
 * way, at the time it was read, whatever the mapper remembered.
 */
export function alarmRule(mapping: ResolvedAlarmMapping, memory: Memory): Rule {
  const read = payloadReader(mapping.source);
  const key = alarmKey(mapping.assetId, mapping.code);
  return {
    address: sourceAddress(mapping.source),
    mapping,
    evaluate(sample) {
      const found = read(sample.value);
      if (missing(sample, found)) return nothing;
      if ('reason' in found) return found;
      const active = alarmActive(mapping, found.value);
      if (typeof active !== 'boolean') return active;
      return {
        commit() {
          const was = memory.alarms.get(key);
          memory.alarms.set(key, active);
          const { assetId, asset: assetPath, code, severity, message } = mapping;
          const alarm = { kind: 'alarm' as const, assetId, assetPath, code, severity, message };
          const reconciles = !active && (was === undefined || sample.readOnConnect !== undefined);
          if (reconciles) {
            const time = sample.readOnConnect ?? sample.time;
            return [{ ...alarm, time, active, clearReason: CLEARED_ON_RECONNECT }];
          }
          if (was === active) return [];
          return [{ ...alarm, time: sample.time, active }];
        },
      };
    },
  };
}

/**
 * The normalised records that cross from connectors into storage and onto the event bus. Raw
 * vendor payloads never go further than the mapping that produces these.
 */

export type Quality = 'GOOD' | 'UNCERTAIN' | 'BAD';

import type {
  AlarmSeverity,
  CounterKind,
  MachineState,
} from '@plantgraph/integration-domain/config';

// The vocabulary is the configuration's: mappings name these states, counters and severities.
export {
  alarmSeverities,
  counterKinds,
  machineStates,
  type AlarmSeverity,
  type CounterKind,
  type MachineState,
} from '@plantgraph/integration-domain/config';
/**
 * The asset a record belongs to, as the mapping resolved it: events and their topics are built
 * from the record alone, without looking names up by id.
 */
export interface AssetPlace {
  assetId: string;
  /** The asset's full path, e.g. "Acme Manufacturing/Dresden/Body Shop/Line 1/Press 01". */
  assetPath: string;
}

/** A tag value at a time; `value` for numbers and booleans (1/0), `text` for strings. */
export interface DatapointRecord extends AssetPlace {
  kind: 'datapoint';
  tagId: string;
  /** The tag's name on its asset. */
  tag: string;
  time: Date;
  value: number | null;
  text: string | null;
  quality: Quality;
}

/** The machine entered `state` at `time`. */
export interface StateRecord extends AssetPlace {
  kind: 'state';
  time: Date;
  state: MachineState;
  reason: string | null;
}

/** A running total as a counter source reported it, and where it was read. */
export interface CounterTotal {
  connection: string;
  /** The OPC UA node id, MQTT topic or Sparkplug path of the sample. */
  address: string;
  value: number;
}

/** Parts counted since the previous record of the same asset and counter. */
export interface CounterRecord extends AssetPlace {
  kind: 'counter';
  time: Date;
  counter: CounterKind;
  /**
   * Parts counted. For a running total (`total` set) the mapper cannot know it and leaves 0: the
   * writer sets it against the last total stored for the same source, in the transaction that
   * stores the new total (see applyCounterTotals), so the count survives restarts.
   */
  increment: number;
  total?: CounterTotal;
}

/** An alarm condition became active (raised) or inactive (cleared) at `time`. */
export interface AlarmRecord extends AssetPlace {
  kind: 'alarm';
  time: Date;
  code: string;
  active: boolean;
  severity: AlarmSeverity;
  message: string;
  /**
   * Why a clear happened, when it was not an edge at the source: `CLEARED_ON_RECONNECT` for an
   * alarm found not active on (re)connecting.
   */
  clearReason?: string;
}

export type IngestRecord = DatapointRecord | StateRecord | CounterRecord | AlarmRecord;

/** A message no mapping could turn into records; kept for inspection and replay. */
export interface DeadLetterRecord {
  /** The connection id from the configuration. */
  connection: string;
  /** Where it came from: an OPC UA node id, an MQTT topic. */
  address: string;
  /** The raw payload (truncated when stored). */
  payload: Buffer | string;
  reason: string;
  time: Date;
  /** The configuration version that refused it; the writer's current version when unset. */
  configVersion?: number | null;
}

/** A value as a connector received it, before mapping. */
export interface SourceSample {
  connection: string;
  /** OPC UA node id, MQTT topic, or Sparkplug `group/edgeNode/device/metric`. */
  address: string;
  value: unknown;
  /** The source timestamp; the receive time when the source sends none. */
  time: Date;
  quality: Quality;
  /**
   * Set on a value read as the current state when a connection was (re)established (the OPC UA
   * connector reads every alarm source then), to when it was read. Such a sample only feeds
   * alarm mappings, and an alarm not active in it is cleared at that time, whatever the mapper
   * remembered: it may have cleared while nobody watched.
   */
  readOnConnect?: Date;
  /**
   * Set on a value read from the source's history (OPC UA history backfill): it only feeds tag
   * mappings. States, counters and alarms follow the live values; a past value replayed into
   * them would raise, count or clear again what the live values already did.
   */
  fromHistory?: true;
}

import type { BulkColumn, Sql } from '@plantgraph/db';
import type { MachineState } from './machine-states.ts';
import type { CounterKind } from './oee/oee-figures.ts';
import type { DatapointQuality } from './sample.ts';

/*
 * The connectors' writes to the time-series hypertables: one bulk write per table and batch,
 * inside the caller's transaction. The tables carry no foreign keys; the ingest writer checks
 * references before it calls these. Rows already stored are ignored, so a replayed batch is
 * harmless.
 */

/** A tag value to store; `value` for numbers and booleans, `text` for strings. */
export interface NewDatapoint {
  time: Date;
  tagId: string;
  value: number | null;
  text: string | null;
  quality: DatapointQuality;
}

/** Parts counted on an asset since its previous increment of the same counter. */
export interface NewCounterIncrement {
  time: Date;
  assetId: string;
  counter: CounterKind;
  increment: number;
}

/** The asset entered `state` at `time`. */
export interface NewMachineState {
  time: Date;
  assetId: string;
  state: `${MachineState}`;
  reason?: string | null | undefined;
}

const col = (name: string, type: string): BulkColumn => ({ name, type });

const DATAPOINT_COLUMNS = [
  col('time', 'timestamptz'),
  col('tag_id', 'uuid'),
  col('value', 'float8'),
  col('text', 'text'),
  col('quality', 'datapoint_quality'),
];
const COUNTER_COLUMNS = [
  col('time', 'timestamptz'),
  col('asset_id', 'uuid'),
  col('kind', 'counter_kind'),
  col('increment', 'float8'),
];
const STATE_COLUMNS = [
  col('time', 'timestamptz'),
  col('asset_id', 'uuid'),
  col('state', 'machine_state_code'),
  col('reason', 'text'),
];

/**
 * Stores datapoints, the connectors' volume, as one bulk load (COPY on PostgreSQL); a (tag, time)
 * already stored keeps its value.
 */
export function insertDatapoints(tx: Sql, rows: readonly NewDatapoint[]): Promise<void> {
  return tx.bulkLoad(
    'datapoint',
    DATAPOINT_COLUMNS,
    rows.map((r) => [r.time, r.tagId, r.value, r.text, r.quality]),
    '(tag_id, time)',
  );
}

/** Stores counter increments in one statement, ignoring those already stored. */
export function insertCounterIncrements(
  tx: Sql,
  rows: readonly NewCounterIncrement[],
): Promise<void> {
  return tx.bulkInsert(
    'counter_increment',
    COUNTER_COLUMNS,
    rows.map((r) => [r.time, r.assetId, r.counter, r.increment]),
    'on conflict do nothing',
  );
}

/**
 * Stores state changes in one statement, ignoring those already stored. The caller leaves out
 * states equal to the asset's previous one (see `lastMachineStates`).
 */
export function insertMachineStates(tx: Sql, rows: readonly NewMachineState[]): Promise<void> {
  return tx.bulkInsert(
    'machine_state',
    STATE_COLUMNS,
    rows.map((r) => [r.time, r.assetId, r.state, r.reason ?? null]),
    'on conflict do nothing',
  );
}

import {
  clearAlarmEvents,
  insertAlarmEvents,
  openAlarmEvents,
  type AlarmClear,
} from '@plantgraph/alarms-domain';
import type { Sql } from '@plantgraph/db';
import {
  applyCounterTotals,
  insertCounterIncrements,
  insertDatapoints,
  insertDeadLetters,
  insertMachineStates,
} from '@plantgraph/timeseries-domain';
import type {
  AlarmRecord,
  CounterRecord,
  CounterTotal,
  DatapointRecord,
  IngestRecord,
  StateRecord,
} from '../records.ts';
import { rejectedRecord, type QueueItem, type StoredDeadLetter } from './items.ts';
import type { LastState, ReferenceCache } from './references.ts';

/** What a committed batch did. */
export interface BatchOutcome {
  /** Every record that was not rejected (stored now or already stored before). */
  accepted: IngestRecord[];
  /** The records that changed something: unchanged states and no-op alarm transitions left out. */
  changes: IngestRecord[];
  /** Dead letters stored: queued ones and rejected records. */
  letters: StoredDeadLetter[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface Split {
  datapoints: DatapointRecord[];
  counters: CounterRecord[];
  states: StateRecord[];
  alarms: AlarmRecord[];
  letters: StoredDeadLetter[];
}

function invalidity(record: IngestRecord): string | undefined {
  if (!(record.time instanceof Date) || Number.isNaN(record.time.getTime())) {
    return 'invalid record: time is not a valid date';
  }
  const id = record.kind === 'datapoint' ? record.tagId : record.assetId;
  if (typeof id !== 'string' || !UUID.test(id)) return 'invalid record: id is not a uuid';
  return undefined;
}

function split(items: readonly QueueItem[]): Split {
  const result: Split = { datapoints: [], counters: [], states: [], alarms: [], letters: [] };
  for (const item of items) {
    if (item.kind === 'deadLetter') {
      result.letters.push(item);
      continue;
    }
    const invalid = invalidity(item);
    if (invalid) result.letters.push(rejectedRecord(item, invalid));
    else if (item.kind === 'datapoint') result.datapoints.push(item);
    else if (item.kind === 'counter') result.counters.push(item);
    else if (item.kind === 'state') result.states.push(item);
    else result.alarms.push(item);
  }
  return result;
}

const byTime = <T extends { time: Date }>(records: readonly T[]): T[] =>
  [...records].sort((a, b) => a.time.getTime() - b.time.getTime());

/** Sets aside records whose tag or asset does not exist. */
function checkReferences(parts: Split, references: ReferenceCache): Split {
  const letters = [...parts.letters];
  const exists = (record: IngestRecord, table: 'tag' | 'asset', id: string): boolean => {
    const found = table === 'tag' ? references.hasTag(id) : references.hasAsset(id);
    if (!found) letters.push(rejectedRecord(record, `${table} ${id} does not exist`));
    return found;
  };
  return {
    datapoints: parts.datapoints.filter((record) => exists(record, 'tag', record.tagId)),
    counters: parts.counters.filter((record) => exists(record, 'asset', record.assetId)),
    states: parts.states.filter((record) => exists(record, 'asset', record.assetId)),
    alarms: parts.alarms.filter((record) => exists(record, 'asset', record.assetId)),
    letters,
  };
}

/** Drops each state equal to the asset's previous one (earlier in the batch or last stored). */
function planStates(states: readonly StateRecord[], references: ReferenceCache) {
  const last = new Map<string, LastState>();
  const kept: StateRecord[] = [];
  for (const record of byTime(states)) {
    const previous = last.get(record.assetId) ?? references.lastState(record.assetId);
    const reason = record.reason ?? null;
    if (previous && previous.state === record.state && previous.reason === reason) continue;
    kept.push(record);
    last.set(record.assetId, { state: record.state, reason });
  }
  return { kept, last };
}

interface NewAlarmEvent {
  record: AlarmRecord;
  clearedAt: Date | null;
  clearReason: string | null;
}

interface ActiveAlarm {
  raisedAt: Date;
  /** The stored event's id, or the event this batch inserts. */
  id?: string;
  created?: NewAlarmEvent;
}

/**
 * Applies raises and clears in time order against the active events: a raise while the alarm is
 * active does nothing, a clear closes the active events raised at or before it. The outcome is one
 * insert (events this batch raises, already closed when it also clears them) and one update
 * (clears of events stored earlier).
 */
async function planAlarms(tx: Sql, alarms: readonly AlarmRecord[]) {
  const created: NewAlarmEvent[] = [];
  const clears: AlarmClear[] = [];
  const applied: AlarmRecord[] = [];
  if (alarms.length === 0) return { created, clears, applied };
  const assetIds = [...new Set(alarms.map((alarm) => alarm.assetId))];
  const active = new Map<string, ActiveAlarm[]>();
  for (const row of await openAlarmEvents(tx, assetIds)) {
    const key = `${row.asset_id}|${row.code}`;
    active.set(key, [...(active.get(key) ?? []), { raisedAt: row.raised_at, id: row.id }]);
  }
  for (const alarm of byTime(alarms)) {
    const key = `${alarm.assetId}|${alarm.code}`;
    const events = active.get(key) ?? [];
    if (alarm.active) {
      if (events.length > 0) continue;
      const event: NewAlarmEvent = { record: alarm, clearedAt: null, clearReason: null };
      created.push(event);
      active.set(key, [{ raisedAt: alarm.time, created: event }]);
      applied.push(alarm);
      continue;
    }
    const due = events.filter((event) => event.raisedAt.getTime() <= alarm.time.getTime());
    if (due.length === 0) continue;
    const reason = alarm.clearReason ?? null;
    for (const event of due) {
      if (event.created) {
        event.created.clearedAt = alarm.time;
        event.created.clearReason = reason;
      } else if (event.id) clears.push({ id: event.id, clearedAt: alarm.time, reason });
    }
    active.set(
      key,
      events.filter((event) => !due.includes(event)),
    );
    applied.push(alarm);
  }
  return { created, clears, applied };
}

type TotalReading = CounterRecord & { total: CounterTotal };

/**
 * The increments to store. A running-total reading's increment is computed against the last total
 * stored for its source, which moves in this same transaction (applyCounterTotals); readings that
 * counted nothing are left out. Increment counters' records are stored as they are.
 */
async function planCounters(tx: Sql, counters: readonly CounterRecord[]) {
  const readings = counters.filter((r): r is TotalReading => r.total !== undefined);
  const increments = await applyCounterTotals(
    tx,
    readings.map(({ total, assetId, counter, time }) => ({
      connection: total.connection,
      address: total.address,
      assetId,
      counter,
      time,
      total: total.value,
    })),
  );
  const counted = new Map<CounterRecord, number>(readings.map((r, i) => [r, increments[i] ?? 0]));
  const stored: CounterRecord[] = [];
  /** Each stored record by the record it was planned from. */
  const planned = new Map<CounterRecord, CounterRecord>();
  for (const record of counters) {
    const increment = counted.get(record) ?? record.increment;
    if (increment === 0 && counted.has(record)) continue;
    const result = counted.has(record) ? { ...record, increment } : record;
    stored.push(result);
    planned.set(record, result);
  }
  return { stored, planned };
}

type CounterPlan = Awaited<ReturnType<typeof planCounters>>;

function without<T>(all: readonly T[], kept: readonly T[]): T[] {
  if (all.length === kept.length) return [];
  const keep = new Set(kept);
  return all.filter((item) => !keep.has(item));
}

type AlarmPlan = Awaited<ReturnType<typeof planAlarms>>;

interface Plans {
  states: readonly StateRecord[];
  counters: CounterPlan;
  alarms: AlarmPlan;
}

/** One bulk insert per table with rows, plus the update that clears stored alarm events. */
async function store(tx: Sql, valid: Split, { states, counters, alarms }: Plans) {
  await insertDatapoints(tx, valid.datapoints);
  await insertCounterIncrements(tx, counters.stored);
  await insertMachineStates(tx, states);
  await insertAlarmEvents(
    tx,
    alarms.created.map(({ record: r, clearedAt, clearReason }) => ({
      assetId: r.assetId,
      code: r.code,
      message: r.message,
      severity: r.severity,
      raisedAt: r.time,
      clearedAt,
      clearReason,
    })),
  );
  await clearAlarmEvents(tx, alarms.clears);
  await insertDeadLetters(tx, valid.letters);
}

function outcomeOf(items: readonly QueueItem[], valid: Split, plans: Plans): BatchOutcome {
  const { states, counters, alarms } = plans;
  const records = items.filter((item): item is IngestRecord => item.kind !== 'deadLetter');
  const kept = [...valid.datapoints, ...valid.counters, ...valid.states, ...valid.alarms];
  const rejected = new Set<IngestRecord>(without(records, kept));
  const accepted = rejected.size > 0 ? records.filter((r) => !rejected.has(r)) : records;
  // Usually empty: unchanged states, totals that counted nothing, alarm transitions that did
  // nothing.
  const unchanged = new Set<IngestRecord>([
    ...without(valid.states, states),
    ...valid.counters.filter((record) => !counters.planned.has(record)),
    ...without(valid.alarms, alarms.applied),
  ]);
  const changes = unchanged.size > 0 ? accepted.filter((r) => !unchanged.has(r)) : accepted;
  return {
    accepted,
    changes: changes.map((r) => (r.kind === 'counter' ? (counters.planned.get(r) ?? r) : r)),
    letters: valid.letters,
  };
}

/**
 * Writes one batch in one transaction: datapoints, counters and states as bulk inserts that ignore
 * rows already stored (so a replayed batch is harmless), running totals against the stored ones,
 * alarm transitions against the active events, dead letters by their content id. Records that are malformed or reference a missing tag
 * or asset become dead letters in the same transaction. Throws whatever the database throws;
 * nothing is cached from a batch that did not commit.
 */
export async function writeBatch(
  sql: Sql,
  items: readonly QueueItem[],
  references: ReferenceCache,
): Promise<BatchOutcome> {
  const parts = split(items);
  const { outcome, last } = await sql.transaction(async (tx) => {
    await references.resolve(
      tx,
      new Set(parts.datapoints.map((record) => record.tagId)),
      new Set([...parts.counters, ...parts.states, ...parts.alarms].map((r) => r.assetId)),
    );
    const valid = checkReferences(parts, references);
    const states = planStates(valid.states, references);
    const counters = await planCounters(tx, valid.counters);
    const alarms = await planAlarms(tx, valid.alarms);
    const plans = { states: states.kept, counters, alarms };
    await store(tx, valid, plans);
    return { outcome: outcomeOf(items, valid, plans), last: states.last };
  });
  references.rememberStates(last);
  return outcome;
}

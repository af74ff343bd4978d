import type { BulkColumn, Sql } from '@plantgraph/db';
import type { CounterKind } from './oee/oee-figures.ts';

/*
 * Running totals of parts counters (a PLC's good-parts register), and the rule that turns them
 * into counter increments. The last total of each source lives in counter_total and moves only in
 * the transaction that stores the increments it produced: parts counted while a connector was
 * down are counted by its first reading after the restart, and a batch that is written twice
 * (a spool replayed after a crash) counts nothing twice.
 */

/** A total read from a counter source: what the next increment is computed against. */
export interface CounterTotalReading {
  /** The connection id and the address (node id, topic, Sparkplug path) the total was read from. */
  connection: string;
  address: string;
  assetId: string;
  counter: CounterKind;
  time: Date;
  total: number;
}

interface StoredTotal {
  connection: string;
  address: string;
  asset_id: string;
  kind: CounterKind;
  total: number;
  time: Date;
}

const keyOf = (r: { connection: string; address: string; assetId: string; counter: string }) =>
  `${r.connection}\u0000${r.address}\u0000${r.assetId}\u0000${r.counter}`;

const col = (name: string, type: string): BulkColumn => ({ name, type });

const TOTAL_COLUMNS = [
  col('connection', 'text'),
  col('address', 'text'),
  col('asset_id', 'uuid'),
  col('kind', 'counter_kind'),
  col('total', 'float8'),
  col('time', 'timestamptz'),
];

/**
 * The parts a total counted since the previous one: the difference, or all of it when the total
 * dropped, because a drop means the PLC reset the counter and counted `next` since.
 */
export function countedSince(previous: number, next: number): number {
  return next >= previous ? next - previous : next;
}

/** The stored totals of these readings' sources, locked until the caller's transaction ends. */
async function lockStoredTotals(
  tx: Sql,
  readings: readonly CounterTotalReading[],
): Promise<Map<string, { total: number; time: Date }>> {
  const keys = [...new Map(readings.map((r) => [keyOf(r), r])).values()];
  const rows = await tx.query<StoredTotal>(
    `select t.connection, t.address, t.asset_id, t.kind, t.total, t.time
       from counter_total t
       join unnest($1::text[], $2::text[], $3::uuid[], $4::text[]) as k (connection, address, asset_id, kind)
         on t.connection = k.connection and t.address = k.address
        and t.asset_id = k.asset_id and t.kind::text = k.kind
        for update of t`,
    [
      keys.map((r) => r.connection),
      keys.map((r) => r.address),
      keys.map((r) => r.assetId),
      keys.map((r) => r.counter),
    ],
  );
  return new Map(
    rows.map((row) => [
      keyOf({ ...row, assetId: row.asset_id, counter: row.kind }),
      { total: row.total, time: row.time },
    ]),
  );
}

/**
 * Applies running-total readings, inside the caller's transaction, and returns the parts each
 * counted (0 for none), in the order given. Per source and in time order: the first total ever
 * read only sets the baseline; a later one counts `countedSince` the stored total; a reading not
 * newer than the stored one (a replayed or late reading) counts nothing and stores nothing. The
 * newest total of each source is stored; the caller stores the increments in the same
 * transaction.
 */
export async function applyCounterTotals(
  tx: Sql,
  readings: readonly CounterTotalReading[],
): Promise<number[]> {
  if (readings.length === 0) return [];
  const stored = await lockStoredTotals(tx, readings);
  const counted = new Map<CounterTotalReading, number>();
  const changed = new Map<string, CounterTotalReading>();
  const inTimeOrder = [...readings].sort((a, b) => a.time.getTime() - b.time.getTime());
  for (const reading of inTimeOrder) {
    const key = keyOf(reading);
    const last = stored.get(key);
    if (last && reading.time.getTime() <= last.time.getTime()) continue;
    counted.set(reading, last ? countedSince(last.total, reading.total) : 0);
    stored.set(key, { total: reading.total, time: reading.time });
    changed.set(key, reading);
  }
  await tx.bulkInsert(
    'counter_total',
    TOTAL_COLUMNS,
    [...changed.values()].map((r) => [
      r.connection,
      r.address,
      r.assetId,
      r.counter,
      r.total,
      r.time,
    ]),
    `on conflict (connection, address, asset_id, kind)
       do update set total = excluded.total, time = excluded.time`,
  );
  return readings.map((reading) => counted.get(reading) ?? 0);
}

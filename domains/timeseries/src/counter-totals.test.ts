import { openTestDatabase, type TestDatabase } from '@plantgraph/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyCounterTotals, countedSince, type CounterTotalReading } from './counter-totals.ts';

let database: TestDatabase;
let press: string;
const T0 = Date.parse('2026-11-20T06:00:00Z');

beforeAll(async () => {
  database = await openTestDatabase();
  const [asset] = await database.sql.query<{ id: string }>(
    `insert into asset (kind, name, path) values ('EQUIPMENT', 'Totals Press', 'Totals Press')
     returning id`,
  );
  press = asset!.id;
});
afterAll(() => database?.close());

/** A reading of `address` at T0 + `seconds`. */
const reading = (address: string, seconds: number, total: number): CounterTotalReading => ({
  connection: 'plc',
  address,
  assetId: press,
  counter: 'GOOD',
  time: new Date(T0 + seconds * 1000),
  total,
});

/** Applies readings in one transaction, as one ingest batch does. */
const apply = (readings: CounterTotalReading[]) =>
  database.sql.transaction((tx) => applyCounterTotals(tx, readings));

async function storedTotal(address: string) {
  const rows = await database.sql.query<{ total: number; time: Date }>(
    `select total, time from counter_total where connection = 'plc' and address = $1`,
    [address],
  );
  return rows[0];
}

describe('countedSince', () => {
  it('counts the difference, and all of a total that dropped (a PLC reset)', () => {
    expect([countedSince(100, 130), countedSince(130, 130), countedSince(130, 5)]).toEqual([
      30, 0, 5,
    ]);
  });
});

describe('applyCounterTotals', () => {
  it('sets the baseline first, then counts against the stored total across batches', async () => {
    expect(await apply([reading('a', 0, 100)])).toEqual([0]);
    expect(await storedTotal('a')).toEqual({ total: 100, time: new Date(T0) });
    // A later batch, as after a restart: it knows nothing but what is stored.
    expect(await apply([reading('a', 60, 130)])).toEqual([30]);
    expect(await apply([reading('a', 120, 5)])).toEqual([5]);
    expect(await storedTotal('a')).toEqual({ total: 5, time: new Date(T0 + 120_000) });
  });

  it('walks one batch in time order, whatever order it came in', async () => {
    await apply([reading('b', 0, 10)]);
    expect(await apply([reading('b', 30, 17), reading('b', 10, 12), reading('b', 20, 12)])).toEqual(
      [5, 2, 0],
    );
    expect(await storedTotal('b')).toEqual({ total: 17, time: new Date(T0 + 30_000) });
  });

  it('counts nothing twice: a batch written again changes nothing', async () => {
    await apply([reading('c', 0, 40)]);
    const batch = [reading('c', 10, 45), reading('c', 20, 50)];
    expect(await apply(batch)).toEqual([5, 5]);
    expect(await apply(batch)).toEqual([0, 0]);
    expect(await storedTotal('c')).toEqual({ total: 50, time: new Date(T0 + 20_000) });
  });

  it('leaves the stored total as it was when the transaction rolls back', async () => {
    await apply([reading('d', 0, 7)]);
    await expect(
      database.sql.transaction(async (tx) => {
        await applyCounterTotals(tx, [reading('d', 10, 9)]);
        throw new Error('the increments could not be stored');
      }),
    ).rejects.toThrow('could not be stored');
    expect(await storedTotal('d')).toEqual({ total: 7, time: new Date(T0) });
    expect(await apply([reading('d', 10, 9)])).toEqual([2]);
  });

  it('keeps each source apart: address, asset and counter kind', async () => {
    const [other] = await database.sql.query<{ id: string }>(
      `insert into asset (kind, name, path) values ('EQUIPMENT', 'Other Press', 'Other Press')
       returning id`,
    );
    await apply([reading('e', 0, 1), { ...reading('e', 0, 1000), assetId: other!.id }]);
    await apply([{ ...reading('e', 0, 50), counter: 'REJECT' }]);
    expect(
      await apply([
        reading('e', 10, 3),
        { ...reading('e', 10, 1004), assetId: other!.id },
        { ...reading('e', 10, 51), counter: 'REJECT' },
      ]),
    ).toEqual([2, 4, 1]);
  });
});

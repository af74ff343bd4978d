import { openTestDatabase, testBackend, type TestDatabase } from '@plantgraph/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { insertCounterIncrements, insertDatapoints, type NewDatapoint } from './ingest-writes.ts';

/**
 * The datapoint bulk load on both backends: COPY under a savepoint on PostgreSQL, `unnest` on the
 * embedded one. Either way a batch that repeats stored rows stores the new ones and skips the rest.
 */

let database: TestDatabase;
let assetId: string;
const tags: string[] = [];

const at = (seconds: number) => new Date(Date.UTC(2026, 11, 7, 8, 0, seconds, 125));
const point = (tag: number, seconds: number, value: number | null, text: string | null = null) =>
  ({ time: at(seconds), tagId: tags[tag]!, value, text, quality: 'GOOD' }) satisfies NewDatapoint;

interface StoredPoint {
  tag_id: string;
  time: Date;
  value: number | null;
  text: string | null;
  quality: string;
}

async function stored(): Promise<StoredPoint[]> {
  return database.sql.query<StoredPoint>(
    'select tag_id, time, value, text, quality from datapoint order by tag_id, time',
  );
}

/** The statements `work` sends, lower-cased and cut to their first words. */
async function statementsOf(work: () => Promise<unknown>): Promise<string[]> {
  const seen: string[] = [];
  const stop = database.sql.observe((statement) => seen.push(statement.toLowerCase()));
  try {
    await work();
  } finally {
    stop();
  }
  return seen;
}

beforeAll(async () => {
  database = await openTestDatabase();
  const [asset] = await database.sql.query<{ id: string }>(
    `insert into asset (kind, name, path) values ('EQUIPMENT', 'Press', 'Press') returning id`,
  );
  assetId = asset!.id;
  for (const name of ['Force', 'Recipe', 'Spare']) {
    const [tag] = await database.sql.query<{ id: string }>(
      'insert into tag (asset_id, name) values ($1, $2) returning id',
      [assetId, name],
    );
    tags.push(tag!.id);
  }
});

afterAll(() => database.close());

beforeEach(async () => {
  await database.sql.exec('truncate datapoint; truncate counter_increment');
});

describe('insertDatapoints', () => {
  it('round-trips NULLs, special doubles, awkward text and every quality', async () => {
    const texts = [
      'tab\there',
      'line\nbreak\r\n',
      'back\\slash \\N',
      '"quoted", {braced}',
      'Ünïcödé ✓',
    ];
    const rows: NewDatapoint[] = [
      point(0, 0, Number.NaN),
      point(0, 1, Number.POSITIVE_INFINITY),
      point(0, 2, Number.NEGATIVE_INFINITY),
      point(0, 3, -1.5e-300),
      point(0, 4, 1e21),
      { ...point(0, 5, null), quality: 'BAD' },
      { ...point(0, 6, 0.1), quality: 'UNCERTAIN' },
      ...texts.map((text, index) => point(1, index, null, text)),
    ];
    await database.sql.transaction((tx) => insertDatapoints(tx, rows));

    const byKey = new Map(
      (await stored()).map((row) => [`${row.tag_id}|${row.time.getTime()}`, row]),
    );
    expect(byKey.size).toBe(rows.length);
    for (const row of rows) {
      const found = byKey.get(`${row.tagId}|${row.time.getTime()}`);
      expect(found).toEqual({
        tag_id: row.tagId,
        time: row.time,
        value: row.value,
        text: row.text,
        quality: row.quality,
      });
    }
  });

  it('stores the new rows of a batch and keeps the stored ones as they were', async () => {
    await database.sql.transaction((tx) => insertDatapoints(tx, [point(0, 0, 1), point(0, 1, 2)]));

    const statements = await statementsOf(() =>
      database.sql.transaction((tx) =>
        insertDatapoints(tx, [point(0, 1, 20), point(0, 2, 30), point(2, 1, 40), point(2, 1, 41)]),
      ),
    );

    expect((await stored()).map((row) => [row.tag_id, row.time.getTime(), row.value])).toEqual(
      [
        [tags[0], at(0).getTime(), 1],
        [tags[0], at(1).getTime(), 2],
        [tags[0], at(2).getTime(), 30],
        [tags[2], at(1).getTime(), 40],
      ].sort((a, b) => String(a[0]).localeCompare(String(b[0])) || Number(a[1]) - Number(b[1])),
    );
    const fallback = statements.filter((s) =>
      /^insert into datapoint .* on conflict \(tag_id, time\) do nothing$/.test(s),
    );
    expect(fallback).toHaveLength(1);
    const copies = statements.filter((s) => s.startsWith('copy datapoint'));
    expect(copies).toHaveLength(testBackend() === 'postgres' ? 1 : 0);
  });

  it('streams a batch of new rows with COPY on PostgreSQL, unnest on the embedded backend', async () => {
    const rows = Array.from({ length: 2500 }, (_, index) => point(index % 3, index, index));
    const statements = await statementsOf(() =>
      database.sql.transaction((tx) => insertDatapoints(tx, rows)),
    );

    const [{ count } = { count: 0 }] = await database.sql.query<{ count: number }>(
      'select count(*) as count from datapoint',
    );
    expect(count).toBe(rows.length);
    const writes = statements.filter((s) => /^(copy|insert into) datapoint/.test(s));
    expect(writes).toHaveLength(1);
    expect(writes[0]).toMatch(testBackend() === 'postgres' ? /^copy datapoint/ : /^insert into/);
  });

  it('keeps what the transaction wrote before a batch that fell back', async () => {
    await database.sql.transaction((tx) => insertDatapoints(tx, [point(0, 0, 1)]));

    await database.sql.transaction(async (tx) => {
      await insertCounterIncrements(tx, [{ time: at(0), assetId, counter: 'GOOD', increment: 3 }]);
      await insertDatapoints(tx, [point(0, 0, 10), point(1, 0, 11)]);
    });

    expect(await database.sql.query('select increment from counter_increment')).toEqual([
      { increment: 3 },
    ]);
    expect((await stored()).map((row) => row.value)).toEqual(
      tags[0]! < tags[1]! ? [1, 11] : [11, 1],
    );
  });

  it('rolls the whole transaction back on an error other than a stored row', async () => {
    const invalid = { ...point(0, 0, 1), quality: 'EXCELLENT' } as unknown as NewDatapoint;

    await expect(
      database.sql.transaction(async (tx) => {
        await insertCounterIncrements(tx, [
          { time: at(0), assetId, counter: 'GOOD', increment: 3 },
        ]);
        await insertDatapoints(tx, [point(1, 0, 5), invalid]);
      }),
    ).rejects.toThrow(/datapoint_quality/);

    expect(await database.sql.query('select * from counter_increment')).toEqual([]);
    expect(await stored()).toEqual([]);
  });

  it('loads outside a transaction too', async () => {
    await database.sql.bulkLoad(
      'datapoint',
      [
        { name: 'time', type: 'timestamptz' },
        { name: 'tag_id', type: 'uuid' },
        { name: 'value', type: 'float8' },
      ],
      [
        [at(0), tags[0], 7],
        [at(0), tags[0], 8],
      ],
      '(tag_id, time)',
    );

    expect((await stored()).map((row) => [row.value, row.quality])).toEqual([[7, 'GOOD']]);
  });
});

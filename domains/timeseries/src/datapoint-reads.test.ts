import { openTestDatabase, type TestDatabase } from '@plantgraph/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  exactTimeOfMicros,
  historyColumns,
  historyPages,
  type HistoryPageKey,
} from './sample-history.ts';
import { latestSamples } from './latest-sample.ts';
import { sampleChunks } from './sample-chunks.ts';
import { tagsByIds, tagsUnder } from '@plantgraph/assets-domain';

/**
 * The reads of datapoint over samples 250 µs apart, several in one millisecond: a key cut to the
 * millisecond (a JavaScript Date) would repeat or skip samples at page and chunk edges.
 */

let database: TestDatabase;
let line: { id: string; path: string };
let temperature: string;
/** A second tag with samples at exactly the same instants. */
let pressure: string;
/** A tag without samples. */
let silent: string;
const window = { from: new Date('2026-11-20T00:00:00Z'), to: new Date('2026-11-20T01:00:00Z') };
const FIRST = '2026-11-20T00:00:00.000100Z';
const LAST = '2026-11-20T00:00:00.002350Z';

async function insertAsset(name: string, parent?: { id: string; path: string }) {
  const [asset] = await database.sql.query<{ id: string; path: string }>(
    `insert into asset (kind, name, path, parent_id) values ('LINE', $1, $2, $3)
     returning id, path`,
    [name, parent ? `${parent.path}/${name}` : name, parent?.id ?? null],
  );
  return asset!;
}

async function insertTag(assetId: string, name: string): Promise<string> {
  const [tag] = await database.sql.query<{ id: string }>(
    'insert into tag (asset_id, name) values ($1, $2) returning id',
    [assetId, name],
  );
  return tag!.id;
}

beforeAll(async () => {
  database = await openTestDatabase();
  line = await insertAsset('Line_1');
  const press = await insertAsset('Press', line);
  // Its tag matches the LIKE pattern of "Line_1" only if `_` is not escaped.
  const lookalike = await insertAsset('Press', await insertAsset('LineX1'));
  await insertTag(lookalike.id, 'Pressure');
  temperature = await insertTag(press.id, 'Temperature');
  pressure = await insertTag(press.id, 'Pressure');
  silent = await insertTag(line.id, 'Silent');
  // Ten samples per tag from 00:00:00.000100, one before and one at the window's end.
  await database.sql.query(
    `insert into datapoint (time, tag_id, value, quality)
     select timestamptz '2026-11-20T00:00:00.0001Z' + g * interval '250 microseconds', t,
            g, case when g = 5 then 'BAD' else 'GOOD' end::datapoint_quality
       from generate_series(0, 9) g, unnest($1::uuid[]) t
     union all select timestamptz '2026-11-19T23:59:59.9999Z', $2, -1, 'GOOD'
     union all select timestamptz '2026-11-20T01:00:00Z', $2, 99, 'GOOD'`,
    [[temperature, pressure], temperature],
  );
});
afterAll(() => database?.close());

/** Every sample of `tagId` in the window, page after page of `first`, by the pages' cursors. */
async function pageThrough(tagId: string, first: number): Promise<string[][]> {
  const pages: string[][] = [];
  let after: string | null = null;
  do {
    const key: HistoryPageKey = {
      tagId,
      from: window.from.toISOString(),
      to: window.to.toISOString(),
      after,
      first,
    };
    const [samples = []] = await historyPages(database.sql, [key]);
    const page = samples.slice(0, first).map((sample) => sample.exactTime);
    pages.push(page);
    after = samples.length > first ? page.at(-1)! : null;
  } while (after !== null);
  return pages;
}

describe('history pages', () => {
  it('page boundaries inside one millisecond neither repeat nor skip a sample', async () => {
    for (const first of [1, 3, 4, 10]) {
      const pages = await pageThrough(temperature, first);
      const times = pages.flat();
      expect(times, `pages of ${first}`).toHaveLength(10);
      expect(new Set(times).size).toBe(10);
      expect(times[0]).toBe(FIRST);
      expect(times[9]).toBe(LAST);
      expect([...times].sort()).toEqual(times);
      expect(pages.every((page) => page.length <= first)).toBe(true);
    }
  });

  it('continues strictly after a cursor that differs from the next sample by 250 µs', async () => {
    const key = { tagId: temperature, from: null, to: null, first: 2 };
    const [page = []] = await historyPages(database.sql, [
      { ...key, after: '2026-11-20T00:00:00.000600Z' },
    ]);
    expect(page.map((sample) => sample.exactTime)).toEqual([
      '2026-11-20T00:00:00.000850Z',
      '2026-11-20T00:00:00.001100Z',
      '2026-11-20T00:00:00.001350Z',
    ]);
    expect(page[0]!.time).toBeInstanceOf(Date);
  });

  it('answers several keys in their order, tags with equal times apart', async () => {
    const base = { from: window.from.toISOString(), to: window.to.toISOString(), first: 1 };
    const after = '2026-11-20T00:00:00.000100Z';
    const pages = await historyPages(database.sql, [
      { ...base, tagId: pressure, after },
      { ...base, tagId: temperature, after: null },
      { ...base, tagId: pressure, after: LAST },
    ]);
    expect(pages.map((page) => page.map((sample) => [sample.value, sample.exactTime]))).toEqual([
      [
        [1, '2026-11-20T00:00:00.000350Z'],
        [2, '2026-11-20T00:00:00.000600Z'],
      ],
      [
        [0, FIRST],
        [1, '2026-11-20T00:00:00.000350Z'],
      ],
      [],
    ]);
  });
});

describe('history columns', () => {
  it('answer the same samples as history pages, with the exact cursor of the last one', async () => {
    const base = { from: window.from.toISOString(), to: window.to.toISOString() };
    for (const first of [1, 4, 10]) {
      const keys: HistoryPageKey[] = [
        { ...base, tagId: temperature, after: null, first },
        { ...base, tagId: pressure, after: '2026-11-20T00:00:00.000600Z', first },
        { ...base, tagId: silent, after: null, first },
      ];
      const [pages, columns] = await Promise.all([
        historyPages(database.sql, keys),
        historyColumns(database.sql, keys),
      ]);
      columns.forEach((page, index) => {
        const samples = (pages[index] ?? []).slice(0, first);
        expect(page.read, `key ${index}, pages of ${first}`).toBe(pages[index]?.length);
        expect(page.times).toEqual(samples.map((sample) => sample.time));
        expect(page.values).toEqual(samples.map((sample) => sample.value));
        expect(page.texts).toEqual(samples.map((sample) => sample.text));
        expect(page.qualities).toEqual(samples.map((sample) => sample.quality));
        expect(page.lastExactTime).toBe(samples.at(-1)?.exactTime ?? null);
      });
    }
  });

  it('write exact times to the microsecond, before the epoch too', () => {
    expect(exactTimeOfMicros(Date.UTC(2026, 10, 20) * 1000 + 2350)).toBe(
      '2026-11-20T00:00:00.002350Z',
    );
    expect(exactTimeOfMicros(-1)).toBe('1969-12-31T23:59:59.999999Z');
    expect(exactTimeOfMicros(0)).toBe('1970-01-01T00:00:00.000000Z');
  });
});

describe('sample chunks', () => {
  it('reads every sample once, in time order, whatever the chunk size', async () => {
    for (const chunkRows of [1, 3, 10, 11]) {
      const chunks = [];
      for await (const chunk of sampleChunks(database.sql, temperature, window, chunkRows)) {
        chunks.push(chunk);
      }
      const times = chunks.flat().map((sample) => sample.time);
      expect(times, `chunks of ${chunkRows}`).toHaveLength(10);
      expect(times[0]).toBe(FIRST);
      expect(times[9]).toBe(LAST);
      expect([...times].sort()).toEqual(times);
      expect(chunks.every((chunk) => chunk.length <= chunkRows)).toBe(true);
    }
  });
});

describe('latest samples', () => {
  it('answers the newest sample per tag in the order asked, null for a tag without', async () => {
    const latest = await latestSamples(database.sql, [pressure, silent, temperature]);
    expect(latest.map((sample) => sample?.value ?? null)).toEqual([9, null, 99]);
  });
});

describe('tag lookups', () => {
  it('names tags by id with their asset path, null for unknown ids', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    const tags = await tagsByIds(database.sql, [pressure, unknown]);
    expect(tags).toEqual([{ id: pressure, name: 'Pressure', assetPath: 'Line_1/Press' }, null]);
    expect((await tagsByIds(database.sql, [silent]))[0]?.assetPath).toBe('Line_1');
  });

  it('finds tags below an asset by path and name, LIKE wildcards taken literally', async () => {
    const all = await tagsUnder(database.sql, { asset: line, tagName: null, limit: 10 });
    expect(all.map((tag) => [tag.assetPath, tag.name])).toEqual([
      ['Line_1', 'Silent'],
      ['Line_1/Press', 'Pressure'],
      ['Line_1/Press', 'Temperature'],
    ]);
    const named = await tagsUnder(database.sql, { asset: line, tagName: 'Pressure', limit: 10 });
    expect(named.map((tag) => tag.id)).toEqual([pressure]);
  });
});

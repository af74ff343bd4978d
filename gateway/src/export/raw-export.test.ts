import { openTestDatabase, type TestDatabase } from '@plantgraph/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvField, ENCODERS } from './export-format.ts';
import type { ExportTag } from './export-tags.ts';
import { rawExport } from './raw-export.ts';

/**
 * Samples that differ below the millisecond, written in milliseconds, and the encoding of
 * awkward names. The keyset chunks themselves are the timeseries domain's (sample-chunks.test.ts).
 */

let database: TestDatabase;
let tag: ExportTag;
const window = { from: new Date('2026-11-20T00:00:00Z'), to: new Date('2026-11-20T01:00:00Z') };

beforeAll(async () => {
  database = await openTestDatabase();
  const [asset] = await database.sql.query<{ id: string; path: string }>(
    `insert into asset (kind, name, path) values ('EQUIPMENT', 'Press, "A"', 'Press, "A"')
     returning id, path`,
  );
  const [row] = await database.sql.query<{ id: string; name: string }>(
    "insert into tag (asset_id, name) values ($1, 'Temp\nerature') returning id, name",
    [asset!.id],
  );
  tag = { ...row!, assetPath: asset!.path };
  // Ten samples 250 µs apart from 00:00:00.000100, one before and one at the window's end.
  await database.sql.query(
    `insert into datapoint (time, tag_id, value, text, quality)
     select timestamptz '2026-11-20T00:00:00.0001Z' + g * interval '250 microseconds', $1::uuid,
            case when g = 3 then null else g * 1.5 end,
            case when g = 3 then 'a "quoted", text' end,
            case when g = 5 then 'BAD' else 'GOOD' end::datapoint_quality
       from generate_series(0, 9) g
     union all select timestamptz '2026-11-19T23:59:59.9999Z', $1, -1, null, 'GOOD'
     union all select timestamptz '2026-11-20T01:00:00Z', $1, -1, null, 'GOOD'`,
    [tag.id],
  );
});
afterAll(() => database?.close());

describe('raw export', () => {
  it('writes CSV with times in milliseconds and awkward text quoted', async () => {
    let text = '';
    for await (const piece of rawExport(database.sql, [tag], window, ENCODERS.csv, 4)) {
      text += piece;
    }
    const lines = text.split(/\n(?=2026|$)/);
    expect(lines[0]).toBe('time,tag_id,tag,asset_path,value,quality,text');
    expect(lines[1]).toBe(
      `2026-11-20T00:00:00.000Z,${tag.id},"Temp\nerature","Press, ""A""",0,GOOD,`,
    );
    expect(lines[4]).toBe(
      `2026-11-20T00:00:00.000Z,${tag.id},"Temp\nerature","Press, ""A""",,GOOD,"a ""quoted"", text"`,
    );
    expect(lines[6]).toContain(',7.5,BAD,');
    expect(lines.filter((line) => line !== '')).toHaveLength(11);
  });

  it('writes NDJSON a sample a line', async () => {
    let text = '';
    for await (const piece of rawExport(database.sql, [tag], window, ENCODERS.ndjson, 4)) {
      text += piece;
    }
    const rows = text
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(rows).toHaveLength(10);
    expect(rows[3]).toEqual({
      time: '2026-11-20T00:00:00.000Z',
      tag_id: tag.id,
      tag: 'Temp\nerature',
      asset_path: 'Press, "A"',
      value: null,
      quality: 'GOOD',
      text: 'a "quoted", text',
    });
  });
});

describe('csvField', () => {
  it('quotes only what needs it and writes numbers as JavaScript does', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('cr\r')).toBe('"cr\r"');
    expect(csvField(null)).toBe('');
    expect(csvField(0.1 + 0.2)).toBe('0.30000000000000004');
    expect(csvField(Number.NaN)).toBe('NaN');
  });
});

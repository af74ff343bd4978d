import { openTestDatabase, type TestDatabase } from '@plantgraph/testing';
import { tableFromIPC } from '@uwdata/flechette';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARROW } from './arrow-format.ts';
import type { ColumnarFormatWriter } from './column-batch.ts';
import { columnarExport, RAW_SPECS, rawBatches } from './columnar-export.ts';
import type { ExportTag } from './export-tags.ts';
import { PARQUET } from './parquet-format.ts';

/**
 * Raw columnar exports cut into batches smaller than the samples: rows that run across batch and
 * tag boundaries, a row group or record batch per batch, read back by readers apart from the
 * writers (hyparquet, flechette). The endpoint's tests cover the formats end to end.
 */

let database: TestDatabase;
let tags: ExportTag[];
const window = { from: new Date('2026-11-20T00:00:00Z'), to: new Date('2026-11-20T01:00:00Z') };
const SAMPLES_PER_TAG = 7;
const BATCH_ROWS = 3;

beforeAll(async () => {
  database = await openTestDatabase();
  const [asset] = await database.sql.query<{ id: string; path: string }>(
    `insert into asset (kind, name, path) values ('EQUIPMENT', 'Press', 'Press') returning id, path`,
  );
  const rows = await database.sql.query<{ id: string; name: string }>(
    `insert into tag (asset_id, name) values ($1, 'A'), ($1, 'B') returning id, name`,
    [asset!.id],
  );
  tags = rows.map((row) => ({ ...row, assetPath: asset!.path }));
  for (const [offset, tag] of tags.entries()) {
    await database.sql.query(
      `insert into datapoint (time, tag_id, value, text, quality)
       select timestamptz '2026-11-20T00:00:00.000001Z' + g * interval '1.5 ms', $1::uuid,
              case when g = 2 then null else g + $2 end,
              case when g = 2 then 'text ' || g end,
              case when g = 4 then 'BAD' else 'GOOD' end::datapoint_quality
         from generate_series(0, $3 - 1) g`,
      [tag.id, offset * 100, SAMPLES_PER_TAG],
    );
  }
});
afterAll(() => database?.close());

async function exportOf(format: ColumnarFormatWriter): Promise<Uint8Array> {
  const pieces: Uint8Array[] = [];
  const batches = rawBatches(database.sql, tags, window, BATCH_ROWS);
  for await (const piece of columnarExport(batches, format, RAW_SPECS)) pieces.push(piece);
  // A copy into an ArrayBuffer of its own: small Buffers share Node's pool.
  return new Uint8Array(Buffer.concat(pieces));
}

/** The samples as the export should write them, the time in microseconds. */
function expectedRows() {
  return tags.flatMap((tag, offset) =>
    Array.from({ length: SAMPLES_PER_TAG }, (_, g) => ({
      time: BigInt(Date.parse('2026-11-20T00:00:00Z')) * 1000n + 1n + BigInt(g) * 1500n,
      tag_id: tag.id,
      tag: tag.name,
      asset_path: 'Press',
      value: g === 2 ? null : g + offset * 100,
      quality: g === 4 ? 'BAD' : 'GOOD',
      text: g === 2 ? `text ${g}` : null,
    })),
  );
}

describe('columnar export in batches', () => {
  it('writes a Parquet row group per batch, every row across them', async () => {
    const bytes = await exportOf(PARQUET);
    const file = bytes.slice().buffer;
    const metadata = parquetMetadata(file);
    expect(metadata.row_groups.map((group) => Number(group.num_rows))).toEqual([3, 3, 3, 3, 2]);
    const rows = await parquetReadObjects({
      file,
      parsers: { timestampFromMicroseconds: (micros: bigint) => micros },
    });
    expect(rows).toEqual(expectedRows());
  });

  it('writes an Arrow record batch per batch, every row across them', async () => {
    const table = tableFromIPC(await exportOf(ARROW), { useBigIntTimestamp: true });
    expect(table.getChild('time').data.map((batch) => batch.length)).toEqual([3, 3, 3, 3, 2]);
    expect(table.toArray()).toEqual(expectedRows());
  });
});

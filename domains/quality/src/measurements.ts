import { microsOf, timestampFromMicros, type Sql } from '@plantgraph/db';

/** A measurement row as the reads return it. */
export interface MeasurementRow {
  id: string;
  characteristic_id: string;
  asset_id: string;
  order_id: string | null;
  time: Date;
  value: number;
  in_spec: boolean;
  /** `time` in microseconds since the epoch: the exact sort key for cursors. */
  time_us: number;
}

/** The measurement columns a MeasurementRow needs, read through `alias`. */
const columns = (alias: string) =>
  [
    ...['id', 'characteristic_id', 'asset_id', 'order_id', 'time', 'value', 'in_spec'].map(
      (name) => `${alias}.${name}`,
    ),
    `${microsOf(`${alias}.time`)} as time_us`,
  ].join(', ');

/** The measurements with these ids, in no particular order; unknown ids are left out. */
export function measurementsByIds(sql: Sql, ids: readonly string[]): Promise<MeasurementRow[]> {
  return sql.query<MeasurementRow>(
    `select ${columns('m')} from measurement m where m.id = any($1::uuid[])`,
    [ids],
  );
}

/** A position in a newest-first page: the last row's `time_us` and id. */
export interface MeasurementCursor {
  micros: number;
  id: string;
}

/** One page of one parent's measurements: the window [from, to), the cursor, the page size. */
export interface MeasurementPageKey {
  parentId: string;
  /** ISO instants; null leaves that side of the window open. */
  from: string | null;
  to: string | null;
  after: MeasurementCursor | null;
  first: number;
}

/** What measurement pages are of: an asset's measurements, or those taken for an order. */
export type MeasurementParent = 'asset' | 'order';

const PARENT_COLUMNS: Record<MeasurementParent, string> = {
  asset: 'asset_id',
  order: 'order_id',
};

/**
 * Pages of measurements for many parents in one statement, newest first, one page per key: each
 * key becomes a row of the unnest, and the lateral subquery reads that parent's newest rows from
 * its index. A page holds up to `first + 1` rows: the extra one only tells that another follows.
 */
export async function measurementPages(
  sql: Sql,
  parent: MeasurementParent,
  keys: readonly MeasurementPageKey[],
): Promise<MeasurementRow[][]> {
  const rows = await sql.query<MeasurementRow & { key_index: number }>(
    `select q.key_index, m.*
       from unnest($1::uuid[], $2::timestamptz[], $3::timestamptz[], $4::int8[],
                   $5::uuid[], $6::int[])
            with ordinality as q(parent_id, from_time, to_time, after_us, after_id,
                                 row_limit, key_index)
      cross join lateral (
        select ${columns('m')} from measurement m
         where m.${PARENT_COLUMNS[parent]} = q.parent_id
           and (q.from_time is null or m.time >= q.from_time)
           and (q.to_time is null or m.time < q.to_time)
           and (q.after_us is null
                or (m.time, m.id) < (${timestampFromMicros('q.after_us')}, q.after_id))
         order by m.time desc, m.id desc
         limit q.row_limit
      ) m
      order by q.key_index, m.time desc, m.id desc`,
    [
      keys.map((key) => key.parentId),
      keys.map((key) => key.from),
      keys.map((key) => key.to),
      keys.map((key) => key.after?.micros ?? null),
      keys.map((key) => key.after?.id ?? null),
      keys.map((key) => key.first + 1),
    ],
  );
  const pages = keys.map((): MeasurementRow[] => []);
  for (const { key_index, ...row } of rows) pages[Number(key_index) - 1]?.push(row);
  return pages;
}

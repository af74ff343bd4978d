import { exactTimeOf, type Sql } from '@plantgraph/db';
import type { Sample } from './sample.ts';

/** One page of one tag's history: the half-open window [from, to), the cursor, the page size. */
export interface HistoryPageKey {
  tagId: string;
  /** ISO instants; null leaves that side of the window open. */
  from: string | null;
  to: string | null;
  /** The `exactTime` of the last sample of the previous page (`isExactTime`); null to start. */
  after: string | null;
  first: number;
}

/** A sample of a history page with its cursor key, the time with every microsecond. */
export interface HistorySample extends Sample {
  exactTime: string;
}

/**
 * History pages of several tags (or windows), oldest first, in one statement with one lateral
 * range of the (tag_id, time) index each. Each page holds up to `first + 1` samples: the extra
 * one only tells that another page exists. Pages continue strictly after `after`, compared with
 * all its microseconds, so samples within one millisecond are neither repeated nor skipped.
 */
export async function historyPages(
  sql: Sql,
  keys: readonly HistoryPageKey[],
): Promise<HistorySample[][]> {
  const rows = await sql.query<HistorySample & { key_index: number }>(
    `select q.key_index, d.time, d.value, d.text, d.quality, d.exact_time as "exactTime"
       from unnest($1::uuid[], $2::text[]::timestamptz[], $3::text[]::timestamptz[],
                   $4::text[]::timestamptz[], $5::int[])
            with ordinality as q(tag_id, from_time, to_time, after_time, row_limit, key_index)
      cross join lateral (
        select d.time, d.value, d.text, d.quality, ${exactTimeOf('d.time')} as exact_time
          from datapoint d
         where d.tag_id = q.tag_id
           and (q.from_time is null or d.time >= q.from_time)
           and (q.to_time is null or d.time < q.to_time)
           and (q.after_time is null or d.time > q.after_time)
         order by d.time
         limit q.row_limit
      ) d
      order by q.key_index, d.time`,
    [
      keys.map((key) => key.tagId),
      keys.map((key) => key.from),
      keys.map((key) => key.to),
      keys.map((key) => key.after),
      keys.map((key) => key.first + 1),
    ],
  );
  const pages = keys.map((): HistorySample[] => []);
  for (const { key_index, ...sample } of rows) pages[Number(key_index) - 1]?.push(sample);
  return pages;
}

import { exactTimeOf, type Sql } from '@plantgraph/db';
import type { DatapointQuality, Sample } from './sample.ts';

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
 * One statement for pages of several keys: a lateral range of the (tag_id, time) index each, up
 * to `first + 1` samples. `computed` names expressions of `d.time` the page selects beside the
 * sample, `select` what the statement returns of them.
 */
function pageStatement(select: string, computed: Record<string, string>): string {
  const extra = Object.entries(computed)
    .map(([name, expression]) => `, ${expression} as ${name}`)
    .join('');
  return `select q.key_index, ${select}
       from unnest($1::uuid[], $2::text[]::timestamptz[], $3::text[]::timestamptz[],
                   $4::text[]::timestamptz[], $5::int[])
            with ordinality as q(tag_id, from_time, to_time, after_time, row_limit, key_index)
      cross join lateral (
        select d.time, d.value, d.text, d.quality${extra}
          from datapoint d
         where d.tag_id = q.tag_id
           and (q.from_time is null or d.time >= q.from_time)
           and (q.to_time is null or d.time < q.to_time)
           and (q.after_time is null or d.time > q.after_time)
         order by d.time
         limit q.row_limit
      ) d
      order by q.key_index, d.time`;
}

const pageParameters = (keys: readonly HistoryPageKey[]) => [
  keys.map((key) => key.tagId),
  keys.map((key) => key.from),
  keys.map((key) => key.to),
  keys.map((key) => key.after),
  keys.map((key) => key.first + 1),
];

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
    pageStatement(`d.time, d.value, d.text, d.quality, d.exact_time as "exactTime"`, {
      exact_time: exactTimeOf('d.time'),
    }),
    pageParameters(keys),
  );
  const pages = keys.map((): HistorySample[] => []);
  for (const { key_index, ...sample } of rows) pages[Number(key_index) - 1]?.push(sample);
  return pages;
}

/** A history page column by column; `exactTimes` only for its last sample, the cursor's key. */
export interface HistoryColumns {
  times: Date[];
  values: (number | null)[];
  texts: (string | null)[];
  qualities: DatapointQuality[];
  /** Samples read: up to `first + 1`, the extra one only telling that another page exists. */
  read: number;
  /** The `exactTime` of sample `first - 1` (or the last read), the next page's `after`. */
  lastExactTime: string | null;
}

interface MicrosRow {
  key_index: number;
  micros: number;
  value: number | null;
  text: string | null;
  quality: DatapointQuality;
}

/**
 * `historyPages` for large pages (100,000 samples): the same statement, but times travel as
 * microseconds since the epoch in a float8, exact below 2^53 µs (the year 2255), instead of a
 * `timestamptz` the driver parses into a Date and a `to_char` per row for the cursor. Parsing and
 * formatting 100,000 times each was a third of a page's cost; only the cursor needs the text.
 */
export async function historyColumns(
  sql: Sql,
  keys: readonly HistoryPageKey[],
): Promise<HistoryColumns[]> {
  const rows = await sql.query<MicrosRow>(
    pageStatement('d.micros, d.value, d.text, d.quality', {
      micros: `round(date_part('epoch', d.time) * 1000000)`,
    }),
    pageParameters(keys),
  );
  const pages = keys.map((): HistoryColumns => ({
    times: [],
    values: [],
    texts: [],
    qualities: [],
    read: 0,
    lastExactTime: null,
  }));
  const lastMicros = keys.map((): number | null => null);
  for (const row of rows) {
    const index = Number(row.key_index) - 1;
    const page = pages[index];
    if (!page || ++page.read > (keys[index]?.first ?? 0)) continue;
    const micros = Number(row.micros);
    lastMicros[index] = micros;
    page.times.push(new Date(Math.floor(micros / 1000)));
    page.values.push(row.value);
    page.texts.push(row.text);
    page.qualities.push(row.quality);
  }
  pages.forEach((page, index) => {
    const micros = lastMicros[index];
    if (micros !== null && micros !== undefined) page.lastExactTime = exactTimeOfMicros(micros);
  });
  return pages;
}

/** `exactTimeOf`'s text for microseconds since the epoch, computed here instead of in SQL. */
export function exactTimeOfMicros(micros: number): string {
  const fraction = ((micros % 1_000_000) + 1_000_000) % 1_000_000;
  const seconds = new Date(Math.floor(micros / 1000)).toISOString().slice(0, 19);
  return `${seconds}.${String(fraction).padStart(6, '0')}Z`;
}

import DataLoader from 'dataloader';
import {
  BadUserInputError,
  checkTimeWindow,
  decodeCursor,
  groupBy,
  indexBy,
  pageSize,
  toConnection,
  type Connection,
  type GraphContext,
} from '@plantgraph/graph';
import { Datapoint, type DatapointRow } from './datapoint.type.ts';
import type { HistoryArgs } from './datapoint.args.ts';

const HISTORY_PAGE_SIZE = 100;

/**
 * A sample's time with all its microseconds, for cursors: a JavaScript Date keeps only
 * milliseconds, and a truncated key would skip or repeat samples on the next page.
 */
const exactTime = `to_char(d.time at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
const EXACT_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/**
 * The newest sample of each tag in one statement; the lateral `limit 1` per tag reads a single
 * entry of the (tag_id, time desc) index instead of scanning the tags' histories.
 */
export const latestByTagId = (context: GraphContext) =>
  new DataLoader<string, Datapoint | null>(async (tagIds) => {
    const rows = await context.sql.query<DatapointRow & { tag_id: string }>(
      `select t.id as tag_id, d.time, d.value, d.text, d.quality
         from unnest($1::uuid[]) as t(id)
        cross join lateral (
          select d.time, d.value, d.text, d.quality from datapoint d
           where d.tag_id = t.id
           order by d.time desc
           limit 1
        ) d`,
      [tagIds],
    );
    return indexBy(tagIds, rows, (row) => row.tag_id).map((row) =>
      row ? Datapoint.fromRow(row) : null,
    );
  });

/** One page of one tag's history: the window, the position after the cursor, the page size. */
export interface HistoryKey {
  tagId: string;
  from: string | null;
  to: string | null;
  after: string | null;
  first: number;
}

type HistoryRow = DatapointRow & { key_index: number; cursor_time: string };

/** History pages of several tags (or windows) in one statement, one lateral index range each. */
export const historyOf = (context: GraphContext) =>
  new DataLoader<HistoryKey, Connection<Datapoint>, string>(
    async (keys) => {
      const rows = await context.sql.query<HistoryRow>(
        `select q.key_index, d.time, d.value, d.text, d.quality, d.cursor_time
           from unnest($1::uuid[], $2::text[]::timestamptz[], $3::text[]::timestamptz[],
                       $4::text[]::timestamptz[], $5::int[])
                with ordinality as q(tag_id, from_time, to_time, after_time, row_limit, key_index)
          cross join lateral (
            select d.time, d.value, d.text, d.quality, ${exactTime} as cursor_time
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
      const groups = groupBy(
        keys.map((_, index) => index + 1),
        rows,
        (row) => Number(row.key_index),
      );
      return keys.map((key, index) =>
        toConnection(groups[index] ?? [], key.first, Datapoint.fromRow, (row) => [row.cursor_time]),
      );
    },
    { cacheKeyFn: (key) => JSON.stringify([key.tagId, key.from, key.to, key.after, key.first]) },
  );

function decodeTimeCursor(after: string | null | undefined): string | null {
  const [time] = decodeCursor(after, 1) ?? [null];
  if (time !== null && (typeof time !== 'string' || !EXACT_TIME.test(time))) {
    throw new BadUserInputError('after', `"${after}" is not a valid cursor`);
  }
  return time;
}

/** Validates history arguments into a loader key: half-open window [from, to), time ascending. */
export function historyKey(tagId: string, args: HistoryArgs): HistoryKey {
  const first = pageSize(args.first, 'first', { fallback: HISTORY_PAGE_SIZE });
  const after = decodeTimeCursor(args.after);
  const { from, to } = checkTimeWindow(args.from, args.to);
  return {
    tagId,
    from: from?.toISOString() ?? null,
    to: to?.toISOString() ?? null,
    after,
    first,
  };
}

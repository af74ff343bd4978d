import DataLoader from 'dataloader';
import { isExactTime } from '@plantgraph/db';
import {
  BadUserInputError,
  checkTimeWindow,
  decodeCursor,
  encodeCursor,
  MAX_PAGE_SIZE,
  PageInfo,
  pageSize,
  toConnection,
  type Connection,
  type GraphContext,
} from '@plantgraph/graph';
import {
  historyColumns,
  historyPages,
  latestSamples,
  type HistoryColumns,
  type HistoryPageKey,
} from '@plantgraph/timeseries-domain';
import { Datapoint, type DatapointQuality } from './datapoint.type.ts';
import type { HistoryArgs } from './datapoint.args.ts';
import { MAX_HISTORY_FRAME_PAGE, type HistoryFrameArgs } from './history-frame.args.ts';
import { HistoryFrame } from './history-frame.type.ts';

const HISTORY_PAGE_SIZE = 100;

/** The newest sample of each tag, batched per request into one statement. */
export const latestByTagId = (context: GraphContext) =>
  new DataLoader<string, Datapoint | null>(async (tagIds) => {
    const samples = await latestSamples(context.sql, tagIds);
    return tagIds.map((tagId, index) => {
      const sample = samples[index];
      return sample ? Datapoint.fromRow(sample, tagId) : null;
    });
  });

/** History pages of several tags (or windows), batched per request into one statement. */
export const historyOf = (context: GraphContext) =>
  new DataLoader<HistoryPageKey, Connection<Datapoint>, string>(
    async (keys) => {
      const pages = await historyPages(context.sql, keys);
      return keys.map((key, index) =>
        toConnection(
          pages[index] ?? [],
          key.first,
          (sample) => Datapoint.fromRow(sample, key.tagId),
          (sample) => [sample.exactTime],
        ),
      );
    },
    { cacheKeyFn: (key) => JSON.stringify([key.tagId, key.from, key.to, key.after, key.first]) },
  );

/** A page read column by column as the frame answering it. */
function toHistoryFrame(page: HistoryColumns, first: number): HistoryFrame {
  return Object.assign(new HistoryFrame(), {
    timestamps: page.times,
    values: page.values,
    texts: page.texts,
    qualities: page.qualities as DatapointQuality[],
    pageInfo: Object.assign(new PageInfo(), {
      hasNextPage: page.read > first,
      endCursor: page.lastExactTime ? encodeCursor([page.lastExactTime]) : null,
    }),
  });
}

/** Column-oriented history pages, batched per request into one statement like `historyOf`. */
export const historyFrameOf = (context: GraphContext) =>
  new DataLoader<HistoryPageKey, HistoryFrame, string>(
    async (keys) => {
      const pages = await historyColumns(context.sql, keys);
      return keys.map((key, index) => {
        const page = pages[index];
        if (!page) throw new Error(`no history page for key ${index}`);
        return toHistoryFrame(page, key.first);
      });
    },
    { cacheKeyFn: (key) => JSON.stringify([key.tagId, key.from, key.to, key.after, key.first]) },
  );

/** The exact time of an `after` cursor; cursors carry every microsecond (isExactTime). */
function decodeTimeCursor(after: string | null | undefined): string | null {
  const [time] = decodeCursor(after, 1) ?? [null];
  if (time !== null && !isExactTime(time)) {
    throw new BadUserInputError('after', `"${after}" is not a valid cursor`);
  }
  return time;
}

/** Validates history arguments into a loader key: half-open window [from, to), time ascending. */
export function historyKey(
  tagId: string,
  args: HistoryArgs,
  maxPageSize = MAX_PAGE_SIZE,
): HistoryPageKey {
  const first = pageSize(args.first, 'first', { fallback: HISTORY_PAGE_SIZE, max: maxPageSize });
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

/** Validates historyFrame arguments into a loader key; its cursors are history's. */
export function historyFrameKey(tagId: string, args: HistoryFrameArgs): HistoryPageKey {
  return historyKey(tagId, args, MAX_HISTORY_FRAME_PAGE);
}

import DataLoader from 'dataloader';
import { isExactTime } from '@plantgraph/db';
import {
  BadUserInputError,
  checkTimeWindow,
  decodeCursor,
  pageSize,
  toConnection,
  type Connection,
  type GraphContext,
} from '@plantgraph/graph';
import { historyPages, latestSamples, type HistoryPageKey } from '@plantgraph/timeseries-domain';
import { Datapoint } from './datapoint.type.ts';
import type { HistoryArgs } from './datapoint.args.ts';

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

/** The exact time of an `after` cursor; cursors carry every microsecond (isExactTime). */
function decodeTimeCursor(after: string | null | undefined): string | null {
  const [time] = decodeCursor(after, 1) ?? [null];
  if (time !== null && !isExactTime(time)) {
    throw new BadUserInputError('after', `"${after}" is not a valid cursor`);
  }
  return time;
}

/** Validates history arguments into a loader key: half-open window [from, to), time ascending. */
export function historyKey(tagId: string, args: HistoryArgs): HistoryPageKey {
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

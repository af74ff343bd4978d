import { createHash } from 'node:crypto';
import {
  BadUserInputError,
  decodeCursor,
  encodeCursor,
  MAX_LISTED_IDS,
  NotFoundError,
  PageInfo,
  parseIdList,
  pathInScope,
  PlantgraphError,
  requireAssetPath,
  sitePaths,
  type GraphContext,
} from '@plantgraph/graph';
import {
  aggregateRows,
  FUNCTION_COLUMN,
  GapFill,
  pageBounds,
  tagsByIds,
  tagsUnder,
  type AggregateRequest,
  type BucketRow,
  type TagOnAsset,
} from '@plantgraph/timeseries-domain';
import { aggregateRequest, requestTime } from '../aggregate/aggregate.service.ts';
import { Tag } from '../tag/tag.type.ts';
import type { FrameArgs } from './frame.args.ts';
import { FrameColumn, TimeseriesFrame } from './frame.type.ts';

/** Most values (timestamps × columns) one page of a frame carries. */
export const MAX_FRAME_POINTS = 100_000;
/** Most buckets a frame's whole window may hold, over all its pages. */
export const MAX_FRAME_BUCKETS = 1_000_000;

/** The frame's tags: the listed ones in their order, or those under an asset by path and name. */
async function frameTags(context: GraphContext, args: FrameArgs): Promise<TagOnAsset[]> {
  const { tagIds, under, tagName } = args;
  if (tagIds && (under === null || under === undefined)) {
    if (tagName !== null && tagName !== undefined) {
      throw new BadUserInputError('tagName', 'goes with under, not with tagIds');
    }
    return listedTags(context, tagIds);
  }
  if (under && !tagIds) return tagsUnderAsset(context, under, tagName ?? null);
  throw new BadUserInputError('tagIds', 'give either tagIds or under (with tagName)');
}

/** The listed tags in their order; a tag outside the caller's sites is FORBIDDEN. */
async function listedTags(context: GraphContext, values: readonly string[]): Promise<TagOnAsset[]> {
  const ids = parseIdList(values, 'tagIds', 'Tag');
  const found = await tagsByIds(context.sql, ids);
  const tags = ids.map((id, index) => {
    const tag = found[index];
    if (!tag) throw new NotFoundError('Tag', id, 'tagIds');
    return tag;
  });
  for (const tag of tags) {
    if (!(await pathInScope(context, tag.assetPath))) {
      throw new PlantgraphError(
        'FORBIDDEN',
        `Argument "tagIds": tag "${tag.id}" is outside the sites you may see`,
        { argument: 'tagIds' },
      );
    }
  }
  return tags;
}

async function tagsUnderAsset(
  context: GraphContext,
  under: string,
  tagName: string | null,
): Promise<TagOnAsset[]> {
  if (tagName === '') throw new BadUserInputError('tagName', 'must not be empty');
  const asset = await requireAssetPath(context, under, 'under');
  // Like every list, the tags of a subtree leave out those outside the caller's sites.
  const rows = await tagsUnder(context.sql, {
    asset,
    tagName,
    limit: MAX_LISTED_IDS + 1,
    siteRoots: await sitePaths(context),
  });
  if (rows.length > MAX_LISTED_IDS) {
    throw new BadUserInputError(
      'under',
      `more than ${MAX_LISTED_IDS} tags match; narrow it with tagName or a lower asset`,
    );
  }
  return rows;
}

/** Ties a cursor to the arguments it was made for; `first` may change from page to page. */
function fingerprint(tags: readonly TagOnAsset[], request: AggregateRequest): string {
  // Not effectiveEnd: the request time moves from page to page.
  const { from, to, interval, timeZone, functions, fill, includeBadQuality } = request;
  const key = JSON.stringify([
    tags.map((tag) => tag.id),
    [from, to, interval.sql, timeZone, functions, fill, includeBadQuality],
  ]);
  return createHash('sha256').update(key).digest('base64url').slice(0, 16);
}

function pageStartOf(after: string | null | undefined, print: string, request: AggregateRequest) {
  const key = decodeCursor(after, 2);
  if (!key) return request.from;
  const [start, madeFor] = key;
  if (madeFor !== print) {
    throw new BadUserInputError('after', 'the cursor belongs to a frame with other arguments');
  }
  const time = typeof start === 'string' ? new Date(start) : new Date(Number.NaN);
  if (Number.isNaN(time.getTime()) || time.toISOString() <= request.from) {
    throw new BadUserInputError('after', `"${after}" is not a valid cursor`);
  }
  return time.toISOString();
}

/** Rows of a page: at most `rows` buckets from `start`, ending at a bucket edge or at `to`. */
async function pageEnd(
  context: GraphContext,
  request: AggregateRequest,
  start: string,
  rows: number,
): Promise<string> {
  const bounds = await pageBounds(context.sql, context.capabilities, request, start, rows);
  if (start !== request.from && bounds.bucketStart.toISOString() !== start) {
    throw new BadUserInputError('after', 'the cursor does not point at a bucket start');
  }
  const end = bounds.pageEnd.toISOString();
  return end < request.to ? end : request.to;
}

function rowsPerPage(first: number | null | undefined, columns: number): number {
  const most = Math.max(1, Math.floor(MAX_FRAME_POINTS / Math.max(columns, 1)));
  if (first === null || first === undefined) return most;
  if (!Number.isInteger(first) || first < 1 || first > most) {
    throw new BadUserInputError(
      'first',
      `a page holds at most ${MAX_FRAME_POINTS} points (rows × columns); with ${columns} ` +
        `columns that is 1 to ${most} rows, got ${first}`,
    );
  }
  return first;
}

/**
 * One page of a frame: the buckets of every tag computed like `Tag.aggregate` (fills look past
 * the page edges, so pages join up exactly) and laid out column by column.
 */
export async function timeseriesFrame(
  context: GraphContext,
  args: FrameArgs,
): Promise<TimeseriesFrame> {
  const request = aggregateRequest(args, requestTime(context), MAX_FRAME_BUCKETS);
  const tags = await frameTags(context, args);
  const rows = rowsPerPage(args.first, tags.length * request.functions.length);
  const print = fingerprint(tags, request);
  const start = pageStartOf(args.after, print, request);
  // No tags (nothing under the asset by that name): one empty page, not empty pages to the end.
  const end =
    start < request.to && tags.length > 0
      ? await pageEnd(context, request, start, rows)
      : request.to;
  const buckets = await aggregateRows(
    context.sql,
    context.capabilities,
    tags.map((tag) => tag.id),
    request,
    { start, end },
  );
  const kept = keptRows(buckets, request.fill);
  const pageInfo = Object.assign(new PageInfo(), {
    hasNextPage: end < request.to,
    endCursor: end < request.to ? encodeCursor([end, print]) : null,
  });
  return Object.assign(new TimeseriesFrame(), {
    timestamps: kept.map(({ row }) => row.bucket_start),
    columns: tags.flatMap((tag, tagIndex) =>
      request.functions.map((fn) =>
        Object.assign(new FrameColumn(), {
          tag: Object.assign(new Tag(), { id: tag.id }),
          tagId: tag.id,
          tagName: tag.name,
          assetPath: tag.assetPath,
          function: fn,
          values: kept.map(({ index }) => {
            const value = buckets[tagIndex]?.[index]?.[FUNCTION_COLUMN[fn]];
            return typeof value === 'number' ? value : null;
          }),
        }),
      ),
    ),
    pageInfo,
  });
}

/**
 * The grid rows to show (every tag's rows share one grid; the first tag's stand for it): all,
 * or for fill NONE those where any tag has samples.
 */
function keptRows(buckets: readonly BucketRow[][], fill: GapFill) {
  return [...(buckets[0] ?? []).entries()]
    .map(([index, row]) => ({ index, row }))
    .filter(
      ({ index }) =>
        fill !== GapFill.NONE || buckets.some((rows) => (rows[index]?.samples ?? 0) > 0),
    );
}

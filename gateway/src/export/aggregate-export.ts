import type { ApolloServer } from '@apollo/server';
import type { Identity } from '@plantgraph/auth';
import { GraphQLError } from 'graphql';
import type { GatewayContext } from '../gateway-server.ts';
import type { RowEncoder } from './export-format.ts';
import type { AggregateSpec } from './export-request.ts';
import type { ExportTag } from './export-tags.ts';

/**
 * Values (buckets × functions) per page of `timeseriesFrame` an export asks for: half the
 * graph's limit of 100,000, so a page in flight stays a few megabytes.
 */
export const FRAME_POINTS_PER_PAGE = 50_000;

const FRAME = /* GraphQL */ `
  query ExportFrame(
    $tagIds: [ID!]
    $from: DateTime!
    $to: DateTime!
    $interval: String!
    $functions: [AggregateFunction!]!
    $fill: GapFill!
    $timezone: String!
    $includeBadQuality: Boolean!
    $first: Int
    $after: String
  ) {
    timeseriesFrame(
      tagIds: $tagIds
      from: $from
      to: $to
      interval: $interval
      functions: $functions
      fill: $fill
      timezone: $timezone
      includeBadQuality: $includeBadQuality
      first: $first
      after: $after
    ) {
      timestamps
      columns {
        values
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;

/** One page of a frame of one tag: a column per function. */
export interface FramePage {
  timestamps: string[];
  columns: { values: (number | null)[] }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

export type FrameVariables = Record<string, unknown>;

/** Runs one page of `timeseriesFrame` for the caller; the graph's errors are thrown as they are. */
export type RunFrame = (variables: FrameVariables) => Promise<FramePage>;

/**
 * `timeseriesFrame` through the gateway's own query plan, as `identity`: aggregated exports are
 * the graph's buckets (the SQL of `Tag.aggregate`, its limits and its errors), not a copy.
 */
export function frameThroughGraph(
  apollo: ApolloServer<GatewayContext>,
  identity: Identity,
): RunFrame {
  return async (variables) => {
    const response = await apollo.executeOperation<{ timeseriesFrame: FramePage }>(
      { query: FRAME, variables },
      { contextValue: { identity } },
    );
    if (response.body.kind !== 'single') throw new Error('timeseriesFrame answered incrementally');
    const { data, errors } = response.body.singleResult;
    const [error] = errors ?? [];
    if (error) throw new GraphQLError(error.message, { extensions: error.extensions });
    if (!data) throw new Error('timeseriesFrame answered without data');
    return data.timeseriesFrame;
  };
}

const BUCKET_COLUMNS = ['bucket_start'];
const TAG_COLUMNS = ['tag_id', 'tag', 'asset_path'];

/** The lower-case column names of `spec`'s functions (`avg`, `max`, ...). */
export const functionColumns = (spec: AggregateSpec) =>
  spec.functions.map((fn) => fn.toLowerCase());

/** The columns of an aggregated export: a lower-case one per function (`avg`, `max`, ...). */
function aggregateColumns(spec: AggregateSpec): string[] {
  return [...BUCKET_COLUMNS, ...TAG_COLUMNS, ...functionColumns(spec)];
}

/** One page of a tag's frame. */
export interface TagFramePage {
  tag: ExportTag;
  page: FramePage;
}

/**
 * Each tag's frame pages, oldest buckets first, tag after tag. One frame per tag, so that
 * `fill: NONE` leaves out exactly the buckets `Tag.aggregate` leaves out for that tag (a frame of
 * several tags keeps a row any tag has samples in). The next page is asked for only when the
 * caller wants it.
 */
export async function* tagFramePages(
  runFrame: RunFrame,
  tags: readonly ExportTag[],
  window: { from: Date; to: Date },
  spec: AggregateSpec,
): AsyncGenerator<TagFramePage> {
  const first = Math.max(1, Math.floor(FRAME_POINTS_PER_PAGE / spec.functions.length));
  for (const tag of tags) {
    let after: string | null = null;
    do {
      const page: FramePage = await runFrame({
        tagIds: [tag.id],
        from: window.from.toISOString(),
        to: window.to.toISOString(),
        ...spec,
        first,
        after,
      });
      yield { tag, page };
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after !== null);
  }
}

/**
 * The file of an aggregated export, a piece per frame page (see tagFramePages). The first piece
 * holds the header and the first page, so bad arguments fail it.
 */
export async function* aggregateExport(
  runFrame: RunFrame,
  tags: readonly ExportTag[],
  window: { from: Date; to: Date },
  spec: AggregateSpec,
  encoder: RowEncoder,
): AsyncGenerator<string> {
  const valueColumns = functionColumns(spec);
  let piece = encoder.header(aggregateColumns(spec));
  let tagCells = '';
  let cellsOf: ExportTag | undefined;
  for await (const { tag, page } of tagFramePages(runFrame, tags, window, spec)) {
    if (cellsOf !== tag) {
      tagCells = encoder.fragment(TAG_COLUMNS, [tag.id, tag.name, tag.assetPath]);
      cellsOf = tag;
    }
    for (const [index, start] of page.timestamps.entries()) {
      const values = page.columns.map((column) => column.values[index] ?? null);
      piece += encoder.row([
        encoder.fragment(BUCKET_COLUMNS, [start]),
        tagCells,
        encoder.fragment(valueColumns, values),
      ]);
    }
    if (piece !== '') yield piece;
    piece = '';
  }
  if (piece !== '') yield piece;
}

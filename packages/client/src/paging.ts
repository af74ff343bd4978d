import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { PlantgraphClientError } from './client-error.ts';
import type { PlantgraphClient, RequestOptions } from './plantgraph-client.ts';

/** The graph's `PageInfo`: a page says whether more follow and where to continue. */
export interface PageInfo {
  hasNextPage: boolean;
  endCursor?: string | null;
}

/** A connection or frame page: anything with a `pageInfo`. */
export interface Page {
  pageInfo: PageInfo;
}

/** The variables of a paged operation without its cursor, which the helpers set. */
export type FirstPageVariables<TVariables> = Omit<TVariables, 'after'>;

type Requester = Pick<PlantgraphClient, 'request'>;

/**
 * Every page of a connection, in order: requests `document` with `variables`, then again with
 * `after: pageInfo.endCursor` while `pageInfo.hasNextPage`. `select` picks the connection out of
 * the data; when it finds none (the parent is null) the pages end.
 */
export async function* pages<
  TData,
  TVariables extends { after?: string | null | undefined },
  TPage extends Page,
>(
  client: Requester,
  document: TypedDocumentNode<TData, TVariables>,
  variables: FirstPageVariables<TVariables>,
  select: (data: TData) => TPage | null | undefined,
  options: RequestOptions = {},
): AsyncGenerator<TPage, void, undefined> {
  let after: string | null = null;
  for (;;) {
    const data: TData = await client.request(
      document as TypedDocumentNode<TData, Record<string, unknown>>,
      { ...variables, after },
      options,
    );
    const page = select(data);
    if (!page) return;
    yield page;
    const { hasNextPage, endCursor } = page.pageInfo;
    if (!hasNextPage || !endCursor) return;
    // A cursor that does not move would page forever.
    if (endCursor === after) {
      throw new PlantgraphClientError(`The cursor ${endCursor} did not advance`);
    }
    after = endCursor;
  }
}

/** A frame's columns as `timeseriesFrame` returns them: one value per timestamp. */
interface Column {
  values: readonly unknown[];
}

/** A whole frame: every field of its pages but `pageInfo`. */
export type Frame<TPage extends Page> = Omit<TPage, 'pageInfo'>;

/**
 * Appends `page` to `frame`: array fields are concatenated (`timestamps`, `values`, `qualities`
 * of `Tag.historyFrame`), and `columns` (of `timeseriesFrame`, the same columns on every page)
 * get their `values` concatenated column by column.
 */
function append(frame: Record<string, unknown>, page: Record<string, unknown>): void {
  for (const [field, value] of Object.entries(page)) {
    if (field === 'pageInfo' || !Array.isArray(value)) continue;
    const into = frame[field] as unknown[];
    if (field !== 'columns') {
      for (const item of value) into.push(item);
      continue;
    }
    (value as Column[]).forEach((column, index) => {
      const values = (into[index] as Column).values as unknown[];
      for (const item of column.values) values.push(item);
    });
  }
}

/** A copy of `page` without `pageInfo` whose arrays (and columns' values) can grow. */
function start(page: Record<string, unknown>): Record<string, unknown> {
  const frame: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(page)) {
    if (field === 'pageInfo') continue;
    if (!Array.isArray(value)) frame[field] = value;
    else if (field === 'columns') {
      frame[field] = (value as Column[]).map((column) => ({
        ...column,
        values: [...column.values],
      }));
    } else frame[field] = [...value];
  }
  return frame;
}

/**
 * A whole frame from its pages (`Tag.historyFrame`, `timeseriesFrame`): follows the cursor like
 * {@link pages} and concatenates the columns. Resolves with null when `select` finds no frame.
 */
export async function frame<
  TData,
  TVariables extends { after?: string | null | undefined },
  TPage extends Page,
>(
  client: Requester,
  document: TypedDocumentNode<TData, TVariables>,
  variables: FirstPageVariables<TVariables>,
  select: (data: TData) => TPage | null | undefined,
  options: RequestOptions = {},
): Promise<Frame<TPage> | null> {
  let whole: Record<string, unknown> | null = null;
  for await (const page of pages(client, document, variables, select, options)) {
    const fields = page as unknown as Record<string, unknown>;
    if (whole) append(whole, fields);
    else whole = start(fields);
  }
  return whole as Frame<TPage> | null;
}

/** One bucket of a `timeseriesFrame`: its start and a value per column, in column order. */
export interface FrameRow<TValue> {
  timestamp: string;
  values: TValue[];
}

/** A `timeseriesFrame` (timestamps and columns) as rows, one per timestamp, e.g. for a CSV. */
export function frameRows<TValue>(frame: {
  timestamps: readonly string[];
  columns: readonly { values: readonly TValue[] }[];
}): FrameRow<TValue>[] {
  return frame.timestamps.map((timestamp, index) => ({
    timestamp,
    values: frame.columns.map((column) => column.values[index] as TValue),
  }));
}

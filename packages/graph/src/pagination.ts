import { ClassType, Field, Int, ObjectType, Directive } from 'type-graphql';
import { BadUserInputError } from './errors.ts';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 1000;

/** Validates a page size argument: 1 to `max`, `fallback` when absent. */
export function pageSize(
  first: number | null | undefined,
  argument = 'first',
  { fallback = DEFAULT_PAGE_SIZE, max = MAX_PAGE_SIZE } = {},
): number {
  if (first === null || first === undefined) return fallback;
  if (!Number.isInteger(first) || first < 1 || first > max) {
    throw new BadUserInputError(argument, `must be between 1 and ${max}, got ${first}`);
  }
  return first;
}

export type CursorValue = string | number;

/** An opaque cursor: the sort key of the last row, base64url-encoded JSON. */
export function encodeCursor(key: readonly CursorValue[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** Decodes a cursor made by `encodeCursor` with `arity` key parts; anything else is bad input. */
export function decodeCursor(
  cursor: string | null | undefined,
  arity: number,
  argument = 'after',
): CursorValue[] | undefined {
  if (cursor === null || cursor === undefined) return undefined;
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    key = undefined;
  }
  const valid =
    Array.isArray(key) &&
    key.length === arity &&
    key.every((part) => typeof part === 'string' || typeof part === 'number');
  if (!valid) throw new BadUserInputError(argument, `"${cursor}" is not a valid cursor`);
  return key as CursorValue[];
}

@Directive('@shareable')
@ObjectType({ description: 'Relay page information.' })
export class PageInfo {
  @Field(() => Boolean)
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface Connection<T> {
  edges: Edge<T>[];
  pageInfo: PageInfo;
  totalCount?: number;
}

/**
 * Builds a Relay connection from up to `first + 1` rows fetched after the cursor; the extra row
 * only tells whether another page exists.
 */
export function toConnection<Row, Node>(
  rows: readonly Row[],
  first: number,
  toNode: (row: Row) => Node,
  cursorKey: (row: Row) => CursorValue[],
  totalCount?: number,
): Connection<Node> {
  const page = rows.slice(0, first);
  const edges = page.map((row) => ({ cursor: encodeCursor(cursorKey(row)), node: toNode(row) }));
  const pageInfo = Object.assign(new PageInfo(), {
    hasNextPage: rows.length > first,
    endCursor: edges.at(-1)?.cursor ?? null,
  });
  return { edges, pageInfo, ...(totalCount === undefined ? {} : { totalCount }) };
}

/**
 * Declares `<Name>Edge` and `<Name>Connection` object types for a node class. `withTotalCount`
 * adds `totalCount: Int!`.
 */
export function connectionTypes<T extends object>(
  Node: ClassType<T>,
  name: string,
  { withTotalCount = false } = {},
) {
  @ObjectType(`${name}Edge`)
  class NodeEdge {
    @Field(() => String)
    cursor!: string;

    @Field(() => Node)
    node!: T;
  }

  @ObjectType(`${name}Connection`)
  class NodeConnection {
    @Field(() => [NodeEdge])
    edges!: NodeEdge[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;

    totalCount?: number;
  }
  if (withTotalCount) Field(() => Int)(NodeConnection.prototype, 'totalCount');
  return NodeConnection;
}

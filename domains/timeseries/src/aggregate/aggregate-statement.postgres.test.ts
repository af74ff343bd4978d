import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '@plantgraph/testing';
import { pageEndStatement, aggregateStatement } from './aggregate-statement.ts';
import {
  AggregateFunction,
  GapFill,
  type AggregateRequest,
  type BucketInterval,
} from './aggregate-request.ts';

/**
 * The aggregate statements read one tag's window as a range of the (tag_id, time) index, never
 * the whole table. Real PostgreSQL only: the plan depends on its statistics, with enough rows
 * (500,000 over 100 tags) that a sequential scan would be a real choice.
 */

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

function nodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodes)];
}

/** "1 hour" as the adapters' parser (`parseInterval` in @plantgraph/graph) reads it. */
const ONE_HOUR: BucketInterval = {
  count: 1,
  unit: 'hour',
  calendar: false,
  approxMs: 3_600_000,
  sql: '1 hours',
};

let database: TestDatabase;
let tagIds: string[];
const DAY = 86_400_000;
const start = Date.parse('2026-11-01T00:00:00Z');

beforeAll(async () => {
  database = await openTestDatabase();
  const [asset] = await database.sql.query<{ id: string }>(
    "insert into asset (kind, name, path) values ('EQUIPMENT', 'Press', 'Press') returning id",
  );
  const tags = await database.sql.query<{ id: string }>(
    `insert into tag (asset_id, name)
     select $1, 'Tag ' || g from generate_series(1, 100) g returning id`,
    [asset!.id],
  );
  tagIds = tags.map((tag) => tag.id);
  await database.sql.query(
    `insert into datapoint (time, tag_id, value, quality)
     select $1::timestamptz + g * interval '1 minute', t.id, random() * 100,
            case when g % 50 = 0 then 'BAD' else 'GOOD' end::datapoint_quality
       from generate_series(0, 4999) g, unnest($2::uuid[]) as t(id)`,
    [new Date(start), tagIds],
  );
  await database.sql.query('analyze datapoint');
});

afterAll(() => database?.close());

async function plan(statement: { text: string; values: unknown[] }): Promise<PlanNode[]> {
  const [row] = await database.sql.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(
    `explain (format json) ${statement.text}`,
    statement.values,
  );
  return nodes(row!['QUERY PLAN'][0].Plan);
}

/**
 * Every read of datapoint is a range of datapoint_tag_time_idx: an index scan, or a bitmap heap
 * scan over that index (the planner's pick when a tag's rows lie scattered over the heap).
 */
function expectIndexRangesOnly(planNodes: PlanNode[]) {
  const reads = planNodes.filter((node) => node['Relation Name'] === 'datapoint');
  expect(reads.length).toBeGreaterThan(0);
  for (const node of reads) {
    const index =
      node['Node Type'] === 'Bitmap Heap Scan'
        ? node.Plans?.map((child) => child['Index Name']).join()
        : node['Index Name'];
    expect(node['Node Type'], JSON.stringify(node)).toMatch(
      /^(Index Scan|Index Only Scan|Bitmap Heap Scan)$/,
    );
    expect(index, node['Node Type']).toBe('datapoint_tag_time_idx');
  }
}

describe('aggregate statements on PostgreSQL', () => {
  const request: AggregateRequest = {
    from: new Date(start + DAY).toISOString(),
    to: new Date(start + 2 * DAY).toISOString(),
    effectiveEnd: new Date(start + 2 * DAY).toISOString(),
    interval: ONE_HOUR,
    timeZone: 'UTC',
    functions: Object.values(AggregateFunction),
    fill: GapFill.LINEAR,
    includeBadQuality: false,
  };

  it('reads a single tag window through the (tag_id, time) index, no Seq Scan on datapoint', async () => {
    const statement = aggregateStatement(
      [tagIds[42]!],
      request,
      {
        start: request.from,
        end: request.to,
      },
      { dialect: 'plain' },
    );
    expectIndexRangesOnly(await plan(statement));
  });

  it('also for a later page of a frame, with its look-ups beyond the page edges', async () => {
    const [bounds] = await database.sql.query<{ page_end: Date }>(
      pageEndStatement(request, 'plain', request.from, 6).text,
      pageEndStatement(request, 'plain', request.from, 6).values,
    );
    const page = {
      start: bounds!.page_end.toISOString(),
      end: new Date(bounds!.page_end.getTime() + 6 * 3_600_000).toISOString(),
    };
    const statement = aggregateStatement(tagIds.slice(0, 3), request, page, { dialect: 'plain' });
    expectIndexRangesOnly(await plan(statement));
  });
});

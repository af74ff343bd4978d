import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { frame, pages, PlantgraphClientError } from '@plantgraph/client';
import { graphql } from './generated/index.js';
import { startTestPlant, type TestPlant } from './fixtures/plant.ts';

/**
 * A tag's raw samples in bulk through the gateway: `Tag.historyFrame` pages of up to 100,000
 * samples, which the gateway's cost model admits at a cost that grows with the page.
 */

const HistoryFramePage = graphql(`
  query HistoryFramePage($id: ID!, $from: DateTime, $to: DateTime, $first: Int!, $after: String) {
    tag(id: $id) {
      historyFrame(from: $from, to: $to, first: $first, after: $after) {
        timestamps
        values
        qualities
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  }
`);

const FourLargestPages = graphql(`
  query FourLargestPages($id: ID!) {
    a: tag(id: $id) {
      historyFrame(first: 100000) {
        timestamps
        values
        qualities
      }
    }
    b: tag(id: $id) {
      historyFrame(first: 100000) {
        timestamps
        values
        qualities
      }
    }
    c: tag(id: $id) {
      historyFrame(first: 100000) {
        timestamps
        values
        qualities
      }
    }
    d: tag(id: $id) {
      historyFrame(first: 100000) {
        timestamps
        values
        qualities
      }
    }
  }
`);

/** More than the largest page: every 1,000th sample is BAD without a value. */
const SAMPLES = 120_000;
const SECOND = 1000;

let plant: TestPlant;
let tagId: string;
let start: number;
const at = (second: number) => new Date(start + second * SECOND).toISOString();

beforeAll(async () => {
  plant = await startTestPlant();
  const { sql } = plant.database;
  const [tag] = await sql.query<{ id: string }>(
    `insert into tag (asset_id, name, data_type)
     select id, 'Raw flow', 'FLOAT' from asset where kind = 'EQUIPMENT' order by path limit 1
     returning id`,
  );
  tagId = tag!.id;
  start = Math.floor(plant.seed.from.getTime() / 3_600_000) * 3_600_000;
  await sql.query(
    `insert into datapoint (time, tag_id, value, quality)
     select $2::timestamptz + make_interval(secs => n), $1,
            case when n % 1000 = 999 then null else n end,
            case when n % 1000 = 999 then 'BAD' else 'GOOD' end::datapoint_quality
       from generate_series(0, $3 - 1) as n`,
    [tagId, at(0), SAMPLES],
  );
}, 120_000);
afterAll(() => plant?.close());

describe('Tag.historyFrame through the gateway', () => {
  it('pages all samples in pages of 100,000, none lost or repeated', async () => {
    const window = { from: at(0), to: at(SAMPLES) };
    const frames = [];
    for await (const page of pages(
      plant.client,
      HistoryFramePage,
      { id: tagId, ...window, first: 100_000 },
      (data) => data.tag?.historyFrame,
    )) {
      frames.push(page);
    }
    expect(frames.map((page) => page.timestamps.length)).toEqual([100_000, SAMPLES - 100_000]);
    expect(frames.map((page) => page.pageInfo.hasNextPage)).toEqual([true, false]);

    const timestamps = frames.flatMap((page) => page.timestamps);
    expect(timestamps).toEqual(Array.from({ length: SAMPLES }, (_, second) => at(second)));
    const values = frames.flatMap((page) => page.values);
    expect(values).toEqual(
      Array.from({ length: SAMPLES }, (_, second) => (second % 1000 === 999 ? null : second)),
    );
    const bad = frames
      .flatMap((page) => page.qualities)
      .flatMap((quality, index) => (quality === 'BAD' ? [index] : []));
    expect(bad).toEqual(Array.from({ length: SAMPLES / 1000 }, (_, index) => index * 1000 + 999));
  });

  it('joins the pages of a window into one frame', async () => {
    const whole = await frame(
      plant.client,
      HistoryFramePage,
      { id: tagId, from: at(1_500), to: at(11_500), first: 4_000 },
      (data) => data.tag?.historyFrame,
    );
    expect(whole?.timestamps).toEqual(Array.from({ length: 10_000 }, (_, n) => at(1_500 + n)));
    expect(whole?.values).toEqual(
      Array.from({ length: 10_000 }, (_, n) => ((1_500 + n) % 1000 === 999 ? null : 1_500 + n)),
    );
  });

  it('refuses a page larger than 100,000 as BAD_USER_INPUT naming first', async () => {
    const error = await plant.client
      .request(HistoryFramePage, { id: tagId, first: 100_001 })
      .catch((failed: unknown) => failed);
    expect(error).toBeInstanceOf(PlantgraphClientError);
    const { data, errors } = error as PlantgraphClientError;
    expect((data as { tag?: unknown } | null)?.tag ?? null).toBeNull();
    expect(errors[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'first' });
  });

  it('costs a page by its size: four of the largest in one request exceed the limit', async () => {
    const error = await plant.client
      .request(FourLargestPages, { id: tagId })
      .catch((failed: unknown) => failed as PlantgraphClientError);
    expect(error).toBeInstanceOf(PlantgraphClientError);
    const { errors } = error as PlantgraphClientError;
    expect(errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 100_000 });
    expect(Number(errors?.[0]?.extensions?.['cost'])).toBeGreaterThan(100_000);
  });
});

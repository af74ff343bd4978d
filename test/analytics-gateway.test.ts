import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from './generated/index.js';
import { startTestPlant, type TestPlant } from './fixtures/plant.ts';

/**
 * Aggregates, frames and downsampling through the gateway on the small demo plant: frame
 * columns join the assets subgraph's tags, and per-tag fields stay batched however many tags a
 * query reaches.
 */

const MotorCurrentFrame = graphql(`
  query MotorCurrentFrame($line: ID!, $from: DateTime!, $to: DateTime!, $after: String) {
    timeseriesFrame(
      under: $line
      tagName: "Motor Current"
      from: $from
      to: $to
      interval: "15 minutes"
      functions: [AVG, MAX, TIME_WEIGHTED_AVG]
      fill: NULL
      first: 8
      after: $after
    ) {
      timestamps
      columns {
        tagId
        tagName
        assetPath
        function
        values
        tag {
          name
          asset {
            kind
            path
          }
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

const EquipmentAggregates = graphql(`
  query EquipmentAggregates($first: Int!, $from: DateTime!, $to: DateTime!) {
    assets(kind: EQUIPMENT, first: $first) {
      edges {
        node {
          tags {
            id
            name
            aggregate(
              from: $from
              to: $to
              interval: "15 minutes"
              functions: [AVG, MAX, TIME_WEIGHTED_AVG]
              fill: NULL
            ) {
              start
              avg
              max
              timeWeightedAvg
              count
              badCount
            }
            downsample(from: $from, to: $to, points: 20, method: MIN_MAX) {
              time
              value
            }
          }
        }
      }
    }
  }
`);

let plant: TestPlant;
let line: string;
let window: { from: string; to: string };

beforeAll(async () => {
  plant = await startTestPlant();
  const [row] = await plant.database.sql.query<{ id: string }>(
    "select id from asset where kind = 'LINE' order by path limit 1",
  );
  line = row!.id;
  const hour = 3_600_000;
  const from = Math.floor(plant.seed.from.getTime() / hour) * hour;
  window = { from: new Date(from).toISOString(), to: new Date(from + 4 * hour).toISOString() };
});
afterAll(() => plant?.close());

describe('analytics through the gateway', () => {
  it('pages a frame of every machine on a line, its columns joined to the assets subgraph', async () => {
    const first = await plant.request(MotorCurrentFrame, { line, ...window });
    expect(first.errors).toBeUndefined();
    const page = first.data!.timeseriesFrame;
    expect(page.timestamps).toHaveLength(8);
    expect(page.pageInfo.hasNextPage).toBe(true);
    const paths = page.columns.map((column) => column.assetPath);
    expect(paths.length).toBeGreaterThan(0);
    expect(paths).toEqual([...paths].sort());
    for (const column of page.columns) {
      expect(column.tag).toEqual({
        name: 'Motor Current',
        asset: { kind: 'EQUIPMENT', path: column.assetPath },
      });
      expect(column.values).toHaveLength(8);
    }
    const second = await plant.request(MotorCurrentFrame, {
      line,
      ...window,
      after: page.pageInfo.endCursor,
    });
    expect(second.errors).toBeUndefined();
    expect(second.data!.timeseriesFrame.timestamps).toHaveLength(8);
    expect(second.data!.timeseriesFrame.pageInfo).toEqual({ hasNextPage: false, endCursor: null });

    // The frame's columns are Tag.aggregate laid out side by side.
    const { data } = await plant.request(EquipmentAggregates, { first: 50, ...window });
    const tags = data!.assets.edges.flatMap((edge) => edge.node.tags);
    for (const column of page.columns) {
      const buckets = tags.find((tag) => tag.id === column.tagId)!.aggregate.slice(0, 8);
      const field = { AVG: 'avg', MAX: 'max', TIME_WEIGHTED_AVG: 'timeWeightedAvg' } as const;
      const key = field[column.function as keyof typeof field];
      expect(column.values).toEqual(buckets.map((bucket) => bucket[key]));
    }
  });

  it('batches Tag.aggregate and Tag.downsample: as many statements for 50 machines as for 2', async () => {
    const count = async (first: number) => {
      let statements = 0;
      const stop = plant.database.sql.observe(() => statements++);
      try {
        const { data, errors } = await plant.request(EquipmentAggregates, { first, ...window });
        expect(errors).toBeUndefined();
        const tags = data!.assets.edges.flatMap((edge) => edge.node.tags);
        expect(tags.some((tag) => tag.aggregate.some((bucket) => bucket.count > 0))).toBe(true);
        expect(tags.some((tag) => tag.downsample.length > 0)).toBe(true);
      } finally {
        stop();
      }
      return statements;
    };
    await count(2); // warm-up
    expect(await count(50)).toBe(await count(2));
  });
});

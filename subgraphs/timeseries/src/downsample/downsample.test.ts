import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, SubgraphClient, type TestDatabase } from '@plantgraph/testing';
import { seedAnalyticsPlant, SPRING, type AnalyticsPlant } from '../testing/analytics-fixture.ts';
import type { Sample } from '../aggregate/expected-aggregates.ts';
import { timeseriesSubgraph } from '../subgraph.ts';
import { largestTriangleThreeBuckets } from '@plantgraph/timeseries-domain';

interface Point {
  time: string;
  value: number;
  quality: string;
}

let database: TestDatabase;
let plant: AnalyticsPlant;
let client: SubgraphClient;
const iso = (ms: number) => new Date(ms).toISOString();

beforeAll(async () => {
  database = await openTestDatabase();
  plant = await seedAnalyticsPlant(database.sql);
  client = await SubgraphClient.start(await timeseriesSubgraph.buildSchema(), database.services);
});

afterAll(async () => {
  await client?.stop();
  await database?.close();
});

const DOWNSAMPLE = `query Downsample($representations: [_Any!]!, $from: DateTime!, $to: DateTime!,
    $points: Int!, $method: DownsampleMethod!, $includeBadQuality: Boolean!) {
  _entities(representations: $representations) {
    ... on Tag {
      downsample(from: $from, to: $to, points: $points, method: $method,
                 includeBadQuality: $includeBadQuality) { time value quality }
    }
  }
}`;

async function downsample(
  tagIds: string[],
  variables: {
    points: number;
    method: string;
    includeBadQuality?: boolean;
    from?: number;
    to?: number;
  },
): Promise<Point[][]> {
  const result = await client.execute<{ _entities: { downsample: Point[] }[] }>(DOWNSAMPLE, {
    representations: tagIds.map((id) => ({ __typename: 'Tag', id })),
    from: iso(variables.from ?? SPRING.from),
    to: iso(variables.to ?? SPRING.to),
    points: variables.points,
    method: variables.method,
    includeBadQuality: variables.includeBadQuality ?? false,
  });
  expect(result.errors).toBeUndefined();
  return result.data!._entities.map((entity) => JSON.parse(JSON.stringify(entity.downsample)));
}

/** The samples downsampling considers: numeric, in the window, BAD only when included. */
function considered(samples: Sample[], includeBad = false): Sample[] {
  return samples.filter(
    (s) =>
      s.time >= SPRING.from &&
      s.time < SPRING.to &&
      s.value !== null &&
      (s.quality !== 'BAD' || includeBad),
  );
}

/** LTTB as Steinarsson's thesis writes it (section 4.2), kept apart from the implementation. */
function referenceLttb(data: Sample[], threshold: number): Sample[] {
  if (threshold >= data.length) return data;
  const sampled = [data[0]!];
  const every = (data.length - 2) / (threshold - 2);
  let a = 0;
  for (let i = 0; i < threshold - 2; i++) {
    const rangeStart = Math.floor((i + 1) * every) + 1;
    const rangeEnd = Math.min(Math.floor((i + 2) * every) + 1, data.length);
    const next = data.slice(rangeStart, rangeEnd);
    const avgX = next.reduce((sum, p) => sum + p.time, 0) / next.length;
    const avgY = next.reduce((sum, p) => sum + p.value!, 0) / next.length;
    const candidates = data.slice(Math.floor(i * every) + 1, Math.floor((i + 1) * every) + 1);
    const pointA = data[a]!;
    let maxArea = -1;
    let chosen = 0;
    candidates.forEach((p, offset) => {
      const area =
        Math.abs(
          (pointA.time - avgX) * (p.value! - pointA.value!) -
            (pointA.time - p.time) * (avgY - pointA.value!),
        ) * 0.5;
      if (area > maxArea) {
        maxArea = area;
        chosen = Math.floor(i * every) + 1 + offset;
      }
    });
    sampled.push(data[chosen]!);
    a = chosen;
  }
  sampled.push(data.at(-1)!);
  return sampled;
}

/** Per equal time slice the lowest and highest sample (the earliest on ties), in time order. */
function referenceMinMax(data: Sample[], points: number): Sample[] {
  const slices = Math.floor(points / 2);
  const width = (SPRING.to - SPRING.from) / slices;
  const bySlice = new Map<number, Sample[]>();
  for (const sample of data) {
    const slice = Math.min(Math.floor((sample.time - SPRING.from) / width), slices - 1);
    bySlice.set(slice, [...(bySlice.get(slice) ?? []), sample]);
  }
  const picked = new Set<Sample>();
  for (const samples of bySlice.values()) {
    const low = samples.reduce((best, s) => (s.value! < best.value! ? s : best));
    const high = samples.reduce((best, s) => (s.value! > best.value! ? s : best));
    picked.add(low).add(high);
  }
  return [...picked].sort((a, b) => a.time - b.time);
}

const asPoints = (samples: Sample[]) =>
  samples.map((s) => ({ time: iso(s.time), value: s.value, quality: s.quality }));

describe('Tag.downsample', () => {
  it('LTTB picks the samples the reference picks, keeping first and last', async () => {
    const [flow1, flow2] = await downsample([plant.tags.flow1, plant.tags.flow2], {
      points: 150,
      method: 'LTTB',
    });
    const data1 = considered(plant.samples.flow1);
    expect(data1.length).toBeGreaterThan(500);
    expect(flow1).toHaveLength(150);
    expect(flow1).toEqual(asPoints(referenceLttb(data1, 150)));
    expect(flow2).toEqual(asPoints(referenceLttb(considered(plant.samples.flow2), 150)));
    expect(flow1![0]!.time).toBe(iso(data1[0]!.time));
    expect(flow1!.at(-1)!.time).toBe(iso(data1.at(-1)!.time));
  });

  it('LTTB returns every sample when there are no more than points', async () => {
    const [level] = await downsample([plant.tags.level], { points: 3, method: 'LTTB' });
    expect(level).toEqual(asPoints(considered(plant.samples.level)));
    const [spare] = await downsample([plant.tags.spare], { points: 100, method: 'LTTB' });
    expect(spare).toEqual([]);
  });

  it('MIN_MAX keeps the extremes of every time slice, BAD spikes only when asked', async () => {
    const [flow1] = await downsample([plant.tags.flow1], { points: 40, method: 'MIN_MAX' });
    expect(flow1).toEqual(asPoints(referenceMinMax(considered(plant.samples.flow1), 40)));
    expect(flow1!.length).toBeLessThanOrEqual(40);
    const [withBad] = await downsample([plant.tags.flow1], {
      points: 40,
      method: 'MIN_MAX',
      includeBadQuality: true,
    });
    expect(withBad).toEqual(asPoints(referenceMinMax(considered(plant.samples.flow1, true), 40)));
    expect(withBad!.some((point) => point.quality === 'BAD' && point.value > 9000)).toBe(true);
  });

  it('the implementation agrees with the reference on synthetic series of many shapes', () => {
    for (const [length, threshold] of [
      [10, 3],
      [100, 7],
      [1001, 50],
      [5000, 4999],
    ] as const) {
      const data = Array.from({ length }, (_, i) => ({
        time: i * 1000 + (i % 7) * 13,
        value: Math.sin(i / 9) * 10 + ((i * 7919) % 13),
        quality: 'GOOD' as const,
      }));
      const kept = largestTriangleThreeBuckets(
        data.map((p) => ({ x: p.time, y: p.value, sample: p })),
        threshold,
      );
      expect(kept.map((point) => point.sample)).toEqual(referenceLttb(data, threshold));
    }
  });

  it('rejects points outside 3 to 10000 and reversed windows, naming the argument', async () => {
    for (const [variables, argument, message] of [
      [{ points: 2 }, 'points', /between 3 and 10000, got 2/],
      [{ points: 10_001 }, 'points', /between 3 and 10000, got 10001/],
      [{ points: 100, from: SPRING.to, to: SPRING.from }, 'from', /must not be later than "to"/],
    ] as const) {
      const result = await client.execute(DOWNSAMPLE, {
        representations: [{ __typename: 'Tag', id: plant.tags.flow1 }],
        from: iso('from' in variables ? variables.from : SPRING.from),
        to: iso('to' in variables ? variables.to : SPRING.to),
        points: variables.points,
        method: 'LTTB',
        includeBadQuality: false,
      });
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument });
      expect(result.errors?.[0]?.message).toMatch(message);
    }
  });
});

import type { Sql } from '@plantgraph/db';
import type { Quality, Sample } from '../aggregate/expected-aggregates.ts';

/**
 * Test data for the analytic fields: a small plant whose tags have irregular sampling, gaps,
 * BAD and UNCERTAIN samples around both daylight-saving changes of 2026 in Europe/Berlin
 * (29 March: 23-hour day, 25 October: 25-hour day). Deterministic, so failures reproduce.
 */

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
const at = (iso: string) => Date.parse(iso);

/** Berlin's local days 27 March to 2 April 2026, the 29th lasting 23 hours. */
export const SPRING = { from: at('2026-03-26T23:00:00Z'), to: at('2026-04-02T22:00:00Z') };
/** Berlin's local days 23 to 28 October 2026, the 25th lasting 25 hours. */
export const AUTUMN = { from: at('2026-10-22T22:00:00Z'), to: at('2026-10-28T23:00:00Z') };

/** Numbers in [0, 1) from a seed (mulberry32). */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * A random walk sampled every 10 s to 45 min, with runs of fast sampling, skipping `gaps`.
 * About 6 % of samples are BAD (half with an absurd value, half without one), 5 % UNCERTAIN.
 */
function irregular(
  seed: number,
  from: number,
  to: number,
  gaps: readonly [number, number][],
): Sample[] {
  const next = random(seed);
  const samples: Sample[] = [];
  let value = 50;
  for (let time = from; time < to;) {
    if (!gaps.some(([start, end]) => time >= start && time < end)) {
      value = Math.round((value + (next() - 0.5) * 6) * 1000) / 1000;
      const roll = next();
      if (roll < 0.03) samples.push({ time, value: 10_000 + value, quality: 'BAD' });
      else if (roll < 0.06) samples.push({ time, value: null, quality: 'BAD' });
      else samples.push({ time, value, quality: roll < 0.11 ? 'UNCERTAIN' : 'GOOD' });
    }
    const fast = next() < 0.7;
    // Whole milliseconds, some of them not whole seconds.
    time += Math.round(fast ? 10_000 + next() * 110_000 : 300_000 + next() * 2_400_000);
  }
  return samples;
}

function sample(iso: string, value: number | null, quality: Quality = 'GOOD'): Sample {
  return { time: at(iso), value, quality };
}

export interface AnalyticsPlant {
  assets: Record<'line' | 'press1' | 'press2', string>;
  /** Tag ids by key. */
  tags: Record<TagKey, string>;
  /** Every sample of each tag, oldest first. */
  samples: Record<TagKey, Sample[]>;
}

export type TagKey = 'flow1' | 'flow2' | 'level' | 'spare';

function springAndAutumn(seed: number): Sample[] {
  return [
    // Spring: no sample on Berlin's 31 March, only BAD ones on 1 April.
    ...irregular(seed, at('2026-03-26T12:00:00Z'), at('2026-04-03T06:00:00Z'), [
      [at('2026-03-30T20:00:00Z'), at('2026-04-02T01:00:00Z')],
      // An hour without samples across the change itself (01:00 UTC = 02:00 → 03:00 local).
      [at('2026-03-29T00:40:00Z'), at('2026-03-29T01:50:00Z')],
    ]),
    sample('2026-04-01T08:00:00Z', 5000, 'BAD'),
    sample('2026-04-01T09:00:00Z', null, 'BAD'),
    // Autumn: a quiet afternoon and the repeated hour 02:00–03:00 local sampled densely.
    ...irregular(seed + 1, at('2026-10-22T18:00:00Z'), at('2026-10-29T03:00:00Z'), [
      [at('2026-10-26T13:00:00Z'), at('2026-10-26T19:30:00Z')],
    ]),
  ].sort((a, b) => a.time - b.time);
}

/**
 * A level that changes rarely: the value from before the window must carry into it, and a BAD
 * sample makes the time until the next counted one unknown.
 */
const LEVEL: Sample[] = [
  sample('2026-03-20T00:00:00Z', 4),
  sample('2026-03-29T00:30:00Z', 8, 'BAD'),
  sample('2026-03-29T01:30:00Z', 6, 'UNCERTAIN'),
  sample('2026-04-01T12:00:00Z', 2),
  sample('2026-10-25T00:15:00Z', 3),
  sample('2026-10-25T01:15:00Z', 9),
];

/** The id a one-row `insert … returning id` produced. */
function idOf(rows: { id: string }[]): string {
  const [row] = rows;
  if (!row) throw new Error('The insert returned no row');
  return row.id;
}

async function insertAsset(sql: Sql, kind: string, name: string, parent?: string) {
  const rows = await sql.query<{ id: string }>(
    `insert into asset (parent_id, kind, name, path)
     values ($1, $2, $3, coalesce((select path || '/' from asset where id = $1), '') || $3::text)
     returning id`,
    [parent ?? null, kind, name],
  );
  return idOf(rows);
}

async function insertTag(sql: Sql, asset: string, name: string, samples: Sample[]) {
  const id = idOf(
    await sql.query<{ id: string }>(
      "insert into tag (asset_id, name, data_type) values ($1, $2, 'FLOAT') returning id",
      [asset, name],
    ),
  );
  await sql.bulkInsert(
    'datapoint',
    [
      { name: 'time', type: 'timestamptz' },
      { name: 'tag_id', type: 'uuid' },
      { name: 'value', type: 'float8' },
      { name: 'quality', type: 'datapoint_quality' },
    ],
    samples.map((s) => [new Date(s.time), id, s.value, s.quality]),
  );
  return id;
}

/** Seeds the plant: Acme/Line 1/Press 1 (Flow, Level, Spare) and Acme/Line 1/Press 2 (Flow). */
export async function seedAnalyticsPlant(sql: Sql): Promise<AnalyticsPlant> {
  const acme = await insertAsset(sql, 'ENTERPRISE', 'Acme');
  const line = await insertAsset(sql, 'LINE', 'Line 1', acme);
  const press1 = await insertAsset(sql, 'EQUIPMENT', 'Press 1', line);
  const press2 = await insertAsset(sql, 'EQUIPMENT', 'Press 2', line);
  const samples: Record<TagKey, Sample[]> = {
    flow1: springAndAutumn(1),
    flow2: springAndAutumn(7),
    level: LEVEL,
    spare: [],
  };
  const tags: Record<TagKey, string> = {
    flow1: await insertTag(sql, press1, 'Flow', samples.flow1),
    level: await insertTag(sql, press1, 'Level', samples.level),
    spare: await insertTag(sql, press1, 'Spare', samples.spare),
    flow2: await insertTag(sql, press2, 'Flow', samples.flow2),
  };
  return { assets: { line, press1, press2 }, tags, samples };
}

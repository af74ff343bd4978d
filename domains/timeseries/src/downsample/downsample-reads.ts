import type { Sql } from '@plantgraph/db';
import { BadUserInputError } from '@plantgraph/errors';
import { rowsByOrdinal } from '../batches.ts';
import type { DatapointQuality, Sample } from '../sample.ts';
import { largestTriangleThreeBuckets } from './lttb.ts';

/** How `Tag.downsample` picks the samples a chart shows. */
export enum DownsampleMethod {
  LTTB = 'LTTB',
  MIN_MAX = 'MIN_MAX',
}

/** Most samples LTTB reads into memory for one tag; MIN_MAX aggregates in the database. */
export const MAX_LTTB_SAMPLES = 1_000_000;

/** A checked downsample request; plain data, so it can key a DataLoader. */
export interface DownsampleRequest {
  /** Window [from, to), ISO instants. */
  from: string;
  to: string;
  /** Most samples to return per tag, at least 3. */
  points: number;
  method: DownsampleMethod;
  includeBadQuality: boolean;
}

const QUALITY_CODES: readonly DatapointQuality[] = ['GOOD', 'UNCERTAIN', 'BAD'];
const qualityCode = `(case d.quality when 'GOOD' then 0 when 'UNCERTAIN' then 1 else 2 end)::float8`;
// Exact milliseconds (with microseconds as the fraction); date_part's float seconds times 1000
// can land a hair below a whole millisecond.
const millis = '(extract(epoch from d.time) * 1000)::float8';
const counted = `d.value is not null and (d.quality <> 'BAD' or $4::boolean)`;

/** Every counted sample of each tag's window, as parallel arrays, up to the LTTB input limit. */
const samplesStatement = `
  select q.tag_index, r.times, r.values, r.qualities, r.total
    from unnest($1::uuid[]) with ordinality as q(tag_id, tag_index)
   cross join lateral (
     select array_agg(s.ms) as times, array_agg(s.value) as values,
            array_agg(s.quality) as qualities, count(*) as total
       from (select ${millis} as ms, d.value, ${qualityCode} as quality
               from datapoint d
              where d.tag_id = q.tag_id and d.time >= $2::timestamptz and d.time < $3::timestamptz
                and ${counted}
              order by d.time
              limit $5::int) s
   ) r`;

/**
 * Per time slice the lowest and the highest counted sample as [value, ±ms, quality]; min/max
 * over arrays compare the value first, then (for equal values) prefer the earliest sample.
 */
const extremesStatement = `
  select q.tag_index, m.low, m.high
    from unnest($1::uuid[]) with ordinality as q(tag_id, tag_index)
   cross join lateral (
     select min(array[d.value, x.ms, x.quality]) as low,
            max(array[d.value, -x.ms, x.quality]) as high
       from datapoint d
      cross join lateral (select ${millis} as ms, ${qualityCode} as quality) x
      where d.tag_id = q.tag_id and d.time >= $2::timestamptz and d.time < $3::timestamptz
        and ${counted}
      group by least(floor((x.ms - $5::float8) / $6::float8), $7::int - 1)
   ) m`;

interface SamplesRow {
  tag_index: number;
  times: number[] | null;
  values: number[] | null;
  qualities: number[] | null;
  total: number;
}

interface ExtremesRow {
  tag_index: number;
  low: number[];
  high: number[];
}

function point(ms: number, value: number, quality: number): Sample {
  return { time: new Date(ms), value, text: null, quality: QUALITY_CODES[quality] ?? 'BAD' };
}

async function lttb(
  sql: Sql,
  tagIds: readonly string[],
  request: DownsampleRequest,
): Promise<(Sample[] | Error)[]> {
  const rows = await sql.query<SamplesRow>(samplesStatement, [
    tagIds,
    request.from,
    request.to,
    request.includeBadQuality,
    MAX_LTTB_SAMPLES + 1,
  ]);
  return rowsByOrdinal(tagIds.length, rows, (row) => Number(row.tag_index)).map(([row]) => {
    if (row && row.total > MAX_LTTB_SAMPLES) {
      return new BadUserInputError(
        'from',
        `the window holds more than ${MAX_LTTB_SAMPLES} samples, the most LTTB reads; narrow ` +
          'it or use method MIN_MAX',
      );
    }
    const values = row?.values ?? [];
    const qualities = row?.qualities ?? [];
    const samples = (row?.times ?? []).map((x, index) => ({
      x,
      y: values[index] ?? Number.NaN,
      quality: qualities[index] ?? QUALITY_CODES.length,
    }));
    // Aggregates over an ordered subquery keep its order in practice, but SQL does not promise
    // it; sorting sorted input is linear.
    samples.sort((a, b) => a.x - b.x);
    return largestTriangleThreeBuckets(samples, request.points).map((sample) =>
      point(sample.x, sample.y, sample.quality),
    );
  });
}

/** A [value, ±ms, quality] triple of the extremes statement as a sample. */
function extreme([value = Number.NaN, ms = Number.NaN, quality = 2]: number[], sign: 1 | -1) {
  return { ms: sign * ms, sample: point(sign * ms, value, quality) };
}

async function minMax(
  sql: Sql,
  tagIds: readonly string[],
  request: DownsampleRequest,
): Promise<Sample[][]> {
  const slices = Math.floor(request.points / 2);
  const from = Date.parse(request.from);
  const width = (Date.parse(request.to) - from) / slices;
  const rows = await sql.query<ExtremesRow>(extremesStatement, [
    tagIds,
    request.from,
    request.to,
    request.includeBadQuality,
    from,
    width,
    slices,
  ]);
  return rowsByOrdinal(tagIds.length, rows, (row) => Number(row.tag_index)).map((group) => {
    // The lowest and the highest sample of a slice may be one and the same.
    const picked = new Map<number, Sample>();
    for (const row of group) {
      for (const { ms, sample } of [extreme(row.low, 1), extreme(row.high, -1)]) {
        picked.set(ms, sample);
      }
    }
    return [...picked.entries()].sort(([a], [b]) => a - b).map(([, sample]) => sample);
  });
}

/**
 * At most `request.points` samples of each tag's window, oldest first, in the order of
 * `tagIds`: one statement for all of them. A tag whose window holds more samples than LTTB
 * reads gets a BAD_USER_INPUT error naming `from` in its place.
 */
export function downsampledSamples(
  sql: Sql,
  tagIds: readonly string[],
  request: DownsampleRequest,
): Promise<(Sample[] | Error)[]> {
  if (request.from === request.to) return Promise.resolve(tagIds.map(() => []));
  return request.method === DownsampleMethod.LTTB
    ? lttb(sql, tagIds, request)
    : minMax(sql, tagIds, request);
}

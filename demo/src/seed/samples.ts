import type { Sql } from '@plantgraph/db';
import type { Clock } from './clock.ts';
import type { PlantEquipment, PlantTag } from '@plantgraph/demo-catalog';
import type { Timeline } from './timeline.ts';

/**
 * One machine's minute samples, generated inside the database: shipping a million rows through
 * the driver would dominate the seed time. The minutes come from the machine's state spans, minus
 * connection gaps: counters advance only while the machine runs, and while it stands an analog
 * signal is scaled from its running level to its idle level (a stopped spindle reads 0, not noise).
 * Noise and quality come from hashing (tag, minute), not random(), so every run and every plan
 * produces the same values. The first sample after a gap is UNCERTAIN, and about one in 2,000
 * samples is UNCERTAIN or BAD.
 */
const INSERT_SAMPLES = `
with minute as (
  select m, span.running,
         count(*) filter (where span.running) over (order by m) as run_minutes
  from unnest($2::int[], $3::int[], $4::bool[]) as span (first, last, running),
       generate_series(span.first, span.last - 1) as m
), gap as (
  select * from unnest($5::int[], $6::int[]) as gap (first, last)
), sample as (
  select minute.*, exists (select 1 from gap where gap.last = minute.m) as recovering
  from minute
  where not exists (select 1 from gap where minute.m >= gap.first and minute.m < gap.last)
), signal as (
  select *
  from unnest($7::uuid[], $8::int8[], $9::text[], $10::float8[], $11::float8[], $12::float8[],
              $13::float8[], $14::float8[], $15::float8[], $16::float8[])
    as signal (tag_id, seed, kind, a, b, amplitude, noise, period, phase, scale)
), reading as (
  select sample.*, signal.*,
         (hashint8(signal.seed * 1000003 + sample.m)::float8 + 2147483648) / 4294967296 as jitter,
         abs(hashint8(-(signal.seed * 1000003 + sample.m)) % 10000) as dice,
         (sample.m + signal.phase) / signal.period as cycles
  from sample cross join signal
), inserted as (
  insert into datapoint (time, tag_id, value, quality)
  select $1::timestamptz + m * interval '1 minute',
         tag_id,
         case kind
           when 'counter' then floor((a + b * run_minutes + amplitude * m) * scale) / scale
           when 'sawtooth' then
             round((a + (b - a) * (cycles - floor(cycles)) + noise * (2 * jitter - 1)) * scale) / scale
           else round((case when running then 1 else b / a end)
                      * (a + amplitude * sin(2 * pi() * cycles) + noise * (2 * jitter - 1)) * scale)
                / scale
         end,
         (case when dice < 1 then 'BAD'
               when recovering or dice < 5 then 'UNCERTAIN'
               else 'GOOD' end)::datapoint_quality
  from reading
  returning 1
)
select count(*)::int as count from inserted`;

const isSampled = (tag: PlantTag) =>
  ['analog', 'sawtooth', 'counter'].includes(tag.spec.signal.kind);

/** Inserts the minute samples of `equipment`'s numeric tags; returns how many. */
export async function insertSamples(
  sql: Sql,
  equipment: PlantEquipment,
  timeline: Timeline,
  clock: Clock,
): Promise<number> {
  const tags = equipment.tags.filter(isSampled);
  if (tags.length === 0) return 0;
  const signals = tags.map(signalParameters);
  const column = (index: number) => signals.map((signal) => signal[index]);
  const [row] = await sql.query<{ count: number }>(INSERT_SAMPLES, [
    clock.start,
    timeline.spans.map((span) => span.start),
    timeline.spans.map((span) => span.end),
    timeline.spans.map((span) => span.state === 'RUNNING'),
    timeline.gaps.map((gap) => gap.start),
    timeline.gaps.map((gap) => gap.end),
    tags.map((tag) => tag.id),
    tags.map((tag) => tag.seed),
    // One array per signal parameter, $9 to $16.
    ...Array.from({ length: 8 }, (_, index) => column(index)),
  ]);
  return row?.count ?? 0;
}

type SignalParameters = [string, number, number, number, number, number, number, number];

/** kind, a, b, amplitude, noise, period, phase, scale — as INSERT_SAMPLES reads them. */
function signalParameters(tag: PlantTag): SignalParameters {
  const { signal, decimals } = tag.spec;
  const scale = 10 ** decimals;
  switch (signal.kind) {
    case 'analog':
      return [
        'analog',
        signal.run,
        signal.idle,
        signal.amplitude,
        signal.noise,
        signal.period,
        tag.phase,
        scale,
      ];
    case 'sawtooth':
      return ['sawtooth', signal.from, signal.to, 0, signal.noise, signal.period, tag.phase, scale];
    case 'counter':
      return ['counter', tag.counterStart, signal.perRunMinute, signal.perMinute, 0, 1, 0, scale];
    default:
      throw new Error(`tag ${tag.spec.name} is recorded on change, not sampled`);
  }
}

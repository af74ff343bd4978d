import { subtreePattern, type AssetPath } from '@plantgraph/assets-domain';
import type { Sql } from '@plantgraph/db';
import { alarmColumns, withAlarmAsset, type AlarmRow } from './alarm-queries.ts';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

/** ISA-18.2 measures the alarm rate per operator in 10-minute windows. */
export const RATE_WINDOW_MS = 10 * MINUTE_MS;
/** More alarms than this in one 10-minute window is a flood (ISA-18.2). */
export const FLOOD_THRESHOLD = 10;
/** An alarm point raised this often within CHATTER_SPAN_SECONDS chatters. */
export const CHATTER_RAISES = 3;
export const CHATTER_SPAN_SECONDS = 60;
/** Active at `to` for longer than this: a standing alarm. */
export const STANDING_AFTER_MS = 24 * HOUR_MS;
/** Longest window one request may cover. */
export const MAX_WINDOW_DAYS = 366;
/** The window when a request names no `from`: this long before `to`. */
export const DEFAULT_WINDOW_MS = 24 * HOUR_MS;
export const DEFAULT_TOP = 10;
export const MAX_TOP = 100;

/** Whose alarms, over which window, and how long the ranked lists are. */
export interface AlarmStatisticsRequest {
  /** The subtree's root; null for the whole plant. */
  under: AssetPath | null;
  /** The half-open window [from, to); standing alarms are judged at `to`. */
  from: Date;
  to: Date;
  /** Length of each ranked list. */
  top: number;
  /** The roots of the caller's sites (siteRoots); undefined for every site. */
  sites: readonly string[] | undefined;
}

/** One 10-minute window of the alarm rate; the last one of a period ends at `to`. */
export interface AlarmRateWindow {
  start: Date;
  end: Date;
  alarms: number;
}

/** Alarms raised per 10 minutes, in windows aligned to `from`. */
export interface AlarmRate {
  averagePer10Minutes: number;
  peakPer10Minutes: number;
  /** Windows in the period; a partial last one counts. */
  windowCount: number;
  /** Windows holding more than FLOOD_THRESHOLD alarms. */
  floodWindowCount: number;
  floodShare: number;
  floodWindows: AlarmRateWindow[];
}

/** One alarm point, a code on an asset, over the window. */
export interface AlarmPointStatistics {
  assetId: string;
  code: string;
  raises: number;
  /** raises / all alarms raised in the window, 0 to 1. */
  share: number;
  /** Seconds active within the window, including alarms raised before `from`. */
  activeSeconds: number;
  /** Most raises within any CHATTER_SPAN_SECONDS, both ends inclusive. */
  peakRaisesPerMinute: number;
}

/**
 * Alarm-system performance after ISA-18.2; docs/analytics.md defines each figure. Counts and
 * mean times cover the alarms raised in the window, with what happened to them before `to`.
 */
export interface AlarmStatistics {
  from: Date;
  to: Date;
  raised: number;
  cleared: number;
  acknowledged: number;
  meanTimeToAcknowledgeSeconds: number | null;
  meanTimeToClearSeconds: number | null;
  rate: AlarmRate;
  topByFrequency: AlarmPointStatistics[];
  topByDuration: AlarmPointStatistics[];
  chattering: AlarmPointStatistics[];
  chatteringCount: number;
  /** Active at `to` and raised more than STANDING_AFTER_MS before it, the oldest first. */
  standing: AlarmRow[];
  standingCount: number;
}

/**
 * Alarms of the subtree within the sites: $1 is the root's path (null: the whole plant), $2 the
 * LIKE pattern of its descendants, $3 the paths of the caller's sites (null: every site).
 */
const inScope = `($1::text is null or a.path = $1 or a.path like $2)
  and ($3::text[] is null or exists (
    select from unnest($3::text[]) as site(path)
     where a.path = site.path or starts_with(a.path, site.path || '/')))`;

interface SummaryRow {
  raised: number;
  cleared: number;
  acknowledged: number;
  mean_time_to_acknowledge: number | null;
  mean_time_to_clear: number | null;
  peak: number;
  flood_slots: number[] | null;
  flood_alarms: number[] | null;
}

/**
 * Counts and mean times of the alarms raised in [$4, $5), and their windows of $6 seconds: slot k
 * is [$4 + k·$6 s, $4 + (k + 1)·$6 s). Only windows holding alarms come back; floods hold > $7.
 */
const summaryStatement = `
  with raised as (
    select e.raised_at, e.cleared_at, e.acknowledged_at
      from alarm_event e ${withAlarmAsset}
     where ${inScope} and e.raised_at >= $4::timestamptz and e.raised_at < $5::timestamptz
  ),
  slots as (
    select floor(extract(epoch from r.raised_at - $4::timestamptz) / $6::int)::int as slot,
           count(*)::int as alarms
      from raised r
     group by 1
  )
  select count(*)::int as raised,
         (count(*) filter (where r.cleared_at < $5::timestamptz))::int as cleared,
         (count(*) filter (where r.acknowledged_at < $5::timestamptz))::int as acknowledged,
         avg(extract(epoch from r.acknowledged_at - r.raised_at))
           filter (where r.acknowledged_at < $5::timestamptz) as mean_time_to_acknowledge,
         avg(extract(epoch from r.cleared_at - r.raised_at))
           filter (where r.cleared_at < $5::timestamptz) as mean_time_to_clear,
         (select coalesce(max(s.alarms), 0) from slots s) as peak,
         (select array_agg(s.slot order by s.slot) from slots s where s.alarms > $7) as flood_slots,
         (select array_agg(s.alarms order by s.slot) from slots s where s.alarms > $7)
           as flood_alarms
    from raised r`;

interface CodeRow {
  asset_id: string;
  code: string;
  raises: number;
  active_seconds: number;
  peak_raises_per_minute: number;
  frequency_rank: number;
  duration_rank: number;
  chatter_rank: number | null;
  chattering_count: number;
}

/**
 * When an alarm was active, [raised_at, cleared_at), unbounded while it is not cleared; the GiST
 * index alarm_event_active_period_idx is on exactly this expression.
 */
const activePeriod = 'tstzrange(e.raised_at, e.cleared_at)';

/**
 * Per alarm point (asset, code): raises in [$4, $5), seconds active within it, and the most
 * raises within any $7 seconds; then ranked three ways, keeping the top $6 of each. The alarms
 * are those raised in the window (raised_at index) or active during it (the active-period
 * index); an alarm cleared the instant it was raised has an empty period and only the first.
 */
const codeStatement = `
  with active as (
    select e.asset_id, a.path, e.code, e.raised_at, e.raised_at >= $4::timestamptz as raised_in,
           extract(epoch from least(coalesce(e.cleared_at, $5::timestamptz), $5::timestamptz)
                              - greatest(e.raised_at, $4::timestamptz)) as active_seconds
      from alarm_event e ${withAlarmAsset}
     where ${inScope}
       and ((e.raised_at >= $4::timestamptz and e.raised_at < $5::timestamptz)
            or ${activePeriod} && tstzrange($4::timestamptz, $5::timestamptz))
  ),
  raises as (
    select x.*,
           case when x.raised_in then count(*) filter (where x.raised_in) over (
             partition by x.asset_id, x.code order by x.raised_at
             range between make_interval(secs => $7) preceding and current row) end
             as raises_in_span
      from active x
  ),
  codes as (
    select r.asset_id, r.path, r.code,
           (count(*) filter (where r.raised_in))::int as raises,
           sum(r.active_seconds)::float8 as active_seconds,
           coalesce(max(r.raises_in_span), 0)::int as peak_raises_per_minute
      from raises r
     group by r.asset_id, r.path, r.code
  ),
  ranked as (
    select c.*,
           row_number() over (order by c.raises desc, c.path, c.code) as frequency_rank,
           row_number() over (order by c.active_seconds desc, c.path, c.code) as duration_rank,
           case when c.peak_raises_per_minute >= $8 then row_number() over (
             partition by c.peak_raises_per_minute >= $8 order by c.raises desc, c.path, c.code)
           end as chatter_rank,
           (count(*) filter (where c.peak_raises_per_minute >= $8) over ())::int
             as chattering_count
      from codes c
  )
  select * from ranked
   where (raises > 0 and frequency_rank <= $6)
      or (active_seconds > 0 and duration_rank <= $6)
      or chatter_rank <= $6
   order by frequency_rank`;

/**
 * Alarms active at $4 (raised, and not cleared by then) that were raised before $5, oldest first;
 * the active-period index finds the alarms active at an instant.
 */
const standingStatement = `
  select ${alarmColumns}, (count(*) over ())::int as standing_count
    from alarm_event e ${withAlarmAsset}
   where ${inScope} and ${activePeriod} @> $4::timestamptz and e.raised_at < $5::timestamptz
   order by e.raised_at, e.id
   limit $6`;

const toPointStatistics =
  (raised: number) =>
  (row: CodeRow): AlarmPointStatistics => ({
    assetId: row.asset_id,
    code: row.code,
    raises: row.raises,
    share: raised === 0 ? 0 : row.raises / raised,
    activeSeconds: row.active_seconds,
    peakRaisesPerMinute: row.peak_raises_per_minute,
  });

function toRate(summary: SummaryRow, { from, to }: AlarmStatisticsRequest): AlarmRate {
  const span = to.getTime() - from.getTime();
  const windowCount = Math.ceil(span / RATE_WINDOW_MS);
  const slots = summary.flood_slots ?? [];
  const floodWindows = slots.map((slot, index) => {
    const start = from.getTime() + slot * RATE_WINDOW_MS;
    return {
      start: new Date(start),
      end: new Date(Math.min(start + RATE_WINDOW_MS, to.getTime())),
      alarms: summary.flood_alarms?.[index] ?? 0,
    };
  });
  return {
    averagePer10Minutes: span === 0 ? 0 : (summary.raised * RATE_WINDOW_MS) / span,
    peakPer10Minutes: summary.peak,
    windowCount,
    floodWindowCount: floodWindows.length,
    floodShare: windowCount === 0 ? 0 : floodWindows.length / windowCount,
    floodWindows,
  };
}

/** ISA-18.2 alarm KPIs of a subtree over a window, in three statements run together. */
export async function alarmStatistics(
  sql: Sql,
  request: AlarmStatisticsRequest,
): Promise<AlarmStatistics> {
  const { under, top } = request;
  const scope = [
    under?.path ?? null,
    under ? subtreePattern(under.path) : null,
    request.sites ?? null,
  ];
  const [from, to] = [request.from.toISOString(), request.to.toISOString()];
  const [summaries, codes, standing] = await Promise.all([
    sql.query<SummaryRow>(summaryStatement, [
      ...scope,
      from,
      to,
      RATE_WINDOW_MS / 1000,
      FLOOD_THRESHOLD,
    ]),
    sql.query<CodeRow>(codeStatement, [
      ...scope,
      from,
      to,
      top,
      CHATTER_SPAN_SECONDS,
      CHATTER_RAISES,
    ]),
    sql.query<AlarmRow & { standing_count: number }>(standingStatement, [
      ...scope,
      to,
      new Date(request.to.getTime() - STANDING_AFTER_MS).toISOString(),
      top,
    ]),
  ]);
  // An aggregate without GROUP BY always returns its one row.
  const summary = summaries[0] as SummaryRow;
  const raised = summary.raised;
  const toPoint = toPointStatistics(raised);
  const ranked = (rank: (row: CodeRow) => number | null, value: (row: CodeRow) => number) =>
    codes
      .flatMap((row) => {
        const position = rank(row);
        return position !== null && position <= top && value(row) > 0 ? [{ position, row }] : [];
      })
      .sort((a, b) => a.position - b.position)
      .map(({ row }) => toPoint(row));
  return {
    from: request.from,
    to: request.to,
    raised,
    cleared: summary.cleared,
    acknowledged: summary.acknowledged,
    meanTimeToAcknowledgeSeconds: summary.mean_time_to_acknowledge,
    meanTimeToClearSeconds: summary.mean_time_to_clear,
    rate: toRate(summary, request),
    topByFrequency: ranked(
      (row) => row.frequency_rank,
      (row) => row.raises,
    ),
    topByDuration: ranked(
      (row) => row.duration_rank,
      (row) => row.active_seconds,
    ),
    chattering: ranked(
      (row) => row.chatter_rank,
      (row) => row.peak_raises_per_minute,
    ),
    chatteringCount: codes[0]?.chattering_count ?? 0,
    standing,
    standingCount: standing[0]?.standing_count ?? 0,
  };
}

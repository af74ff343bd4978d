import { machinesAtOrBelow, type MachineOnSite } from '@plantgraph/assets-domain';
import type { Sql } from '@plantgraph/db';
import { BadUserInputError } from '@plantgraph/errors';
import type { BucketInterval } from '../aggregate/aggregate-request.ts';
import type { MachineState } from '../machine-states.ts';
import { intervalBuckets, scheduledSegments, type Segment } from './buckets.ts';
import type { BucketFacts, CounterKind } from './oee-figures.ts';
import { orderMaterialJoin } from '@plantgraph/orders-domain';
import {
  mergeRanges,
  shiftOccurrences,
  type ShiftDefinition,
  type TimeRange,
} from './shift-calendar.ts';
import { shiftsOfSites } from './shifts.ts';

/** Most buckets one window may be cut into; more is rejected, not truncated. */
export const MAX_OEE_BUCKETS = 1000;

/**
 * Most shifts a window may span for telling planned from unplanned time: with three shifts a
 * day, about 90 years. Back-to-back shifts merge into one range before they reach the database.
 */
const MAX_SCHEDULED_SHIFTS = 100_000;

/** How a window is cut: by an interval, by the site's shifts, or not at all (the losses). */
export type Bucketing =
  | { kind: 'interval'; interval: BucketInterval; timezone: string | null }
  | { kind: 'shift' }
  | { kind: 'window' };

/** One asset's window and bucketing; the unit OEE reads batch. */
export interface OeeKey {
  assetId: string;
  from: Date;
  to: Date;
  bucketing: Bucketing;
}

/**
 * The facts behind OEE, per bucket, for several assets' windows at once, in the order of
 * `keys`; a key that cannot be cut as asked gets a BAD_USER_INPUT error in its place. Four
 * statements per batch however many assets it holds: the machines at or below each asset with
 * their sites, the sites' shift calendars, time by state and counts by kind. Both are summed per
 * machine and bucket in the database, so only totals come back, however many increments
 * (possibly one a part) and state changes the window holds.
 */
export async function oeeFacts(
  sql: Sql,
  keys: readonly OeeKey[],
): Promise<(BucketFacts[] | Error)[]> {
  const machines = await machinesAtOrBelow(
    sql,
    keys.map((key) => key.assetId),
  );
  const siteIds = [...new Set(machines.flat().flatMap((row) => row.siteId ?? []))];
  const calendars = await shiftsOfSites(sql, siteIds);
  const plans = keys.map((key, index) => planOf(key, machines[index] ?? [], calendars));
  const scopes = plans.flatMap((plan, keyIndex) =>
    plan instanceof Error ? [] : plan.scopes.map((scope) => ({ ...scope, keyIndex })),
  );
  const facts = plans.map((plan) =>
    plan instanceof Error
      ? plan
      : plan.buckets.map((bucket): BucketFacts => ({ ...bucket, states: [], counts: [] })),
  );
  const inputs = scopeInputs(scopes);
  if (inputs.machineScope.length === 0 || inputs.segmentScope.length === 0) return facts;
  const bucketOf = (row: { scope: number; bucket: number }) => {
    const keyFacts = facts[scopes[row.scope - 1]?.keyIndex ?? -1];
    return keyFacts instanceof Error ? undefined : keyFacts?.[row.bucket];
  };
  for (const row of await stateTimes(sql, inputs)) {
    bucketOf(row)?.states.push({
      assetId: row.asset_id,
      state: row.state,
      reason: row.reason,
      seconds: row.seconds,
    });
  }
  for (const row of await countTotals(sql, inputs)) {
    bucketOf(row)?.counts.push({
      assetId: row.asset_id,
      kind: row.kind,
      idealSeconds: row.ideal_seconds,
      count: row.count,
    });
  }
  return facts;
}

/** Machines that share a calendar, and the scheduled pieces of each bucket for them. */
interface Scope {
  from: Date;
  to: Date;
  equipmentIds: string[];
  segments: Segment[];
}

interface Plan {
  buckets: TimeRange[];
  scopes: Scope[];
}

/** Lays out one key's buckets and, per site, the scheduled time in them; or why it cannot. */
function planOf(
  key: OeeKey,
  machines: readonly MachineOnSite[],
  calendars: ReadonlyMap<string, ShiftDefinition[]>,
): Plan | Error {
  const from = key.from.getTime();
  const to = key.to.getTime();
  const bySite = new Map<string | null, string[]>();
  for (const { equipmentId, siteId } of machines) {
    const equipment = bySite.get(siteId) ?? [];
    if (equipmentId) equipment.push(equipmentId);
    bySite.set(siteId, equipment);
  }
  const calendarOf = (siteId: string | null) => (siteId ? (calendars.get(siteId) ?? []) : []);

  if (key.bucketing.kind === 'shift') {
    const [siteId, ...others] = bySite.keys();
    if (siteId === undefined || siteId === null || others.length > 0) {
      return new BadUserInputError(
        'interval',
        '"shift" needs an asset within one site, whose shift calendar cuts the buckets',
      );
    }
    const calendar = calendarOf(siteId);
    if (calendar.length === 0) {
      return new BadUserInputError('interval', `the asset's site has no shifts; use an interval`);
    }
    const buckets = shiftOccurrences(calendar, from, to, MAX_OEE_BUCKETS);
    if (buckets.length > MAX_OEE_BUCKETS) {
      return new BadUserInputError(
        'interval',
        `"shift" cuts the window into more than ${MAX_OEE_BUCKETS} buckets; the limit is ` +
          `${MAX_OEE_BUCKETS}. Use a shorter window`,
      );
    }
    const scope = { from: key.from, to: key.to, equipmentIds: bySite.get(siteId) ?? [] };
    return { buckets, scopes: [{ ...scope, segments: scheduledSegments(buckets, null) }] };
  }

  const buckets =
    key.bucketing.kind === 'window'
      ? from < to
        ? [{ start: from, end: to }]
        : []
      : intervalBuckets(
          from,
          to,
          key.bucketing.interval,
          key.bucketing.timezone ?? calendarZone([...bySite.keys()].flatMap(calendarOf)),
        );
  const scopes: Scope[] = [];
  for (const [siteId, equipmentIds] of bySite) {
    const calendar = calendarOf(siteId);
    const occurrences = shiftOccurrences(calendar, from, to, MAX_SCHEDULED_SHIFTS);
    if (occurrences.length > MAX_SCHEDULED_SHIFTS) {
      return new BadUserInputError(
        'from',
        `the window spans more than ${MAX_SCHEDULED_SHIFTS} shifts; narrow it`,
      );
    }
    const scheduled = calendar.length > 0 ? mergeRanges(occurrences) : null;
    const segments = scheduledSegments(buckets, scheduled);
    scopes.push({ from: key.from, to: key.to, equipmentIds, segments });
  }
  return { buckets, scopes };
}

/** The zone of the shift calendars when they all use one, else UTC. */
function calendarZone(shifts: readonly ShiftDefinition[]): string {
  const zones = new Set(shifts.map((shift) => shift.timezone));
  const [zone] = zones;
  return zones.size === 1 && zone ? zone : 'UTC';
}

/** The scopes of a batch as columns for `unnest`; scope numbers count from 1. */
interface ScopeInputs {
  scopeFrom: string[];
  scopeTo: string[];
  segmentScope: number[];
  segmentPosition: number[];
  segmentStart: string[];
  segmentEnd: string[];
  segmentBucket: number[];
  machineScope: number[];
  machineId: string[];
}

function scopeInputs(scopes: readonly Scope[]): ScopeInputs {
  const inputs: ScopeInputs = {
    scopeFrom: [],
    scopeTo: [],
    segmentScope: [],
    segmentPosition: [],
    segmentStart: [],
    segmentEnd: [],
    segmentBucket: [],
    machineScope: [],
    machineId: [],
  };
  for (const [index, scope] of scopes.entries()) {
    const number = index + 1;
    inputs.scopeFrom.push(scope.from.toISOString());
    inputs.scopeTo.push(scope.to.toISOString());
    for (const [position, segment] of scope.segments.entries()) {
      inputs.segmentScope.push(number);
      inputs.segmentPosition.push(position + 1);
      inputs.segmentStart.push(new Date(segment.start).toISOString());
      inputs.segmentEnd.push(new Date(segment.end).toISOString());
      inputs.segmentBucket.push(segment.bucket);
    }
    for (const equipmentId of scope.equipmentIds) {
      inputs.machineScope.push(number);
      inputs.machineId.push(equipmentId);
    }
  }
  return inputs;
}

const scopeParameters = (inputs: ScopeInputs) => [
  inputs.scopeFrom,
  inputs.scopeTo,
  inputs.segmentScope,
  inputs.segmentPosition,
  inputs.segmentStart,
  inputs.segmentEnd,
  inputs.segmentBucket,
  inputs.machineScope,
  inputs.machineId,
];

/**
 * The scopes, the starts, ends and buckets of their scheduled segments (sorted, without
 * overlaps) as one array each per scope, and the machines of each scope. `width_bucket` finds a
 * time's segment in the starts by binary search; subscripts do the rest, so no join of segments
 * against rows can degrade into comparing every row with every segment.
 */
const scopeTables = `
  scope as (
    select s.scope::int as scope, s.from_time, s.to_time
      from unnest($1::text[]::timestamptz[], $2::text[]::timestamptz[])
           with ordinality as s(from_time, to_time, scope)
  ),
  segments as (
    select g.scope, array_agg(g.start_time order by g.position) as starts,
           array_agg(g.end_time order by g.position) as ends,
           array_agg(g.bucket order by g.position) as buckets
      from unnest($3::int[], $4::int[], $5::text[]::timestamptz[],
                  $6::text[]::timestamptz[], $7::int[])
           as g(scope, position, start_time, end_time, bucket)
     group by g.scope
  ),
  machine as (
    select * from unnest($8::int[], $9::uuid[]) as m(scope, asset_id)
  )`;

interface StateTimeRow {
  scope: number;
  bucket: number;
  asset_id: string;
  state: MachineState;
  reason: string | null;
  seconds: number;
}

/**
 * Seconds per machine, bucket, state and reason within the scheduled segments. Each state period
 * (the one in force at the window's start included) lasts until the next change, the window's
 * end or now, whichever comes first; time before a machine's first state counts nowhere.
 */
async function stateTimes(sql: Sql, inputs: ScopeInputs): Promise<StateTimeRow[]> {
  return sql.query<StateTimeRow>(
    `with ${scopeTables},
     period as (
       select m.scope, m.asset_id, p.state, p.reason, p.time as since,
              coalesce(lead(p.time) over (partition by m.scope, m.asset_id order by p.time),
                       least(s.to_time, now())) as until
         from machine m
         join scope s using (scope)
        cross join lateral (
          (select ms.time, ms.state, ms.reason from machine_state ms
            where ms.asset_id = m.asset_id and ms.time <= s.from_time
            order by ms.time desc limit 1)
          union all
          (select ms.time, ms.state, ms.reason from machine_state ms
            where ms.asset_id = m.asset_id and ms.time > s.from_time and ms.time < s.to_time)
        ) p
     )
     select p.scope, g.buckets[i] as bucket, p.asset_id, p.state, p.reason,
            sum(extract(epoch from
                  least(p.until, g.ends[i]) - greatest(p.since, g.starts[i])))::float8 as seconds
       from period p
       join segments g using (scope)
      cross join lateral generate_series(greatest(width_bucket(p.since, g.starts), 1),
                                         width_bucket(p.until, g.starts)) as i
      where g.starts[i] < p.until and g.ends[i] > p.since
      group by p.scope, g.buckets[i], p.asset_id, p.state, p.reason`,
    scopeParameters(inputs),
  );
}

interface CountTotalRow {
  scope: number;
  bucket: number;
  asset_id: string;
  kind: CounterKind;
  ideal_seconds: number | null;
  count: number;
}

/**
 * Counter increments per machine, bucket and kind within the scheduled segments, with the ideal
 * cycle time of the material of the order they were counted for (else the machine's default).
 * Increments are summed per order before orders and cycle times are joined; the order's
 * material comes through the orders domain's `orderMaterialJoin`.
 */
async function countTotals(sql: Sql, inputs: ScopeInputs): Promise<CountTotalRow[]> {
  return sql.query<CountTotalRow>(
    `with ${scopeTables},
     counted as (
       select m.scope, g.buckets[i] as bucket, m.asset_id, c.kind, c.order_id,
              sum(c.increment) as count
         from machine m
         join scope s using (scope)
         join segments g using (scope)
         join counter_increment c
           on c.asset_id = m.asset_id
          -- Every kind, named, so the (asset_id, kind, time) index can range over time.
          and c.kind in ('GOOD', 'REJECT', 'TOTAL')
          and c.time >= s.from_time and c.time < s.to_time
        cross join lateral width_bucket(c.time, g.starts) as i
        where i > 0 and c.time < g.ends[i]
        group by m.scope, g.buckets[i], m.asset_id, c.kind, c.order_id
     )
     select k.scope, k.bucket, k.asset_id, k.kind,
            coalesce(by_material.seconds, by_default.seconds) as ideal_seconds,
            sum(k.count)::float8 as count
       from counted k
       ${orderMaterialJoin('o', 'k.order_id')}
       left join ideal_cycle_time by_material
         on by_material.asset_id = k.asset_id and by_material.material = o.material
       left join ideal_cycle_time by_default
         on by_default.asset_id = k.asset_id and by_default.material is null
      group by k.scope, k.bucket, k.asset_id, k.kind, ideal_seconds`,
    scopeParameters(inputs),
  );
}

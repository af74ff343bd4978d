import { randomUUID } from 'node:crypto';
import type { BulkColumn, Sql } from '@plantgraph/db';
import { CHARACTERISTICS } from '@plantgraph/demo-catalog';
import { Clock } from './seed/clock.ts';
import {
  alarmRows,
  counterRows,
  eventRows,
  machineStateRows,
  measurementRows,
  numberOrders,
  planOrders,
  type AlarmRow,
  type CounterRow,
  type EventRow,
  type MachineStateRow,
  type MeasurementRow,
  type PlannedOrder,
  type SampledCharacteristic,
} from './seed/history.ts';
import { buildPlant, Random, type Plant, type PlantEquipment } from '@plantgraph/demo-catalog';
import { idealCycleTimeRows, shiftRows } from './seed/oee.ts';
import { insertSamples } from './seed/samples.ts';
import { SIZES, type SeedSize, type SizeShape } from './seed/sizes.ts';
import { planTimeline, type Timeline } from './seed/timeline.ts';

export type { SeedSize };

export interface SeedOptions {
  size: SeedSize;
  /** The end of the generated history (truncated to the minute); defaults to the current time. */
  now?: Date;
}

export type SeedTable =
  | 'asset'
  | 'tag'
  | 'datapoint'
  | 'machine_state'
  | 'counter_increment'
  | 'production_order'
  | 'production_order_status_change'
  | 'quality_characteristic'
  | 'measurement'
  | 'alarm_event'
  | 'shift'
  | 'ideal_cycle_time';

export interface SeedSummary {
  size: SeedSize;
  /** First and last minute of the generated history. */
  from: Date;
  to: Date;
  /** Rows inserted per table, and how many of the assets are equipment. */
  counts: Record<SeedTable | 'equipment', number>;
  elapsedMs: number;
}

/** Columns as `'name type'` pairs, the way the migration reads. */
const columns = (...specs: string[]): BulkColumn[] =>
  specs.map((spec) => {
    const [name = '', type = ''] = spec.split(' ');
    return { name, type };
  });

const COLUMNS = {
  asset: columns(
    'id uuid',
    'parent_id uuid',
    'kind asset_kind',
    'name text',
    'path text',
    'description text',
    'created_at timestamptz',
  ),
  tag: columns(
    'id uuid',
    'asset_id uuid',
    'name text',
    'data_type tag_data_type',
    'unit text',
    'description text',
    'source text',
    'created_at timestamptz',
  ),
  datapoint: columns('time timestamptz', 'tag_id uuid', 'value float8', 'text text'),
  machine_state: columns(
    'time timestamptz',
    'asset_id uuid',
    'state machine_state_code',
    'reason text',
  ),
  counter_increment: columns(
    'time timestamptz',
    'asset_id uuid',
    'kind counter_kind',
    'increment float8',
    'order_id uuid',
  ),
  production_order: columns(
    'id uuid',
    'number text',
    'external_id text',
    'material text',
    'quantity float8',
    'unit text',
    'status production_order_status',
    'priority int4',
    'due_at timestamptz',
    'asset_id uuid',
    'created_at timestamptz',
    'updated_at timestamptz',
  ),
  production_order_status_change: columns(
    'order_id uuid',
    'from_status production_order_status',
    'to_status production_order_status',
    'actor text',
    'changed_at timestamptz',
  ),
  quality_characteristic: columns(
    'id uuid',
    'name text',
    'unit text',
    'lsl float8',
    'target float8',
    'usl float8',
    'description text',
  ),
  measurement: columns(
    'characteristic_id uuid',
    'asset_id uuid',
    'order_id uuid',
    'time timestamptz',
    'value float8',
    'in_spec bool',
  ),
  alarm_event: columns(
    'asset_id uuid',
    'code text',
    'message text',
    'severity alarm_severity',
    'raised_at timestamptz',
    'cleared_at timestamptz',
    'acknowledged_at timestamptz',
    'acknowledged_by text',
    'acknowledge_comment text',
  ),
  // days_of_week keeps its default, every day: bulk inserts cannot carry array columns.
  shift: columns('site_id uuid', 'name text', 'start_time time', 'end_time time', 'timezone text'),
  ideal_cycle_time: columns('asset_id uuid', 'material text', 'seconds float8'),
} satisfies Record<SeedTable, BulkColumn[]>;

/** Master data claims to have been commissioned half a year before the history starts. */
const COMMISSIONED_DAYS_BEFORE = 180;

/**
 * Seeds the demo plant: an ISA-95 hierarchy with tags, minute history, machine states, counters,
 * production orders, quality measurements, alarms, shift calendars and ideal cycle times, all
 * relative to `now`. Runs in one transaction, so a failure leaves nothing behind. Apart from
 * generated ids and the time anchor, two seeds of the same size produce the same rows.
 */
export async function seedDemoPlant(sql: Sql, options: SeedOptions): Promise<SeedSummary> {
  const started = performance.now();
  const shape = SIZES[options.size];
  const clock = new Clock(options.now ?? new Date(), shape.timeline.minutes);
  const counts = await sql.transaction((tx) => insertPlant(tx, shape, clock));
  return {
    size: options.size,
    from: clock.start,
    to: clock.end,
    counts,
    elapsedMs: Math.round(performance.now() - started),
  };
}

/**
 * Seeds when the asset table is empty and returns null otherwise. An advisory lock keeps two
 * processes starting on the same database from both seeding.
 */
export async function seedIfEmpty(sql: Sql, options: SeedOptions): Promise<SeedSummary | null> {
  return sql.transaction(async (tx) => {
    await tx.query(`select pg_advisory_xact_lock(hashtext('plantgraph:seed'))`);
    const [row] = await tx.query<{ seeded: boolean }>(
      'select exists (select 1 from asset) as seeded',
    );
    return row?.seeded ? null : seedDemoPlant(tx, options);
  });
}

async function insertPlant(
  sql: Sql,
  shape: SizeShape,
  clock: Clock,
): Promise<SeedSummary['counts']> {
  const plant = buildPlant(shape.layout);
  const commissioned = clock.at(-COMMISSIONED_DAYS_BEFORE * 24 * 60);
  const characteristics = CHARACTERISTICS.map((spec) => ({ id: randomUUID(), spec }));
  const history = planHistory(plant, shape, clock, characteristics);
  const orders = orderRows(history.orders, clock);
  const tags = plant.equipment.flatMap((equipment) => equipment.tags);

  // In foreign-key order.
  const rows: Record<Exclude<SeedTable, 'datapoint'>, unknown[][]> = {
    asset: plant.assets.map((asset) => [
      asset.id,
      asset.parentId,
      asset.kind,
      asset.name,
      asset.path,
      asset.description,
      commissioned,
    ]),
    tag: tags.map((tag) => [
      tag.id,
      tag.assetId,
      tag.spec.name,
      tag.spec.dataType,
      tag.spec.unit,
      tag.spec.description,
      tag.source,
      commissioned,
    ]),
    machine_state: history.machineStates,
    counter_increment: history.counters,
    production_order: orders.orders,
    production_order_status_change: orders.changes,
    quality_characteristic: characteristics.map(({ id, spec }) => [
      id,
      spec.name,
      spec.unit,
      spec.lsl,
      spec.target,
      spec.usl,
      spec.description,
    ]),
    measurement: history.measurements,
    alarm_event: history.alarms,
    shift: shiftRows(plant, shape.layout.sites),
    ideal_cycle_time: idealCycleTimeRows(plant),
  };
  for (const [table, tableRows] of Object.entries(rows)) {
    await sql.bulkInsert(table, COLUMNS[table as SeedTable], tableRows);
  }
  await sql.bulkInsert('datapoint', COLUMNS.datapoint, history.events);

  let samples = 0;
  for (const { equipment, timeline } of history.timelines) {
    samples += await insertSamples(sql, equipment, timeline, clock);
    // PGlite runs no checkpointer; without one its in-memory WAL grows with every chunk.
    if (sql.backend === 'embedded') await sql.exec('checkpoint');
  }
  // Fresh statistics for the planner: PGlite has no autovacuum to collect them.
  await sql.exec(`analyze ${Object.keys(COLUMNS).join(', ')}`);
  return {
    ...(Object.fromEntries(
      Object.entries(rows).map(([table, tableRows]) => [table, tableRows.length]),
    ) as Record<Exclude<SeedTable, 'datapoint'>, number>),
    datapoint: samples + history.events.length,
    equipment: plant.equipment.length,
  };
}

interface History {
  timelines: { equipment: PlantEquipment; timeline: Timeline }[];
  orders: PlannedOrder[];
  machineStates: MachineStateRow[];
  counters: CounterRow[];
  measurements: MeasurementRow[];
  alarms: AlarmRow[];
  events: EventRow[];
}

function planHistory(
  plant: Plant,
  shape: SizeShape,
  clock: Clock,
  characteristics: readonly SampledCharacteristic[],
): History {
  const history: History = {
    timelines: [],
    orders: [],
    machineStates: [],
    counters: [],
    measurements: [],
    alarms: [],
    events: [],
  };
  for (const equipment of plant.equipment) {
    // One stream per machine and purpose: changing one machine's history leaves the others alone.
    const random = (purpose: string) => Random.for(purpose, equipment.index);
    const timeline = planTimeline(
      equipment.type,
      equipment.spec,
      equipment.area.materials,
      shape.timeline,
      random('timeline'),
    );
    const orders = planOrders(equipment, timeline, clock.minutes, random('orders'));
    const partCount = equipment.tags.find((tag) => tag.spec.name === 'Part Count');
    const sampled = characteristics.filter(({ spec }) =>
      equipment.type.characteristics.includes(spec.name),
    );
    history.timelines.push({ equipment, timeline });
    history.orders.push(...orders);
    history.machineStates.push(...machineStateRows(equipment, timeline, clock));
    history.counters.push(
      ...counterRows(
        equipment,
        timeline,
        orders,
        partCount?.counterStart ?? 0,
        clock,
        random('counters'),
      ),
    );
    history.measurements.push(
      ...measurementRows(
        equipment,
        timeline,
        orders,
        sampled,
        shape.measurementEvery,
        clock,
        random('measurements'),
      ),
    );
    history.alarms.push(...alarmRows(equipment, timeline, shape.alarms, clock, random('alarms')));
    history.events.push(...eventRows(equipment, timeline, clock));
  }
  return history;
}

function orderRows(orders: readonly PlannedOrder[], clock: Clock) {
  const numbered = numberOrders(orders, clock.end.getUTCFullYear());
  return {
    orders: numbered.map((order) => [
      order.id,
      order.number,
      `SAP-${order.number.slice(-6)}`,
      order.material,
      order.quantity,
      'pcs',
      order.status,
      order.priority,
      clock.at(order.dueAt),
      order.assetId,
      clock.at(order.createdAt),
      clock.at(order.updatedAt),
    ]),
    changes: numbered.flatMap((order) =>
      order.changes.map((change, index) => [
        order.id,
        order.changes[index - 1]?.status ?? null,
        change.status,
        'seed',
        clock.at(change.at),
      ]),
    ),
  };
}

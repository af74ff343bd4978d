import DataLoader from 'dataloader';
import {
  BadUserInputError,
  checkTimeWindow,
  groupBy,
  indexBy,
  loader,
  NotFoundError,
  pageSize,
  parseId,
  toConnection,
  decodeTimeCursor,
  microsOf,
  timestampFromMicros,
  type Connection,
  type GraphContext,
  type TimeCursor,
  requireInScope,
  requireRowInScope,
} from '@plantgraph/graph';
import type { AssetMeasurementsArgs } from './measurement.args.ts';
import type { RecordMeasurementInput } from './measurement.input.ts';
import { Measurement, type MeasurementRow } from './measurement.type.ts';

const columns = (alias: string) =>
  [
    ...['id', 'characteristic_id', 'asset_id', 'order_id', 'time', 'value', 'in_spec'].map(
      (name) => `${alias}.${name}`,
    ),
    `${microsOf(`${alias}.time`)} as time_us`,
  ].join(', ');

export const measurementById = (context: GraphContext) =>
  new DataLoader<string, Measurement | null>(async (ids) => {
    const rows = await context.sql.query<MeasurementRow>(
      `select ${columns('m')} from measurement m where m.id = any($1::uuid[])`,
      [ids],
    );
    return indexBy(ids, rows.map(Measurement.fromRow), (measurement) => measurement.id);
  });

/** One page of one parent's measurements: the window [from, to), the cursor, the page size. */
export interface MeasurementPageKey {
  parentId: string;
  from: string | null;
  to: string | null;
  after: TimeCursor | null;
  first: number;
}

/**
 * Pages of measurements for many parents in one statement: each key becomes a row of the
 * unnest, and the lateral subquery reads that parent's newest rows from its index.
 */
function pagesOfParents(parentColumn: 'asset_id' | 'order_id') {
  return (context: GraphContext) =>
    new DataLoader<MeasurementPageKey, Connection<Measurement>, string>(
      async (keys) => {
        const rows = await context.sql.query<MeasurementRow & { key_index: number }>(
          `select q.key_index, m.*
             from unnest($1::uuid[], $2::timestamptz[], $3::timestamptz[], $4::int8[],
                         $5::uuid[], $6::int[])
                  with ordinality as q(parent_id, from_time, to_time, after_us, after_id,
                                       row_limit, key_index)
            cross join lateral (
              select ${columns('m')} from measurement m
               where m.${parentColumn} = q.parent_id
                 and (q.from_time is null or m.time >= q.from_time)
                 and (q.to_time is null or m.time < q.to_time)
                 and (q.after_us is null
                      or (m.time, m.id) < (${timestampFromMicros('q.after_us')}, q.after_id))
               order by m.time desc, m.id desc
               limit q.row_limit
            ) m
            order by q.key_index, m.time desc, m.id desc`,
          [
            keys.map((key) => key.parentId),
            keys.map((key) => key.from),
            keys.map((key) => key.to),
            keys.map((key) => key.after?.micros ?? null),
            keys.map((key) => key.after?.id ?? null),
            keys.map((key) => key.first + 1),
          ],
        );
        const groups = groupBy(
          keys.map((_, index) => index + 1),
          rows,
          (row) => Number(row.key_index),
        );
        return keys.map((key, index) =>
          toConnection(groups[index] ?? [], key.first, Measurement.fromRow, (row) => [
            row.time_us,
            row.id,
          ]),
        );
      },
      {
        cacheKeyFn: (key) => JSON.stringify([key.parentId, key.from, key.to, key.after, key.first]),
      },
    );
}

/** An asset's measurements, newest first. */
export const measurementsOfAsset = pagesOfParents('asset_id');

/** The measurements taken for a production order, newest first. */
export const measurementsOfOrder = pagesOfParents('order_id');

/** Validates paging and window arguments into a loader key. */
export function measurementPageKey(
  parentId: string,
  args: Partial<AssetMeasurementsArgs>,
): MeasurementPageKey {
  const first = pageSize(args.first);
  const after = decodeTimeCursor(args.after) ?? null;
  const { from, to } = checkTimeWindow(args.from, args.to);
  return {
    parentId,
    from: from?.toISOString() ?? null,
    to: to?.toISOString() ?? null,
    after,
    first,
  };
}

/** Whether `value` lies within the limits; bounds are inclusive and a missing one is open. */
export function isInSpec(value: number, limits: { lsl: number | null; usl: number | null }) {
  return (
    (limits.lsl === null || value >= limits.lsl) && (limits.usl === null || value <= limits.usl)
  );
}

function parseRecordInput(input: RecordMeasurementInput) {
  if (!Number.isFinite(input.value)) {
    throw new BadUserInputError('input.value', `must be a finite number, got ${input.value}`);
  }
  return {
    characteristicId: parseId(input.characteristicId, 'input.characteristicId', 'Characteristic'),
    assetId: parseId(input.assetId, 'input.assetId', 'Asset'),
    orderId:
      input.orderId === null || input.orderId === undefined
        ? null
        : parseId(input.orderId, 'input.orderId', 'ProductionOrder'),
    value: input.value,
    time: input.time ?? new Date(),
  };
}

/**
 * Stores a measurement judged against the characteristic's limits as they are now, so a later
 * change of the limits does not rewrite the verdict.
 */
export async function recordMeasurement(
  context: GraphContext,
  input: RecordMeasurementInput,
): Promise<Measurement> {
  const measurement = parseRecordInput(input);
  const { characteristicId, assetId, orderId } = measurement;
  await requireInScope(context, assetId, 'input.assetId');
  if (orderId) await requireRowInScope(context, 'production_order', orderId, 'input.orderId');
  const id = await context.prisma.$transaction(async (tx) => {
    const limits = await tx.qualityCharacteristic.findUnique({
      where: { id: characteristicId },
      select: { lsl: true, usl: true },
    });
    if (!limits) {
      throw new NotFoundError('Characteristic', characteristicId, 'input.characteristicId');
    }
    if (!(await tx.asset.findUnique({ where: { id: assetId }, select: { id: true } }))) {
      throw new NotFoundError('Asset', assetId, 'input.assetId');
    }
    if (
      orderId &&
      !(await tx.productionOrder.findUnique({ where: { id: orderId }, select: { id: true } }))
    ) {
      throw new NotFoundError('ProductionOrder', orderId, 'input.orderId');
    }
    const created = await tx.measurement.create({
      data: { ...measurement, inSpec: isInSpec(measurement.value, limits) },
      select: { id: true },
    });
    return created.id;
  });
  const stored = await loader(context, measurementById).load(id);
  if (!stored) throw new NotFoundError('Measurement', id);
  return stored;
}

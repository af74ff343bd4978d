import DataLoader from 'dataloader';
import {
  checkTimeWindow,
  decodeTimeCursor,
  indexBy,
  pageSize,
  toConnection,
  type Connection,
  type GraphContext,
} from '@plantgraph/graph';
import {
  measurementPages,
  measurementsByIds,
  type MeasurementPageKey,
  type MeasurementParent,
} from '@plantgraph/quality-domain';
import type { AssetMeasurementsArgs } from './measurement.args.ts';
import { Measurement } from './measurement.type.ts';

/** Measurements by id, batched per request; null for unknown ids. */
export const measurementById = (context: GraphContext) =>
  new DataLoader<string, Measurement | null>(async (ids) => {
    const rows = await measurementsByIds(context.sql, ids);
    return indexBy(ids, rows.map(Measurement.fromRow), (measurement) => measurement.id);
  });

/** Pages of many parents' measurements, batched per request into one statement. */
function pagesOfParents(parent: MeasurementParent) {
  return (context: GraphContext) =>
    new DataLoader<MeasurementPageKey, Connection<Measurement>, string>(
      async (keys) => {
        const pages = await measurementPages(context.sql, parent, keys);
        return keys.map((key, index) =>
          toConnection(pages[index] ?? [], key.first, Measurement.fromRow, (row) => [
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
export const measurementsOfAsset = pagesOfParents('asset');

/** The measurements taken for a production order, newest first. */
export const measurementsOfOrder = pagesOfParents('order');

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

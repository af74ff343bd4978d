import {
  loader,
  NotFoundError,
  parseId,
  prismaOf,
  requireInScope,
  requireOwnedInScope,
  type GraphContext,
} from '@plantgraph/graph';
import { assetsOfOrders } from '@plantgraph/orders-domain';
import {
  recordMeasurement as record,
  type MeasurementAccess,
  type NewMeasurement,
} from '@plantgraph/quality-domain';
import type { RecordMeasurementInput } from './measurement.input.ts';
import { measurementById } from './measurement.loaders.ts';
import type { Measurement } from './measurement.type.ts';

/** The caller's sites, as the domain asks about them. */
function accessOf(context: GraphContext): MeasurementAccess {
  return {
    asset: (assetId, field) => requireInScope(context, assetId, field),
    order: (orderId, field) => requireOwnedInScope(context, assetsOfOrders, orderId, field),
  };
}

function parseRecordInput(input: RecordMeasurementInput): NewMeasurement {
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

/** Records a measurement within the caller's sites and answers it as stored. */
export async function recordMeasurement(
  context: GraphContext,
  input: RecordMeasurementInput,
): Promise<Measurement> {
  const id = await record(prismaOf(context), parseRecordInput(input), accessOf(context));
  const stored = await loader(context, measurementById).load(id);
  if (!stored) throw new NotFoundError('Measurement', id);
  return stored;
}

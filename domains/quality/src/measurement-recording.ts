import type { PrismaClient } from '@plantgraph/db/prisma';
import { BadUserInputError, NotFoundError } from '@plantgraph/errors';
import type { SpecLimits } from './spc/capability.ts';

/** A measured value to record; ids are well-formed (the adapter parsed them). */
export interface NewMeasurement {
  characteristicId: string;
  assetId: string;
  orderId: string | null;
  value: number;
  time: Date;
}

/**
 * Which assets and orders the caller may record measurements for. The adapter that knows the
 * caller (a subgraph with its identity) implements it; the domain asks before anything is
 * written. Callers acting for the whole plant pass none.
 */
export interface MeasurementAccess {
  asset(assetId: string, field: string): Promise<void>;
  order(orderId: string, field: string): Promise<void>;
}

/** Whether `value` lies within the limits; bounds are inclusive and a missing one is open. */
export function isInSpec(value: number, limits: SpecLimits): boolean {
  return (
    (limits.lsl === null || value >= limits.lsl) && (limits.usl === null || value <= limits.usl)
  );
}

/**
 * Stores a measurement judged against the characteristic's limits as they are now, so a later
 * change of the limits does not rewrite the verdict; returns its id. BAD_USER_INPUT for a value
 * that is no finite number, NOT_FOUND for an unknown characteristic, asset or order.
 */
export async function recordMeasurement(
  prisma: PrismaClient,
  measurement: NewMeasurement,
  access?: MeasurementAccess,
): Promise<string> {
  if (!Number.isFinite(measurement.value)) {
    throw new BadUserInputError('input.value', `must be a finite number, got ${measurement.value}`);
  }
  const { characteristicId, assetId, orderId } = measurement;
  await access?.asset(assetId, 'input.assetId');
  if (orderId) await access?.order(orderId, 'input.orderId');
  return prisma.$transaction(async (tx) => {
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
}

import type { Prisma } from '@plantgraph/db/prisma';
import {
  BadUserInputError,
  ConflictError,
  isWithin,
  NotFoundError,
  parseId,
  requireInScope,
  type GraphContext,
} from '@plantgraph/graph';
import { changeOrderStatus, isDuplicate } from './order-writes.service.ts';
import { ProductionOrderStatus, type ProductionOrder } from './order.type.ts';

/** A setpoint a machine's download interface accepts, as its connector provisioned it. */
interface SetpointLimit {
  name: string;
  unit?: string | null;
  min: number;
  max: number;
}

/** Orders in these states occupy their equipment. */
const OCCUPYING = [
  ProductionOrderStatus.DOWNLOADING,
  ProductionOrderStatus.DOWNLOADED,
  ProductionOrderStatus.RUNNING,
];

export interface DownloadRequest {
  orderId: string;
  equipmentId: string;
  expiresAt?: Date | null;
}

/**
 * Sends a RELEASED order to a machine: checks that the equipment is the order's asset or below
 * it, has a download interface, is not occupied by another order and accepts every setpoint;
 * then, in one transaction, moves the order to DOWNLOADING and records a download command, and
 * asks the connectors to carry it out. The machine's acknowledgement moves it on.
 */
export async function downloadOrder(
  context: GraphContext,
  request: DownloadRequest,
): Promise<ProductionOrder> {
  const orderId = parseId(request.orderId, 'orderId', 'ProductionOrder');
  const equipmentId = parseId(request.equipmentId, 'equipmentId', 'Asset');
  await requireInScope(context, equipmentId, 'equipmentId');
  const expiresAt = request.expiresAt ?? null;
  if (expiresAt && expiresAt.getTime() <= Date.now()) {
    throw new BadUserInputError('expiresAt', 'must be in the future');
  }
  let commandId = '';
  const order = await changeOrderStatus(context, orderId, ProductionOrderStatus.DOWNLOADING, {
    argument: 'orderId',
    data: { equipmentId, failureReason: null },
    within: async (tx) => {
      await assertDownloadable(tx, orderId, equipmentId);
      const command = await tx.downloadCommand.create({
        data: { orderId, equipmentId, expiresAt },
        select: { id: true },
      });
      commandId = command.id;
    },
  }).catch((error: unknown) => {
    // Two downloads to one machine at the same moment: the occupancy index lets one through.
    if (isDuplicate(error)) {
      throw new ConflictError('The equipment took another order at the same moment; try again');
    }
    throw error;
  });
  context.events?.publishCommand({ kind: 'orderDownload', commandId, orderId, equipmentId });
  return order;
}

async function assertDownloadable(
  tx: Prisma.TransactionClient,
  orderId: string,
  equipmentId: string,
): Promise<void> {
  // One statement at a time: a transaction is one connection.
  const order = await tx.productionOrder.findUniqueOrThrow({
    where: { id: orderId },
    select: { asset: { select: { path: true } }, parameters: { orderBy: { position: 'asc' } } },
  });
  const equipment = await tx.asset.findUnique({
    where: { id: equipmentId },
    select: { path: true, download: true },
  });
  if (!equipment) throw new NotFoundError('Asset', equipmentId, 'equipmentId');
  if (!isWithin(equipment.path, order.asset.path)) {
    throw new BadUserInputError(
      'equipmentId',
      `"${equipment.path}" is not the order's asset "${order.asset.path}" or below it`,
    );
  }
  if (!equipment.download) {
    throw new BadUserInputError(
      'equipmentId',
      `"${equipment.path}" has no download mapping; orders cannot be sent to it`,
    );
  }
  const busy = await tx.productionOrder.findFirst({
    where: { equipmentId, status: { in: OCCUPYING }, id: { not: orderId } },
    select: { number: true, status: true },
  });
  if (busy) {
    throw new ConflictError(
      `"${equipment.path}" is occupied by order ${busy.number} (${busy.status}); ` +
        'complete, abort or cancel it first',
    );
  }
  const limits = equipment.download.parameters as unknown as SetpointLimit[];
  for (const parameter of order.parameters) {
    const limit = limits.find((candidate) => candidate.name === parameter.name);
    const argument = `parameters.${parameter.name}`;
    if (!limit) {
      const known = limits.map((candidate) => candidate.name).join(', ') || 'none';
      throw new BadUserInputError(
        argument,
        `"${equipment.path}" has no setpoint "${parameter.name}" (it has: ${known})`,
      );
    }
    if (parameter.unit && limit.unit && parameter.unit !== limit.unit) {
      throw new BadUserInputError(
        argument,
        `is given in ${parameter.unit}, but "${equipment.path}" takes it in ${limit.unit}`,
      );
    }
    if (parameter.value < limit.min || parameter.value > limit.max) {
      const unit = limit.unit ? ` ${limit.unit}` : '';
      throw new BadUserInputError(
        argument,
        `${parameter.value}${unit} is outside the limits of "${equipment.path}" ` +
          `(${limit.min} to ${limit.max}${unit})`,
      );
    }
  }
}

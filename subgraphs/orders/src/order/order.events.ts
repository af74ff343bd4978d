import { requireAssetPath, type GraphContext } from '@plantgraph/graph';
import type { ProductionOrder, ProductionOrderStatus } from './order.type.ts';

export interface StatusStep {
  from: ProductionOrderStatus | null;
  to: ProductionOrderStatus;
  at: Date;
  reason: string | null;
}

/**
 * Announces a committed status change on the event bus (`…/<asset>/orders/<number>`), where
 * `orderStatusChanged` subscribers and other tools pick it up. Runs after the commit: a change
 * that rolled back is never announced. Without a bus there is nobody to tell.
 */
export async function publishStatusChange(
  context: GraphContext,
  order: ProductionOrder,
  step: StatusStep,
): Promise<void> {
  if (!context.events) return;
  const asset = await requireAssetPath(context, order.assetId, 'assetId');
  context.events.publish({
    type: 'orderStatus',
    orderId: order.id,
    number: order.number,
    assetId: asset.id,
    assetPath: asset.path,
    time: step.at.toISOString(),
    status: step.to,
    previousStatus: step.from,
    reason: step.reason,
    actor: context.identity.subject,
  });
}

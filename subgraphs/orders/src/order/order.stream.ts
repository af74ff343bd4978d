import {
  eventStream,
  isWithin,
  parseIdList,
  requireAssetPaths,
  requireEventBus,
  type GraphContext,
} from '@plantgraph/graph';
import type { OrderStatusChangedArgs } from './order.args.ts';
import { OrderStatusChange } from './order.type.ts';

/**
 * Status changes of production orders from the event bus, filtered by order and by asset
 * subtree. Arguments are checked before subscribing, so a bad one is an error result.
 */
export async function orderStatusChanges(
  context: GraphContext,
  args: OrderStatusChangedArgs,
): Promise<AsyncIterableIterator<OrderStatusChange>> {
  const bus = requireEventBus(context);
  const orderIds = args.orderIds
    ? new Set(parseIdList(args.orderIds, 'orderIds', 'ProductionOrder'))
    : undefined;
  const roots = args.assetIds
    ? (await requireAssetPaths(context, args.assetIds, 'assetIds')).map((asset) => asset.path)
    : undefined;
  return eventStream(bus, {
    context,
    routes: ['orderStatus'],
    select: (event) => {
      if (event.type !== 'orderStatus') return undefined;
      if (orderIds && !orderIds.has(event.orderId.toLowerCase())) return undefined;
      if (roots && !roots.some((root) => isWithin(event.assetPath, root))) return undefined;
      return OrderStatusChange.fromEvent(event);
    },
  });
}

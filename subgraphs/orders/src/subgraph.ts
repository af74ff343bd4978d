import { buildSubgraph, type SubgraphModule } from '@plantgraph/graph';
import { assetReference } from './asset/asset.reference.ts';
import { AssetOrdersResolver } from './asset/asset.resolver.ts';
import { productionOrderReference } from './order/order.reference.ts';
import { OrderStatusChangeResolver, ProductionOrderResolver } from './order/order.resolver.ts';

/** Production orders, their lifecycle and status history; owns the ProductionOrder entity. */
export const ordersSubgraph: SubgraphModule = {
  name: 'orders',
  usesPrisma: true,
  buildSchema: () =>
    buildSubgraph({
      resolvers: [ProductionOrderResolver, OrderStatusChangeResolver, AssetOrdersResolver],
      referenceResolvers: { ProductionOrder: productionOrderReference, Asset: assetReference },
    }),
};

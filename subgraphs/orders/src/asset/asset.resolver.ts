import { Arg, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { loader, type GraphContext } from '@plantgraph/graph';
import {
  activeOrderOfAsset,
  downloadInterfaceOfAsset,
  ordersOfAsset,
} from '../order/order.loaders.ts';
import {
  OrderDownloadInterface,
  ProductionOrder,
  ProductionOrderStatus,
} from '../order/order.type.ts';
import { Asset } from './asset.type.ts';

@Resolver(() => Asset)
export class AssetOrdersResolver {
  @FieldResolver(() => [ProductionOrder], { description: 'Orders for this asset, newest first.' })
  orders(
    @Root() asset: Asset,
    @Ctx() context: GraphContext,
    @Arg('status', () => ProductionOrderStatus, { nullable: true })
    status?: ProductionOrderStatus | null,
  ) {
    return loader(context, ordersOfAsset).load({ assetId: asset.id, status: status ?? null });
  }

  @FieldResolver(() => ProductionOrder, {
    nullable: true,
    description: 'The most recent RUNNING order, else the most recent DOWNLOADED one, else null.',
  })
  activeOrder(@Root() asset: Asset, @Ctx() context: GraphContext) {
    return loader(context, activeOrderOfAsset).load(asset.id);
  }

  @FieldResolver(() => OrderDownloadInterface, {
    nullable: true,
    description: 'How orders reach this machine and the setpoints it accepts; null if they cannot.',
  })
  orderDownload(@Root() asset: Asset, @Ctx() context: GraphContext) {
    return loader(context, downloadInterfaceOfAsset).load(asset.id);
  }
}

import { Arg, Args, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import { loader, type GraphContext } from '@plantgraph/graph';
import { Tag } from '../tag/tag.type.ts';
import { tagsByAssetId } from '../tag/tag.service.ts';
import {
  ancestorsByPath,
  assetById,
  childrenByParentId,
  descendantsOf,
  findAssetByPath,
  listAssets,
  requireAsset,
} from './asset.service.ts';
import { AssetsArgs } from './asset.args.ts';
import { Asset, AssetConnection, AssetKind } from './asset.type.ts';

@Resolver(() => Asset)
export class AssetResolver {
  @Query(() => Asset, { nullable: true, description: 'One asset by id; NOT_FOUND when unknown.' })
  asset(@Arg('id', () => ID) id: string, @Ctx() context: GraphContext): Promise<Asset> {
    return requireAsset(context, id);
  }

  @Query(() => Asset, { nullable: true, description: 'One asset by its full path.' })
  assetByPath(
    @Arg('path', () => String) path: string,
    @Ctx() context: GraphContext,
  ): Promise<Asset> {
    return findAssetByPath(context, path);
  }

  @Query(() => AssetConnection, {
    description: 'Assets in path order. `under` limits to an asset and everything below it.',
  })
  assets(@Args(() => AssetsArgs) args: AssetsArgs, @Ctx() context: GraphContext) {
    return listAssets(context, args);
  }

  @FieldResolver(() => Asset, { nullable: true })
  parent(@Root() asset: Asset, @Ctx() context: GraphContext) {
    return asset.parentId ? loader(context, assetById).load(asset.parentId) : null;
  }

  @FieldResolver(() => [Asset])
  children(@Root() asset: Asset, @Ctx() context: GraphContext) {
    return loader(context, childrenByParentId).load(asset.id);
  }

  @FieldResolver(() => [Asset], { description: 'From the enterprise down to the parent.' })
  ancestors(@Root() asset: Asset, @Ctx() context: GraphContext) {
    return loader(context, ancestorsByPath).load(asset.path);
  }

  @FieldResolver(() => [Asset], { description: 'Everything below this asset, in path order.' })
  descendants(
    @Root() asset: Asset,
    @Ctx() context: GraphContext,
    @Arg('kind', () => AssetKind, { nullable: true }) kind?: AssetKind,
  ) {
    return loader(context, descendantsOf).load({ path: asset.path, kind: kind ?? null });
  }

  @FieldResolver(() => [Tag])
  tags(@Root() asset: Asset, @Ctx() context: GraphContext) {
    return loader(context, tagsByAssetId).load(asset.id);
  }
}

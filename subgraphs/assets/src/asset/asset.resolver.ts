import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { loader, type GraphContext } from '@plantgraph/graph';
import { ChangesArgs } from '../audit/audit.args.ts';
import { auditPage, requireAuditReader } from '../audit/audit.service.ts';
import { AuditEntryConnection } from '../audit/audit.type.ts';
import { Tag } from '../tag/tag.type.ts';
import { tagsByAssetId } from '../tag/tag.service.ts';
import { createAssetCommand, retireAssetCommand, updateAssetCommand } from './asset.commands.ts';
import { CreateAssetInput, UpdateAssetInput } from './asset.input.ts';
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

/** Lists leave retired assets and tags out unless asked. */
const active = <T extends { retiredAt: Date | null }>(
  items: T[],
  includeRetired?: boolean | null,
) => (includeRetired ? items : items.filter((item) => item.retiredAt === null));

const includeRetiredOptions = {
  nullable: true,
  defaultValue: false,
  description: 'Whether retired ones are listed too.',
};

@Resolver(() => Asset)
export class AssetResolver {
  @Query(() => Asset, {
    nullable: true,
    description: 'One asset by id, retired or not; NOT_FOUND when unknown.',
  })
  asset(@Arg('id', () => ID) id: string, @Ctx() context: GraphContext): Promise<Asset> {
    return requireAsset(context, id);
  }

  @Query(() => Asset, {
    nullable: true,
    description: 'One asset by its full path, retired or not.',
  })
  assetByPath(
    @Arg('path', () => String) path: string,
    @Ctx() context: GraphContext,
  ): Promise<Asset> {
    return findAssetByPath(context, path);
  }

  @Query(() => AssetConnection, {
    description:
      'Assets in path order. `under` limits to an asset and everything below it; retired assets only with includeRetired.',
  })
  assets(@Args(() => AssetsArgs) args: AssetsArgs, @Ctx() context: GraphContext) {
    return listAssets(context, args);
  }

  @FieldResolver(() => Asset, { nullable: true })
  parent(@Root() asset: Asset, @Ctx() context: GraphContext) {
    return asset.parentId ? loader(context, assetById).load(asset.parentId) : null;
  }

  @FieldResolver(() => [Asset])
  async children(
    @Root() asset: Asset,
    @Ctx() context: GraphContext,
    @Arg('includeRetired', () => Boolean, includeRetiredOptions) includeRetired?: boolean,
  ) {
    return active(await loader(context, childrenByParentId).load(asset.id), includeRetired);
  }

  @FieldResolver(() => [Asset], { description: 'From the enterprise down to the parent.' })
  ancestors(@Root() asset: Asset, @Ctx() context: GraphContext) {
    return loader(context, ancestorsByPath).load(asset.path);
  }

  @FieldResolver(() => [Asset], { description: 'Everything below this asset, in path order.' })
  async descendants(
    @Root() asset: Asset,
    @Ctx() context: GraphContext,
    // type-graphql lists arguments last parameter first: `kind`, then `includeRetired`.
    @Arg('includeRetired', () => Boolean, includeRetiredOptions) includeRetired?: boolean,
    @Arg('kind', () => AssetKind, { nullable: true }) kind?: AssetKind,
  ) {
    const below = await loader(context, descendantsOf).load({
      path: asset.path,
      kind: kind ?? null,
    });
    return active(below, includeRetired);
  }

  @FieldResolver(() => [Tag])
  async tags(
    @Root() asset: Asset,
    @Ctx() context: GraphContext,
    @Arg('includeRetired', () => Boolean, includeRetiredOptions) includeRetired?: boolean,
  ) {
    return active(await loader(context, tagsByAssetId).load(asset.id), includeRetired);
  }

  @FieldResolver(() => AuditEntryConnection, {
    nullable: true,
    description:
      'The mutations of this asset (createAsset, updateAsset, retireAsset), newest first, as the audit log holds them, refused ones included. Engineers and admins only.',
  })
  changes(
    @Root() asset: Asset,
    @Args(() => ChangesArgs) args: ChangesArgs,
    @Ctx() context: GraphContext,
  ) {
    requireAuditReader(context, 'Asset.changes', false);
    return auditPage(context, { ...args, entityType: 'Asset', entityId: asset.id });
  }

  @Mutation(() => Asset, {
    description:
      'Creates an asset under a parent of the kind ISA-95 places it under (docs/data-model.md#placement-rules). Needs the role engineer; a caller limited to sites creates only below them.',
  })
  createAsset(
    @Arg('input', () => CreateAssetInput) input: CreateAssetInput,
    @Ctx() context: GraphContext,
  ): Promise<Asset> {
    return createAssetCommand(context, input);
  }

  @Mutation(() => Asset, {
    description:
      'Renames, describes or moves an asset. A move takes the whole subtree along and rewrites its paths in the same transaction; it stays within the site. Needs the role engineer.',
  })
  updateAsset(
    @Arg('input', () => UpdateAssetInput) input: UpdateAssetInput,
    @Arg('id', () => ID) id: string,
    @Ctx() context: GraphContext,
  ): Promise<Asset> {
    return updateAssetCommand(context, id, input);
  }

  @Mutation(() => Asset, {
    description:
      'Retires an asset and its tags: they leave lists, their history stays. CONFLICT while the asset has active children, which it names. Needs the role engineer.',
  })
  retireAsset(@Arg('id', () => ID) id: string, @Ctx() context: GraphContext): Promise<Asset> {
    return retireAssetCommand(context, id);
  }
}

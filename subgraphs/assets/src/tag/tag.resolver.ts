import {
  Arg,
  Args,
  Ctx,
  Directive,
  FieldResolver,
  ID,
  Mutation,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import { loader, type GraphContext } from '@plantgraph/graph';
import { Asset } from '../asset/asset.type.ts';
import { assetById } from '../asset/asset.service.ts';
import { ChangesArgs } from '../audit/audit.args.ts';
import { auditPage, requireAuditReader } from '../audit/audit.service.ts';
import { AuditEntryConnection } from '../audit/audit.type.ts';
import { createTagCommand, retireTagCommand, updateTagCommand } from './tag.commands.ts';
import { CreateTagInput, UpdateTagInput } from './tag.input.ts';
import { requireTag } from './tag.service.ts';
import { Tag } from './tag.type.ts';

@Resolver(() => Tag)
export class TagResolver {
  // The timeseries subgraph answers it too, so that a tag's values take one fetch.
  @Directive('@shareable')
  @Query(() => Tag, {
    nullable: true,
    description: 'One tag by id, retired or not; NOT_FOUND when unknown.',
  })
  tag(@Arg('id', () => ID) id: string, @Ctx() context: GraphContext): Promise<Tag> {
    return requireTag(context, id);
  }

  @FieldResolver(() => Asset)
  asset(@Root() tag: Tag, @Ctx() context: GraphContext) {
    return loader(context, assetById).load(tag.assetId);
  }

  @FieldResolver(() => AuditEntryConnection, {
    nullable: true,
    description:
      'The mutations of this tag (createTag, updateTag, retireTag), newest first, as the audit log holds them. Engineers and admins only.',
  })
  changes(
    @Root() tag: Tag,
    @Args(() => ChangesArgs) args: ChangesArgs,
    @Ctx() context: GraphContext,
  ) {
    requireAuditReader(context, 'Tag.changes', false);
    return auditPage(context, { ...args, entityType: 'Tag', entityId: tag.id });
  }

  @Mutation(() => Tag, {
    description:
      'Creates a tag on an active asset. Needs the role engineer; the asset must lie in the sites of the caller.',
  })
  createTag(
    @Arg('input', () => CreateTagInput) input: CreateTagInput,
    @Ctx() context: GraphContext,
  ): Promise<Tag> {
    return createTagCommand(context, input);
  }

  @Mutation(() => Tag, {
    description:
      'Renames, retypes (numeric types only) or describes a tag. Needs the role engineer.',
  })
  updateTag(
    @Arg('input', () => UpdateTagInput) input: UpdateTagInput,
    @Arg('id', () => ID) id: string,
    @Ctx() context: GraphContext,
  ): Promise<Tag> {
    return updateTagCommand(context, id, input);
  }

  @Mutation(() => Tag, {
    description:
      'Retires a tag: it leaves Asset.tags, its history stays readable. Needs the role engineer.',
  })
  retireTag(@Arg('id', () => ID) id: string, @Ctx() context: GraphContext): Promise<Tag> {
    return retireTagCommand(context, id);
  }
}

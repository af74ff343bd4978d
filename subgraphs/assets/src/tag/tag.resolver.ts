import { Arg, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import { loader, type GraphContext } from '@plantgraph/graph';
import { Asset } from '../asset/asset.type.ts';
import { assetById } from '../asset/asset.service.ts';
import { requireTag } from './tag.service.ts';
import { Tag } from './tag.type.ts';

@Resolver(() => Tag)
export class TagResolver {
  @Query(() => Tag, { nullable: true, description: 'One tag by id; NOT_FOUND when unknown.' })
  tag(@Arg('id', () => ID) id: string, @Ctx() context: GraphContext): Promise<Tag> {
    return requireTag(context, id);
  }

  @FieldResolver(() => Asset)
  asset(@Root() tag: Tag, @Ctx() context: GraphContext) {
    return loader(context, assetById).load(tag.assetId);
  }
}

import { Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { loader, type GraphContext } from '@plantgraph/graph';
import { Datapoint } from '../datapoint/datapoint.type.ts';
import { Tag } from '../tag/tag.type.ts';
import { lineageOf, mappingAt } from './tag-lineage.service.ts';
import { TagLineageArgs } from './tag-lineage.args.ts';
import { TagMappingPeriod } from './tag-mapping-period.type.ts';

@Resolver(() => Tag)
export class TagLineageResolver {
  @FieldResolver(() => [TagMappingPeriod], {
    description:
      'The mappings of the integration configuration that fed this tag in [from, to), oldest ' +
      'first: where its values came from, and who changed that when.',
  })
  lineage(
    @Root() tag: Tag,
    @Args(() => TagLineageArgs) args: TagLineageArgs,
    @Ctx() context: GraphContext,
  ): Promise<TagMappingPeriod[]> {
    return lineageOf(context, tag.id, args);
  }
}

@Resolver(() => Datapoint)
export class DatapointSourceResolver {
  @FieldResolver(() => TagMappingPeriod, {
    nullable: true,
    description:
      'The mapping in force at the time of the sample; null before the first configuration ' +
      'version, or for a tag no mapping feeds.',
  })
  source(@Root() datapoint: Datapoint, @Ctx() context: GraphContext) {
    return loader(context, mappingAt).load({ tagId: datapoint.tagId, time: datapoint.time });
  }
}

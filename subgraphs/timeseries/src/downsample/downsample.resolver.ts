import { Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { loader, type GraphContext } from '@plantgraph/graph';
import { Datapoint } from '../datapoint/datapoint.type.ts';
import { Tag } from '../tag/tag.type.ts';
import { DownsampleArgs } from './downsample.args.ts';
import { downsampleOf, downsampleRequest } from './downsample.service.ts';

@Resolver(() => Tag)
export class TagDownsampleResolver {
  @FieldResolver(() => [Datapoint], {
    description:
      'At most `points` of the samples in [from, to), oldest first, picked to draw the curve ' +
      'faithfully (see DownsampleMethod). Only numeric samples, BAD ones only when included.',
  })
  downsample(
    @Root() tag: Tag,
    @Args(() => DownsampleArgs) args: DownsampleArgs,
    @Ctx() context: GraphContext,
  ) {
    return loader(context, downsampleOf).load({ tagId: tag.id, request: downsampleRequest(args) });
  }
}

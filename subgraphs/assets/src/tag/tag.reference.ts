import { loader, type GraphContext, type ReferenceResolver } from '@plantgraph/graph';
import { tagById } from './tag.service.ts';

export const tagReference: ReferenceResolver<{ id: string }> = {
  __resolveReference: (reference: { id: string }, context: GraphContext) =>
    loader(context, tagById).load(reference.id),
};

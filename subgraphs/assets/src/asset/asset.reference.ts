import { loader, type GraphContext, type ReferenceResolver } from '@plantgraph/graph';
import { assetById } from './asset.service.ts';

export const assetReference: ReferenceResolver<{ id: string }> = {
  __resolveReference: (reference: { id: string }, context: GraphContext) =>
    loader(context, assetById).load(reference.id),
};

import { loader, parseId, type GraphContext, type ReferenceResolver } from '@plantgraph/graph';
import { orderById } from './order.loaders.ts';

export const productionOrderReference: ReferenceResolver<{ id: string }> = {
  __resolveReference: (reference: { id: string }, context: GraphContext) =>
    loader(context, orderById).load(parseId(reference.id, 'representations', 'ProductionOrder')),
};

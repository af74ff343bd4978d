import { parseId, withOwner, type GraphContext, type ReferenceResolver } from '@plantgraph/graph';
import { ProductionOrder } from './order.type.ts';

/** Checks the key before a batched statement sees it, as for Asset. */
export const productionOrderReference: ReferenceResolver<{ id: string }> = {
  __resolveReference: async (reference: { id: string }, context: GraphContext) =>
    withOwner(
      context,
      'production_order',
      Object.assign(new ProductionOrder(), {
        id: parseId(reference.id, 'representations', 'ProductionOrder'),
      }),
    ),
};

import { loader, parseId, type GraphContext, type ReferenceResolver } from '@plantgraph/graph';
import { characteristicById } from './characteristic.loaders.ts';

export const characteristicReference: ReferenceResolver<{ id: string }> = {
  __resolveReference: (reference: { id: string }, context: GraphContext) =>
    loader(context, characteristicById).load(
      parseId(reference.id, 'representations', 'Characteristic'),
    ),
};

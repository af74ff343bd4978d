import { loader, parseId, type GraphContext, type ReferenceResolver } from '@plantgraph/graph';
import { measurementById } from './measurement.loaders.ts';

export const measurementReference: ReferenceResolver<{ id: string }> = {
  __resolveReference: (reference: { id: string }, context: GraphContext) =>
    loader(context, measurementById).load(parseId(reference.id, 'representations', 'Measurement')),
};

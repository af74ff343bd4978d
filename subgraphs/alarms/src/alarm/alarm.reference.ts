import { loader, parseId, type GraphContext, type ReferenceResolver } from '@plantgraph/graph';
import { alarmById } from './alarm.loaders.ts';

/** Async so that a malformed id nulls only its own representation, not the `_entities` list. */
export const alarmReference: ReferenceResolver<{ id: string }> = {
  __resolveReference: async (reference: { id: string }, context: GraphContext) =>
    loader(context, alarmById).load(parseId(reference.id, 'representations', 'Alarm')),
};

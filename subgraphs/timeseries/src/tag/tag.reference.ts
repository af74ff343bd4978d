import { parseId, withOwner, type GraphContext, type ReferenceResolver } from '@plantgraph/graph';
import { Tag } from './tag.type.ts';

/**
 * Checks the key before any loader sees it: one malformed id in a batch would otherwise fail
 * the whole batched statement for every representation. Async so that the error nulls only
 * this representation; a synchronous throw would fail the whole `_entities` list.
 */
export const tagReference: ReferenceResolver<{ id: string }> = {
  __resolveReference: async (reference: { id: string }, context: GraphContext) =>
    withOwner(
      context,
      'tag',
      Object.assign(new Tag(), { id: parseId(reference.id, 'representations', 'Tag') }),
    ),
};

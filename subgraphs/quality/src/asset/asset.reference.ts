import { parseId, type ReferenceResolver } from '@plantgraph/graph';
import { Asset } from './asset.type.ts';

/**
 * The assets subgraph owns the data; this one needs the key alone. It is checked here because a
 * malformed id in a batch would otherwise fail the batched statement for every representation.
 */
export const assetReference: ReferenceResolver<{ id: string }> = {
  __resolveReference: (reference: { id: string }) =>
    Object.assign(new Asset(), { id: parseId(reference.id, 'representations', 'Asset') }),
};

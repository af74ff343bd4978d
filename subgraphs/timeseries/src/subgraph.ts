import { buildSubgraph, type SubgraphModule } from '@plantgraph/graph';
import { assetReference } from './asset/asset.reference.ts';
import { AssetStateResolver } from './asset/asset.resolver.ts';
import { Asset } from './asset/asset.type.ts';
import { tagReference } from './tag/tag.reference.ts';
import { TagValuesResolver } from './tag/tag.resolver.ts';
import { Tag } from './tag/tag.type.ts';

/** Tag samples and machine states over time; adds them to the Tag and Asset entities. */
export const timeseriesSubgraph: SubgraphModule = {
  name: 'timeseries',
  buildSchema: () =>
    buildSubgraph({
      resolvers: [TagValuesResolver, AssetStateResolver],
      orphanedTypes: [Tag, Asset],
      referenceResolvers: { Tag: tagReference, Asset: assetReference },
    }),
};

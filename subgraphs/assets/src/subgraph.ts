import { buildSubgraph, type SubgraphModule } from '@plantgraph/graph';
import { assetReference } from './asset/asset.reference.ts';
import { AssetResolver } from './asset/asset.resolver.ts';
import { AuditResolver } from './audit/audit.resolver.ts';
import { PlatformResolver } from './platform/platform.resolver.ts';
import { tagReference } from './tag/tag.reference.ts';
import { TagResolver } from './tag/tag.resolver.ts';

/** The ISA-95 asset hierarchy and its tags (owns Asset and Tag), platform facts, the audit log. */
export const assetsSubgraph: SubgraphModule = {
  name: 'assets',
  buildSchema: () =>
    buildSubgraph({
      resolvers: [AssetResolver, TagResolver, PlatformResolver, AuditResolver],
      referenceResolvers: { Asset: assetReference, Tag: tagReference },
    }),
};

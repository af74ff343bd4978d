import { buildSubgraph, type SubgraphModule } from '@plantgraph/graph';
import { TagAggregateResolver } from './aggregate/aggregate.resolver.ts';
import { assetReference } from './asset/asset.reference.ts';
import { AssetStateResolver } from './asset/asset.resolver.ts';
import { ConnectionResolver } from './connection/connection.resolver.ts';
import { DeadLetterResolver } from './dead-letter/dead-letter.resolver.ts';
import { TagDownsampleResolver } from './downsample/downsample.resolver.ts';
import { FrameResolver } from './frame/frame.resolver.ts';
import { IntegrationConfigResolver } from './integration-config/integration-config.resolver.ts';
import {
  DatapointSourceResolver,
  TagLineageResolver,
} from './integration-config/tag-lineage.resolver.ts';
import { TagValueSubscriptionResolver } from './datapoint/datapoint.resolver.ts';
import { MachineStateSubscriptionResolver } from './machine-state/machine-state.resolver.ts';
import { AssetOeeResolver } from './oee/oee.resolver.ts';
import { Asset } from './asset/asset.type.ts';
import { tagReference } from './tag/tag.reference.ts';
import { TagValuesResolver } from './tag/tag.resolver.ts';
import { Tag } from './tag/tag.type.ts';

/**
 * Tag samples and machine states over time (added to the Tag and Asset entities), OEE with its
 * shift calendars, the health of the machine connections that feed them, and the versioned
 * integration configuration with the lineage of every mapped tag.
 */
export const timeseriesSubgraph: SubgraphModule = {
  name: 'timeseries',
  buildSchema: () =>
    buildSubgraph({
      resolvers: [
        TagValuesResolver,
        TagAggregateResolver,
        TagDownsampleResolver,
        FrameResolver,
        AssetStateResolver,
        AssetOeeResolver,
        ConnectionResolver,
        DeadLetterResolver,
        IntegrationConfigResolver,
        TagLineageResolver,
        DatapointSourceResolver,
        MachineStateSubscriptionResolver,
        TagValueSubscriptionResolver,
      ],
      orphanedTypes: [Tag, Asset],
      referenceResolvers: { Tag: tagReference, Asset: assetReference },
    }),
};

import DataLoader from 'dataloader';
import type { GraphContext } from '@plantgraph/graph';
import { shiftsOfAssets, type ShiftDefinition } from '@plantgraph/timeseries-domain';

/**
 * The shifts that apply to each asset: those of the site it belongs to (or is), and for an
 * asset above sites, those of every site below it; by site path, then start time.
 */
export const shiftsByAssetId = (context: GraphContext) =>
  new DataLoader<string, ShiftDefinition[]>((assetIds) => shiftsOfAssets(context.sql, assetIds));

export {
  ancestorPaths,
  assetPathsByIds,
  isAssetId,
  isWithin,
  subtreePattern,
  type AssetPath,
} from './asset-path.ts';
export { siteRoots, siteScopeCondition, withinSites, type AssetPathLookup } from './site-scope.ts';
export {
  ancestorsOf,
  assetByPath,
  assetsByIds,
  ASSET_KINDS,
  childrenOf,
  descendantsOf,
  listAssets,
  type AssetKind,
  type AssetListing,
  type AssetRow,
  type SubtreeKey,
} from './asset-hierarchy.ts';
export { belowPath } from './below-path.ts';
export {
  machinesAtOrBelow,
  sitesAroundRelation,
  type MachineOnSite,
} from './machines-and-sites.ts';
export { tagsExist } from './tag-existence.ts';

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
  createAsset,
  lockHierarchy,
  retireAsset,
  updateAsset,
  type AssetChanges,
  type AssetPathChange,
  type NewAsset,
} from './asset-changes.ts';
export {
  AssetModelConflict,
  AssetModelError,
  AssetModelNotFound,
  InvalidAssetInput,
} from './asset-errors.ts';
export { ASSET_PLACEMENT, placementProblem, placementTable } from './asset-placement.ts';
export {
  assetsOfTags,
  createTag,
  retireTag,
  updateTag,
  type NewTag,
  type TagChanges,
} from './tag-changes.ts';
export { assetIdsWhere, assetIdsWithin, assetPathOf, joinAsset } from './asset-fragments.ts';
export {
  machinesAtOrBelow,
  sitesAroundRelation,
  unknownSiteIds,
  type MachineOnSite,
} from './machines-and-sites.ts';
export { tagsExist } from './tag-existence.ts';
export { assetIdsByPath } from './assets-by-path.ts';
export { existingReferences, type ExistingReferences } from './references-exist.ts';
export {
  upsertMappedTags,
  type MappedTag,
  type ProvisionedTag,
  type TagDataType,
} from './tag-provisioning.ts';
export {
  assetBySlugPath,
  createDiscoveredTag,
  slugify,
  type DiscoveredTag,
} from './uns-discovery.ts';
export { claimTagForSource } from './sparkplug-discovery.ts';
export { tagsOfAssets, tagsWithIds, type TagRecord } from './tag-reads.ts';
export {
  discoverAssetPath,
  type AssetPathDiscovery,
  type DiscoveredAsset,
} from './discovered-assets.ts';
export { tagsByIds, tagsUnder, type TagOnAsset, type TagsUnderAsset } from './tags-on-assets.ts';

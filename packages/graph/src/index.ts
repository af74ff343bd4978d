import 'reflect-metadata';

export {
  assetPathById,
  isWithin,
  MAX_LISTED_IDS,
  parseIdList,
  requireAssetPath,
  requireAssetPaths,
  subtreePattern,
  type AssetPath,
} from './asset-scope.ts';
export {
  buildSubgraph,
  type ReferenceResolver,
  type SubgraphDefinition,
  type SubgraphModule,
} from './build-subgraph.ts';
export {
  createContext,
  groupBy,
  indexBy,
  loader,
  prismaOf,
  type GraphContext,
  type GraphServices,
  type Identity,
  type LoaderFactory,
} from './context.ts';
export {
  BadUserInputError,
  ConflictError,
  fromDatabaseError,
  NotFoundError,
  PlantgraphError,
  type ErrorCode,
} from './errors.ts';
export {
  activeEventStreams,
  boundedBuffer,
  conflate,
  DEFAULT_STREAM_CAPACITY,
  eventStream,
  requireEventBus,
  StreamOverflowError,
  type EventBuffer,
  type EventStreamOptions,
} from './event-stream.ts';
export type {
  AlarmEvent,
  OrderStatusEvent,
  PlantEvent,
  StateEvent,
  TagValueEvent,
} from '@plantgraph/bus';
export { createErrorFormatter } from './format-error.ts';
export {
  connectionTypes,
  decodeCursor,
  encodeCursor,
  pageSize,
  PageInfo,
  toConnection,
  DEFAULT_PAGE_SIZE,
  MAX_PAGE_SIZE,
  type Connection,
  type CursorValue,
  type Edge,
} from './pagination.ts';
export {
  authorizeMutation,
  errorCodeOf,
  forbidden,
  guardMutation,
  type FieldResolve,
  recordAudit,
  type AuditEntryInput,
  type Outcome,
} from './mutation-guard.ts';
export {
  assetIdOf,
  inScope,
  pathInScope,
  requireInScope,
  requireOwnedInScope,
  scopeFilter,
  scopeResult,
  scopeResults,
  sitePaths,
  withOwner,
  type AssetOwned,
  type AssetOwnerLookup,
} from './site-scope.ts';
export { DateTime } from './scalars.ts';
export { GraphQLJSON } from './json-scalar.ts';
export {
  startSubgraphServer,
  type RunningServer,
  type SubgraphServerOptions,
} from './subgraph-server.ts';
export {
  ACKNOWLEDGE,
  acknowledgedFirst,
  acknowledgement,
  isAcknowledgement,
  wantsAcknowledgement,
} from './subscription-acknowledgement.ts';
export { rootFieldName, TRACE_EXTENSIONS } from './stream-span.ts';
export { checkTimeWindow, parseId, parseIds, type TimeWindow } from './validation.ts';
export { subgraphEnvironment, subgraphRole } from './subgraph-role.ts';
export { decodeTimeCursor, microsOf, timestampFromMicros, type TimeCursor } from './time-cursor.ts';

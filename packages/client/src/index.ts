export { PlantgraphClientError, type ClientErrorDetails } from './client-error.ts';
export {
  backoffDelay,
  createPlantgraphClient,
  type Credentials,
  type PlantgraphClient,
  type PlantgraphClientOptions,
  type RequestOptions,
  type RetryOptions,
  type SubscribeOptions,
  type VariablesAnd,
} from './plantgraph-client.ts';
export { type Subscription, type SubscriptionEvent } from './subscription.ts';
export {
  frame,
  frameRows,
  pages,
  type FirstPageVariables,
  type Frame,
  type FrameRow,
  type Page,
  type PageInfo,
} from './paging.ts';

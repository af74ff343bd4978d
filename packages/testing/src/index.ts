export {
  openTestDatabase,
  testBackend,
  type TestBackend,
  type TestDatabase,
} from './test-database.ts';
export { SubgraphClient, type ExecutionResult } from './execute.ts';
export { live, subscribe, until } from './subscriptions.ts';
export {
  signedConnectionParams,
  signedHeaders,
  TEST_ADMIN,
  TEST_GATEWAY_SECRET,
} from './gateway-signature.ts';

export {
  openTestDatabase,
  testBackend,
  type TestBackend,
  type TestDatabase,
} from './test-database.ts';
export {
  hasTestBroker,
  TEST_BROKER_KINDS,
  testBroker,
  testBrokerKind,
  type TestBroker,
  type TestBrokerKind,
} from './test-broker.ts';
export { SubgraphClient, type ExecutionResult } from './execute.ts';
export { acknowledged, live, subscribe, until } from './subscriptions.ts';
export {
  signedConnectionParams,
  signedHeaders,
  TEST_ADMIN,
  TEST_GATEWAY_SECRET,
} from './gateway-signature.ts';

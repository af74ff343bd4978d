export { hiveGatewayEnvironment, hiveGatewayRole } from './hive-gateway-role.ts';
export { startHiveGateway, type HiveGatewayOptions } from './hive-gateway-server.ts';
export {
  useGatewayAuthentication,
  type GatewayAuthenticationOptions,
} from './hive-authentication.ts';
export { SIGNED_SUBSCRIPTIONS, signedSubscriptions } from './signed-subscriptions.ts';

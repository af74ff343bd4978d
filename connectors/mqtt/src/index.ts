export {
  startMqttConnector,
  MissingCredentialError,
  type MqttConnector,
  type MqttConnectorOptions,
} from './connector.ts';
export {
  SparkplugHost,
  rebirthRequest,
  SPARKPLUG_NAMESPACE,
  type SparkplugDeath,
  type SparkplugDeviceAddress,
  type SparkplugEvent,
} from './sparkplug.ts';
export { parseUnsPayload, type UnsReading, type UnsParseResult } from './uns-json.ts';
export { parseUmhMessage, type UmhParseResult, type UmhTagValue } from './umh.ts';

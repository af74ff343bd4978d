/**
 * A process running one Sparkplug MQTT connection as a primary host, for tests that kill it.
 * Configured by environment: MQTT_URL, CLIENT_ID, TOPICS (comma-separated filters), HOST_ID.
 * Stores nothing; prints one JSON line per connection state.
 */
import { createLogger } from '@plantgraph/config';
import type { ConnectionHealth } from '@plantgraph/ingest';
import { startMqttConnector } from '../connector.ts';
import { CollectingSink, FixtureMapper, mqttConnection } from '../test-fixtures.ts';

const variable = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} must be set`);
  return value;
};

const health: ConnectionHealth = {
  setState: (state) => console.log(JSON.stringify({ state })),
  received: () => undefined,
  setItems: () => undefined,
  lost: () => undefined,
  setBehind: () => undefined,
};

startMqttConnector({
  connection: mqttConnection({
    clientId: variable('CLIENT_ID'),
    topics: variable('TOPICS').split(','),
    format: 'sparkplug',
    hostId: variable('HOST_ID'),
  }),
  brokerUrl: variable('MQTT_URL'),
  mapper: new FixtureMapper(),
  sink: new CollectingSink(),
  health,
  logger: createLogger('sparkplug-host-process', process.env.LOG_LEVEL ?? 'silent'),
});

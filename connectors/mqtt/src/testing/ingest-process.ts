/**
 * A connectors process reduced to one MQTT connection: the real MQTT connector and IngestWriter on
 * a real database, for tests that kill it. Configured by environment:
 * DATABASE_URL, MQTT_URL, CLIENT_ID, TOPICS (comma-separated filters), MAPPINGS (JSON
 * `[{ address, tagId }]`), SPOOL_DIR. Prints one JSON line per connection state and one per 100
 * messages received.
 */
import { createLogger } from '@plantgraph/config';
import { createPostgresSql } from '@plantgraph/db';
import { IngestWriter, type ConnectionHealth } from '@plantgraph/ingest';
import { startMqttConnector } from '../connector.ts';
import { FixtureMapper, mqttConnection } from '../test-fixtures.ts';

const variable = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} must be set`);
  return value;
};

const logger = createLogger('ingest-process', process.env.LOG_LEVEL ?? 'silent');
const sql = createPostgresSql(variable('DATABASE_URL'));
// A long timer: only the connector's wait for durability makes the writer write promptly.
const writer = new IngestWriter({
  sql,
  spoolDir: variable('SPOOL_DIR'),
  logger,
  flushIntervalMs: 2_000,
});
await writer.start();

let received = 0;
const health: ConnectionHealth = {
  setState: (state) => console.log(JSON.stringify({ state })),
  received: () => {
    received += 1;
    if (received % 100 === 0) console.log(JSON.stringify({ received }));
  },
  setItems: () => undefined,
  lost: () => undefined,
  setBehind: () => undefined,
};

startMqttConnector({
  connection: mqttConnection({
    clientId: variable('CLIENT_ID'),
    topics: variable('TOPICS').split(','),
  }),
  brokerUrl: variable('MQTT_URL'),
  mapper: new FixtureMapper(JSON.parse(variable('MAPPINGS'))),
  sink: writer,
  health,
  logger,
});

-- An OPC UA connection's server limits (ServerCapabilities and OperationLimits, as the server
-- publishes them) and the subscription plan its connector made within them (docs/connectors.md,
-- Server limits). Null for MQTT connections and until the connector first subscribes.
alter table connection_status
  add column server_limits     jsonb,
  add column subscription_plan jsonb;

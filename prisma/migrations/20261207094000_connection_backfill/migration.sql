-- The last history backfill of a connection (OPC UA: values read from the server's history after
-- a reconnect), as its connector reported it (docs/connectors.md, History backfill).
alter table connection_status add column last_backfill jsonb;

-- Ingest: dead letters, connection health reported by connector processes, and the alarm-event
-- key that makes replayed alarm transitions idempotent.

create table dead_letter (
  id                  uuid primary key default gen_random_uuid(),
  connection          text not null,
  -- OPC UA node id or MQTT topic the message arrived on.
  address             text not null,
  -- The raw payload, truncated to 64 KiB; payload_size is the original size.
  payload             bytea not null,
  payload_size        integer not null,
  reason              text not null,
  received_at         timestamptz not null,
  -- Set by replayDeadLetters; the owning connector re-maps the message and sets replayed_at,
  -- or records why it failed again.
  replay_requested_at timestamptz,
  replayed_at         timestamptz,
  replay_error        text
);
create index dead_letter_received_idx on dead_letter (received_at desc, id);
create index dead_letter_connection_received_idx on dead_letter (connection, received_at desc);
create index dead_letter_replay_pending_idx on dead_letter (connection)
  where replay_requested_at is not null and replayed_at is null;

-- One row per configured connection, upserted every few seconds by the process that owns it,
-- so any subgraph replica can answer health queries.
create table connection_status (
  id                  text primary key,
  kind                text not null check (kind in ('opcua', 'mqtt')),
  endpoint            text not null,
  state               text not null,
  since               timestamptz not null,
  last_error          text,
  messages_per_second double precision not null default 0,
  items               integer not null default 0,
  last_message_at     timestamptz,
  spool_depth         bigint not null default 0,
  dead_letters        bigint not null default 0,
  reported_at         timestamptz not null
);

create unique index alarm_event_asset_code_raised_idx on alarm_event (asset_id, code, raised_at);

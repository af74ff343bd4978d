-- Foundation: ISA-95 asset model, tags, production orders, quality, alarms and the time-series
-- tables. Time-series tables become TimescaleDB hypertables when the extension is active and
-- plain tables with BRIN indexes on time otherwise. Compression and retention policies are
-- Timescale License features, which TimescaleDB's Apache edition (as managed services ship it)
-- lacks: there the hypertables go without them.

create type asset_kind as enum ('ENTERPRISE', 'SITE', 'AREA', 'LINE', 'CELL', 'EQUIPMENT');

create table asset (
  id          uuid primary key default gen_random_uuid(),
  parent_id   uuid references asset (id) on delete restrict,
  kind        asset_kind not null,
  name        text not null check (name <> '' and position('/' in name) = 0),
  -- Materialised path: the names from the enterprise down, joined by '/'. Subtree queries are
  -- prefix matches on it.
  path        text not null unique,
  description text,
  created_at  timestamptz not null default now(),
  unique (parent_id, name)
);
create index asset_path_prefix_idx on asset (path text_pattern_ops);
create index asset_parent_idx on asset (parent_id);
create index asset_kind_path_idx on asset (kind, path);

create type tag_data_type as enum ('FLOAT', 'INTEGER', 'BOOLEAN', 'STRING');

create table tag (
  id          uuid primary key default gen_random_uuid(),
  asset_id    uuid not null references asset (id) on delete cascade,
  name        text not null check (name <> ''),
  data_type   tag_data_type not null default 'FLOAT',
  unit        text,
  description text,
  -- Where the value comes from: an OPC UA node id, an MQTT topic, a Sparkplug metric.
  source      text,
  created_at  timestamptz not null default now(),
  unique (asset_id, name)
);

create type production_order_status as enum (
  'CREATED', 'RELEASED', 'DOWNLOADING', 'DOWNLOADED', 'RUNNING', 'COMPLETED',
  'ABORTED', 'CANCELLED', 'DOWNLOAD_FAILED'
);

create table production_order (
  id          uuid primary key default gen_random_uuid(),
  number      text not null unique check (number <> ''),
  external_id text unique,
  material    text not null check (material <> ''),
  quantity    double precision not null check (quantity > 0),
  unit        text not null default 'pcs',
  status      production_order_status not null default 'CREATED',
  priority    integer not null default 0,
  due_at      timestamptz,
  asset_id    uuid not null references asset (id) on delete restrict,
  created_at  timestamptz not null default now(),
  updated_at  timestamptz not null default now()
);
create index production_order_asset_status_idx on production_order (asset_id, status);
create index production_order_status_idx on production_order (status, created_at);

create table production_order_status_change (
  id          uuid primary key default gen_random_uuid(),
  order_id    uuid not null references production_order (id) on delete cascade,
  from_status production_order_status,
  to_status   production_order_status not null,
  actor       text not null,
  reason      text,
  changed_at  timestamptz not null default now()
);
create index production_order_status_change_order_idx
  on production_order_status_change (order_id, changed_at);

create table quality_characteristic (
  id          uuid primary key default gen_random_uuid(),
  name        text not null unique check (name <> ''),
  unit        text,
  lsl         double precision,
  target      double precision,
  usl         double precision,
  description text,
  check (lsl is null or usl is null or lsl < usl)
);

create table measurement (
  id                uuid primary key default gen_random_uuid(),
  characteristic_id uuid not null references quality_characteristic (id) on delete restrict,
  asset_id          uuid not null references asset (id) on delete restrict,
  order_id          uuid references production_order (id) on delete set null,
  time              timestamptz not null,
  value             double precision not null,
  -- Judged against the specification in force when measured; later spec changes don't rewrite it.
  in_spec           boolean not null
);
create index measurement_asset_time_idx on measurement (asset_id, time desc);
create index measurement_characteristic_time_idx on measurement (characteristic_id, time desc);
create index measurement_order_idx on measurement (order_id) where order_id is not null;

create type alarm_severity as enum ('LOW', 'MEDIUM', 'HIGH', 'CRITICAL');

create table alarm_event (
  id                  uuid primary key default gen_random_uuid(),
  asset_id            uuid not null references asset (id) on delete restrict,
  code                text not null,
  message             text not null,
  severity            alarm_severity not null,
  raised_at           timestamptz not null,
  cleared_at          timestamptz,
  acknowledged_at     timestamptz,
  acknowledged_by     text,
  acknowledge_comment text,
  check (cleared_at is null or cleared_at >= raised_at)
);
create index alarm_event_asset_raised_idx on alarm_event (asset_id, raised_at desc);
create index alarm_event_active_idx on alarm_event (asset_id) where cleared_at is null;
create index alarm_event_raised_idx on alarm_event (raised_at desc);

create type datapoint_quality as enum ('GOOD', 'UNCERTAIN', 'BAD');

create table datapoint (
  time    timestamptz not null,
  tag_id  uuid not null,
  value   double precision,
  text    text,
  quality datapoint_quality not null default 'GOOD'
);
-- Unique on (tag, time): replays and retries are idempotent.
create unique index datapoint_tag_time_idx on datapoint (tag_id, time desc);

create type machine_state_code as enum (
  'RUNNING', 'IDLE', 'STOPPED', 'DOWN', 'SETUP', 'MAINTENANCE', 'OFFLINE'
);

create table machine_state (
  time     timestamptz not null,
  asset_id uuid not null,
  state    machine_state_code not null,
  reason   text
);
create unique index machine_state_asset_time_idx on machine_state (asset_id, time desc);

create type counter_kind as enum ('GOOD', 'REJECT', 'TOTAL');

create table counter_increment (
  time      timestamptz not null,
  asset_id  uuid not null,
  kind      counter_kind not null,
  increment double precision not null check (increment >= 0),
  order_id  uuid
);
create unique index counter_increment_asset_kind_time_idx
  on counter_increment (asset_id, kind, time desc);

do $$
declare
  pair       text[];
  hypertable text;
  segment_by text;
  -- The migration runner sets plantgraph.tsl_features from the probed edition
  -- (packages/db/src/migrations.ts); without it (prisma migrate deploy) the server's licence
  -- decides.
  tsl        boolean := coalesce(nullif(current_setting('plantgraph.tsl_features', true), '')::boolean,
                                 current_setting('timescaledb.license', true) is distinct from 'apache');
begin
  foreach pair slice 1 in array array[
    ['datapoint', 'tag_id'], ['machine_state', 'asset_id'], ['counter_increment', 'asset_id']
  ] loop
    hypertable := pair[1];
    segment_by := pair[2];
    if exists (select 1 from pg_extension where extname = 'timescaledb') then
      perform create_hypertable(hypertable::regclass, 'time', chunk_time_interval => interval '1 day');
      if tsl then
        execute format(
          'alter table %I set (timescaledb.compress, timescaledb.compress_segmentby = %L, '
          'timescaledb.compress_orderby = %L)', hypertable, segment_by, 'time desc');
        perform add_compression_policy(hypertable::regclass, interval '7 days');
        perform add_retention_policy(hypertable::regclass, interval '400 days');
      end if;
    else
      execute format('create index %I on %I using brin (time)', hypertable || '_time_brin_idx', hypertable);
    end if;
  end loop;
end
$$;

-- Order download: orders numbered per site and made idempotent for ERP adapters, setpoints,
-- machine confirmations, the download commands the connectors carry out, the machines' download
-- interfaces with their setpoint limits, and the append-only audit log of every mutation.

-- The site an order belongs to: its asset's ancestor of kind SITE (null for orders above sites).
alter table production_order add column site_id uuid references asset (id) on delete restrict;
update production_order o
   set site_id = s.id
  from asset a, asset s
 where a.id = o.asset_id
   and s.kind = 'SITE'
   and (a.path = s.path or a.path like replace(replace(replace(s.path, '\', '\\'), '%', '\%'), '_', '\_') || '/%');

alter table production_order drop constraint production_order_number_key;
create unique index production_order_site_number_key
  on production_order (coalesce(site_id, '00000000-0000-0000-0000-000000000000'::uuid), number);

alter table production_order
  add column idempotency_key  text unique,
  -- sha256 of the creating request, so a repeated key with another payload is a CONFLICT.
  add column request_hash     text,
  add column planned_start_at timestamptz,
  add column planned_end_at   timestamptz,
  add column produced_good    double precision not null default 0 check (produced_good >= 0),
  add column produced_reject  double precision not null default 0 check (produced_reject >= 0),
  add column started_at       timestamptz,
  add column completed_at     timestamptz,
  -- The equipment an order was downloaded to (its asset may be the line above it).
  add column equipment_id     uuid references asset (id) on delete restrict,
  add column failure_reason   text,
  add check (planned_end_at is null or planned_start_at is null or planned_start_at <= planned_end_at);

-- Typed setpoints of an order, in the order the ERP sent them.
create table production_order_parameter (
  order_id uuid not null references production_order (id) on delete cascade,
  position integer not null,
  name     text not null check (name <> ''),
  value    double precision not null,
  unit     text,
  primary key (order_id, position),
  unique (order_id, name)
);

-- What a machine's download interface accepts, provisioned by the connector process that owns
-- the machine's connection: which connection carries it and the setpoints with their limits.
create table download_target (
  asset_id    uuid primary key references asset (id) on delete cascade,
  connection  text not null,
  -- [{"name", "unit", "min", "max"}]
  parameters  jsonb not null default '[]',
  updated_at  timestamptz not null default now()
);

create type download_command_state as enum ('PENDING', 'ACKNOWLEDGED', 'FAILED');

-- One download of an order to a machine. The command id travels to the machine, which ignores a
-- repeat, so retries and a restarted connector never apply an order twice.
create table download_command (
  id              uuid primary key default gen_random_uuid(),
  order_id        uuid not null references production_order (id) on delete cascade,
  equipment_id    uuid not null references asset (id) on delete restrict,
  state           download_command_state not null default 'PENDING',
  expires_at      timestamptz,
  attempts        integer not null default 0,
  next_attempt_at timestamptz not null default now(),
  last_error      text,
  created_at      timestamptz not null default now(),
  finished_at     timestamptz
);
create index download_command_pending_idx on download_command (next_attempt_at)
  where state = 'PENDING';
create index download_command_order_idx on download_command (order_id, created_at);

-- Every mutation, allowed or refused, with who made it. Rows are never changed or removed.
create table audit_log (
  id          uuid primary key default gen_random_uuid(),
  time        timestamptz not null default clock_timestamp(),
  actor       text not null,
  operation   text not null,
  entity_type text,
  entity_id   text,
  input       jsonb,
  outcome     text not null check (outcome in ('OK', 'ERROR', 'DENIED')),
  error_code  text,
  result      jsonb
);
create index audit_log_entity_time_idx on audit_log (entity_type, entity_id, time desc, id);
create index audit_log_time_idx on audit_log (time desc, id);

create function audit_log_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'audit_log is append-only';
end
$$;
create trigger audit_log_append_only before update or delete on audit_log
  for each row execute function audit_log_append_only();

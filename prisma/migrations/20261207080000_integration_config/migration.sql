-- Versioned integration configuration (docs/connectors.md, Versioned configuration): every
-- applied document is kept as written, `${NAME}` references unresolved, so no secret or
-- host-specific address is ever stored. The newest version is the one connectors run.
create table integration_config_version (
  version     integer primary key check (version > 0),
  -- json, not jsonb: the document keeps its keys in the order written, so an export reads as the
  -- file that was applied.
  document    json not null,
  -- sha256 of the canonical JSON of the document: applying the same document twice is a no-op.
  digest      text not null,
  comment     text not null default '',
  applied_by  text not null,
  applied_at  timestamptz not null default now()
);

-- Lineage: which mapping fed each tag, as a history of mapping periods. A row opens with the
-- version that introduced the mapping and closes with the version that changed or removed it,
-- so an unchanged mapping keeps one row however many versions follow.
create table tag_mapping_lineage (
  id           bigint generated always as identity primary key,
  tag_id       uuid not null references tag (id) on delete cascade,
  connection   text not null,
  -- The source as the connector reads it: node id, browse path, topic (#json path), Sparkplug path.
  source       text not null,
  scale        double precision not null,
  "offset"     double precision not null,
  deadband     double precision not null,
  template     text,
  instance     text,
  from_version integer not null references integration_config_version (version),
  to_version   integer references integration_config_version (version),
  check (to_version is null or to_version > from_version)
);
create index tag_mapping_lineage_tag_idx on tag_mapping_lineage (tag_id, from_version);
create index tag_mapping_lineage_open_idx on tag_mapping_lineage (tag_id) where to_version is null;

-- The version a connector was running when it refused a message, and the one a connection runs.
alter table dead_letter add column config_version integer;
alter table connection_status add column config_version integer;

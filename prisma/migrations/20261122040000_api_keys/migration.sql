-- API keys for services and scripts: only a SHA-256 of the secret is kept; revoked keys stay for
-- the audit trail.
create table api_key (
  id            text primary key,
  secret_sha256 text not null,
  role          text not null check (role in ('viewer', 'operator', 'integrator', 'engineer', 'admin')),
  sites         uuid[],
  label         text not null default '',
  created_at    timestamptz not null default now(),
  revoked_at    timestamptz
);

-- Delivery health of a connection: messages known lost at the source (Sparkplug B sequence gaps)
-- and whether the connection falls behind (docs/reliability.md, Delivery guarantees).
alter table connection_status
  add column lost_messages  bigint not null default 0,
  add column falling_behind boolean not null default false;

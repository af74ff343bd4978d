-- OEE master data: the shift calendar of each site, which tells planned production time from
-- time nobody planned to produce, and the ideal cycle time of each machine, per material where
-- a material runs at another rate.

-- A shift starts on each listed ISO weekday (1 = Monday ... 7 = Sunday) at start_time and ends
-- at end_time, both wall-clock times in the IANA zone `timezone`; an end at or before the start
-- lies on the next day (22:00-06:00), an end equal to the start makes a 24-hour shift. A site's
-- shifts should not overlap; where they do, the later one starts when the earlier one ends.
create table shift (
  id           uuid primary key default gen_random_uuid(),
  site_id      uuid not null references asset (id) on delete cascade,
  name         text not null check (name <> ''),
  start_time   time not null,
  end_time     time not null,
  days_of_week integer[] not null default '{1,2,3,4,5,6,7}'
               check (cardinality(days_of_week) > 0 and days_of_week <@ '{1,2,3,4,5,6,7}'),
  timezone     text not null,
  unique (site_id, name)
);

-- Checked here rather than in every OEE query: a shift must hang on a SITE and name a time zone
-- PostgreSQL knows, or every query over the site would fail.
create function shift_check() returns trigger language plpgsql as $$
begin
  if not exists (select 1 from asset where id = new.site_id and kind = 'SITE') then
    raise exception 'shift "%" must belong to an asset of kind SITE', new.name
      using errcode = 'check_violation', constraint = 'shift_site_kind';
  end if;
  if not exists (select 1 from pg_timezone_names where name = new.timezone) then
    raise exception 'shift "%": "%" is not a known time zone', new.name, new.timezone
      using errcode = 'check_violation', constraint = 'shift_timezone';
  end if;
  return new;
end
$$;
create trigger shift_check before insert or update on shift
  for each row execute function shift_check();

-- Seconds one part takes at the machine's rated speed. The row without material is the
-- machine's default; a row with a material (production_order.material of the order the parts
-- were counted for) overrides it for that material.
create table ideal_cycle_time (
  id       uuid primary key default gen_random_uuid(),
  asset_id uuid not null references asset (id) on delete cascade,
  material text check (material <> ''),
  seconds  double precision not null check (seconds > 0 and seconds < 'infinity')
);
-- One default and one row per material for each machine (Prisma cannot express the coalesce).
create unique index ideal_cycle_time_asset_material_key
  on ideal_cycle_time (asset_id, coalesce(material, ''));

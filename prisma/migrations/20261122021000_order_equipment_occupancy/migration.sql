-- A machine holds one order at a time: at most one order per equipment is DOWNLOADING,
-- DOWNLOADED or RUNNING. downloadOrder checks this first for a clear message; the index makes it
-- hold under concurrent downloads too.
create unique index production_order_equipment_occupied_key on production_order (equipment_id)
  where status in ('DOWNLOADING', 'DOWNLOADED', 'RUNNING');

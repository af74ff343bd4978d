-- What a connector needs to carry across its own restarts.
--
-- counter_total: the last running total read from each counter source (a PLC parts counter),
-- which the next reading's increment is computed against. It is written in the transaction that
-- stores that increment, so parts counted while a connector was down are counted by its first
-- reading after the restart, and a crash neither loses nor repeats an increment. `time` is the
-- reading's source time; an older or equal reading (a replayed batch) changes nothing.
create table counter_total (
  connection text not null,
  -- The OPC UA node id, MQTT topic or Sparkplug path the total was read from.
  address    text not null,
  asset_id   uuid not null references asset (id) on delete cascade,
  kind       counter_kind not null,
  total      double precision not null check (total >= 0),
  time       timestamptz not null,
  primary key (connection, address, asset_id, kind)
);

-- Why an alarm was cleared when it was not cleared by an edge at its source: a connector that
-- finds it no longer active on (re)connecting clears it at that time with the reason.
alter table alarm_event add column clear_reason text;

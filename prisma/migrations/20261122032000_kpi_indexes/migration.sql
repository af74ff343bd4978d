-- Indexes for SPC (quality) and the alarm KPIs (alarms).

-- Characteristic.statistics / controlChart with assetId: one asset's measurements of one
-- characteristic over a time range, read in time order.
create index measurement_characteristic_asset_time_idx
  on measurement (characteristic_id, asset_id, time);

-- alarmStatistics: the alarms active during a window (time active, top by duration) or at an
-- instant (standing alarms), whenever they were raised. An interval-overlap question that no
-- btree on raised_at or cleared_at bounds; the period is unbounded while the alarm is active.
create index alarm_event_active_period_idx
  on alarm_event using gist (tstzrange(raised_at, cleared_at));

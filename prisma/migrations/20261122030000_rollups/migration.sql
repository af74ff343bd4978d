-- Rollups: continuous aggregates of datapoint per minute and per hour, which Tag.aggregate and
-- timeseriesFrame read instead of the raw samples when the interval and the window allow it.
-- Rows are kept per quality, so the readers can leave BAD samples out or count them. Real-time
-- aggregation (materialized_only = false) adds the buckets newer than the last refresh from the
-- raw table; the policies re-materialise buckets that late samples invalidated.
-- TimescaleDB only, and only with the Timescale License features (continuous aggregates and
-- their policies are among them; TimescaleDB's Apache edition lacks them): otherwise every
-- aggregate is computed from datapoint (docs/analytics.md).
do $$
declare
  rollup record;
begin
  if not exists (select 1 from pg_extension where extname = 'timescaledb') then
    return;
  end if;
  -- plantgraph.tsl_features as in 20261121000000_foundation.
  if not coalesce(nullif(current_setting('plantgraph.tsl_features', true), '')::boolean,
                  current_setting('timescaledb.license', true) is distinct from 'apache') then
    return;
  end if;
  for rollup in
    select * from (values
      ('datapoint_1m', interval '1 minute', interval '1 minute', interval '1 minute'),
      ('datapoint_1h', interval '1 hour', interval '1 hour', interval '15 minutes')
    ) as r (name, width, end_offset, schedule)
  loop
    execute format(
      $view$
      create materialized view %I
        with (timescaledb.continuous, timescaledb.materialized_only = false,
              timescaledb.create_group_indexes = false) as
      select tag_id,
             time_bucket(%L::interval, time) as bucket,
             quality,
             count(*) as sample_count,
             count(value) as value_count,
             sum(value) as value_sum,
             min(value) as value_min,
             max(value) as value_max,
             avg(value) as value_avg,
             var_pop(value) as value_var_pop,
             first(value, time) filter (where value is not null) as first_value,
             min(time) filter (where value is not null) as first_time,
             last(value, time) filter (where value is not null) as last_value,
             max(time) filter (where value is not null) as last_time
        from datapoint
       group by tag_id, time_bucket(%L::interval, time), quality
      with no data
      $view$, rollup.name, rollup.width, rollup.width);
    -- Readers always ask for one tag's range of buckets.
    execute format('create index %I on %I (tag_id, bucket desc)', rollup.name || '_tag_bucket_idx',
      rollup.name);
    perform add_continuous_aggregate_policy(rollup.name::regclass,
      start_offset => interval '400 days', end_offset => rollup.end_offset,
      schedule_interval => rollup.schedule);
    perform add_retention_policy(rollup.name::regclass, interval '400 days');
  end loop;
end
$$;

-- Retiring assets and tags (retireAsset, retireTag): a retired row leaves the lists of the graph
-- but stays, with everything that refers to it (datapoints, orders, alarms, audit entries), so its
-- history stays readable. A retired name stays taken among its siblings: `unique (parent_id, name)`
-- and the unique `path` keep covering it, so paths and topics never become ambiguous.
alter table asset add column retired_at timestamptz;
alter table tag add column retired_at timestamptz;

#!/usr/bin/env bash
# Start time of each production role from the build output: spawn to /readyz 200 (the gateway:
# to /healthz, since it is ready only once subgraphs answer), one role at a time, three runs,
# median. Needs `npm run build`, PostgreSQL (TEST_DATABASE_URL) and a broker (TEST_MQTT_URL).
set -uo pipefail
cd "$(dirname "$0")/.."
server="${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}"
database="plantgraph_start_$RANDOM$RANDOM"
psql -q "$server" -c "create database $database" >/dev/null
trap 'psql -q "$server" -c "drop database if exists $database with (force)" >/dev/null' EXIT
export DATABASE_URL="${server%/*}/$database" LOG_LEVEL=warn
export MQTT_URL="${TEST_MQTT_URL:-mqtt://127.0.0.1:1883}"
export PLANTGRAPH_GATEWAY_SECRET="$(head -c 48 /dev/urandom | base64 -w0)"
now() { date +%s%N; }

start=$(now)
node dist/plantgraph.js migrate >/dev/null
echo "migrate (empty database): $(( ($(now) - start) / 1000000 )) ms"

# measure <name> <port> <probe> <plantgraph arguments…>
measure() {
  local name=$1 port=$2 probe=$3 times=() pid
  shift 3
  for _ in 1 2 3; do
    start=$(now)
    PORT=$port node dist/plantgraph.js "$@" >"/tmp/plantgraph-start-$name.log" 2>&1 &
    pid=$!
    until curl -sf "http://127.0.0.1:$port/$probe" >/dev/null; do
      kill -0 "$pid" 2>/dev/null || { echo "$name exited:"; cat "/tmp/plantgraph-start-$name.log"; return 1; }
      sleep 0.02
    done
    times+=($(( ($(now) - start) / 1000000 )))
    kill "$pid"
    wait "$pid" 2>/dev/null
  done
  local sorted=($(printf '%s\n' "${times[@]}" | sort -n))
  echo "$name: median ${sorted[1]} ms (runs ${times[*]})"
}

for subgraph in assets orders quality alarms timeseries; do
  measure "subgraph $subgraph" 24601 readyz subgraph "$subgraph"
done
measure gateway 24600 healthz gateway
# The connectors map the demo plant's assets: seed them first (the plant roles are in dist/ too).
node dist/plantgraph.js seed >/dev/null
PLANTGRAPH_CONFIG=examples/demo-plant.yaml PLANTGRAPH_DATA_DIR="$(mktemp -d)" \
  measure connectors 24610 readyz connectors

# Sourced by .ci/run: Debian's Chromium, which test/explorer.postgres.test.ts drives headless
# against the gateway's own explorer. Installed once; a machine that has it is left alone.
if [ ! -x /usr/bin/chromium ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi
# From here on the browser test fails, rather than skips, should the browser be missing.
export PLANTGRAPH_REQUIRE_CHROMIUM=true

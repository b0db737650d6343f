#!/usr/bin/env bash
# The whole recipe: install the sources, mine pairs, train, evaluate, export models/code-static, check it in Node.
# Usage: bash training/run.sh [--skip-install] [extra train.py flags, e.g. --epochs 6]
# Needs Debian's /usr/bin/python3 (python3-torch, -numpy, -scipy, -onnx, -regex), node, npm; root for apt-get.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
py=/usr/bin/python3
install=1
if [ "${1:-}" = "--skip-install" ]; then install=0; shift; fi
cd "$root"
step() { printf '\n== %s (%s)\n' "$1" "$(date +%T)"; }

if [ "$install" = 1 ]; then
  step "Debian sources (rust-src, Go libraries, Python libraries)"
  grep -v '^\s*#' "$here/debian-packages.txt" | grep -v '^\s*$' > /tmp/codectx-debian-packages.txt
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $(cat /tmp/codectx-debian-packages.txt) >/dev/null
  step "npm sources (npm pack, no scripts, no dependencies)"
  bash "$here/fetch-npm.sh"
fi

step "normalization matches server/src/embed/embed-text.ts"
$py "$here/test_normalize.py"

step "mine pairs"
$py "$here/mine.py" | tail -n 3
step "train"
$py "$here/train.py" --hard-negatives "$@"
step "export models/code-static and fixtures/embed/model-vectors.json"
$py "$here/export.py"
step "check in Node (transformers.js, offline)"
npx vitest run server/src/embed/model.test.ts

#!/usr/bin/env bash
# Fetches the npm packages of npm-packages.txt with `npm pack` (tarball only, no install scripts, no dependencies)
# into training/.cache/npm/<name>@<version>/ and records what was resolved in .cache/npm/resolved.tsv.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cache="$here/.cache/npm"
mkdir -p "$cache/tgz"
fetch() {
  local spec="$1" out
  out="$(cd "$cache/tgz" && npm pack "$spec" --json --ignore-scripts 2>/dev/null)" || { echo "skip	$spec	(npm pack failed)" >&2; return 0; }
  local name version file
  IFS=$'\t' read -r name version file < <(printf '%s' "$out" | node -e 'let s="";process.stdin.on("data",(d)=>{s+=d}).on("end",()=>{const j=JSON.parse(s)[0];console.log([j.name,j.version,j.filename].join("\t"))})')
  local dir="$cache/pkg/${name//\//__}@$version"
  if [ ! -d "$dir" ]; then
    mkdir -p "$dir" && tar -xzf "$cache/tgz/$file" -C "$dir" --strip-components=1 2>/dev/null
  fi
  printf '%s\t%s\t%s\n' "$name" "$version" "$dir"
}
export -f fetch
export cache
grep -v '^\s*#' "$here/npm-packages.txt" | grep -v '^\s*$' | xargs -P 4 -I{} bash -c 'fetch "$@"' _ {} | sort > "$cache/resolved.tsv"
echo "npm: $(wc -l < "$cache/resolved.tsv") packages in $cache/pkg"

#!/usr/bin/env bash
# Copy front-end files from the npm registry (not committed):
#   htmx 2 into the package: without npm every page still works (forms are plain HTML
#   first, htmx only adds partial updates);
#   axe-core for the browser tests' accessibility check (tests/browser/vendor).
set -euo pipefail

# fetch PACKAGE FILE_IN_PACKAGE DESTINATION
fetch() {
  local package=$1 file=$2 dest=$3
  if [ -f "$dest" ]; then return 0; fi
  mkdir -p "$(dirname "$dest")"
  if ! command -v npm >/dev/null 2>&1; then
    echo "npm not found: $package is not installed ($dest)." >&2
    return 0
  fi
  local tmp
  tmp=$(mktemp -d)
  if (cd "$tmp" && npm pack --silent "$package" >/dev/null 2>&1); then
    tar -xzf "$tmp"/*.tgz -C "$tmp"
    cp "$tmp/package/$file" "$dest"
    echo "$package $(node -e 'console.log(require(process.argv[1]).version)' "$tmp/package/package.json" 2>/dev/null || echo '') copied to $dest"
  else
    echo "npm could not fetch $package ($dest is missing)." >&2
  fi
  rm -rf "$tmp"
}

fetch "htmx.org@2" dist/htmx.min.js src/centricity/web/static/vendor/htmx.min.js
fetch "axe-core@4" axe.min.js tests/browser/vendor/axe.min.js

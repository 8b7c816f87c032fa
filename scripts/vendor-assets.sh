#!/usr/bin/env bash
# Copy htmx 2 from the npm registry into the package (not committed). Without npm, every
# page still works: forms are plain HTML first, htmx only adds partial updates.
set -euo pipefail
dest="src/centricity/web/static/vendor"
mkdir -p "$dest"
if [ -f "$dest/htmx.min.js" ]; then exit 0; fi
if ! command -v npm >/dev/null 2>&1; then
  echo "npm not found: htmx is not installed; pages work without it (plain HTML forms)." >&2
  exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if (cd "$tmp" && npm pack --silent "htmx.org@2" >/dev/null 2>&1); then
  tar -xzf "$tmp"/htmx.org-*.tgz -C "$tmp"
  cp "$tmp/package/dist/htmx.min.js" "$dest/htmx.min.js"
  echo "htmx $(node -e 'console.log(require(process.argv[1]).version)' "$tmp/package/package.json" 2>/dev/null || echo 2.x) copied to $dest"
else
  echo "npm could not fetch htmx.org@2: pages work without it (plain HTML forms)." >&2
fi

#!/usr/bin/env bash
# Regenerates the key tables of docs/scenario-format.md from the schema (the one declaration of keys).
# Usage: docs/update-scenario-format.sh [path/to/geosim]   (default build/geosim)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build/geosim}
doc=docs/scenario-format.md
begin='<!-- BEGIN GENERATED: geosim schema --format markdown -->'
end='<!-- END GENERATED -->'
tables=$(mktemp)
"$bin" schema --format markdown >"$tables"
awk -v b="$begin" -v e="$end" -v t="$tables" '
  $0 == b { print; while ((getline line < t) > 0) print line; skip = 1; next }
  $0 == e { skip = 0 }
  !skip { print }' "$doc" >"$doc.new"
mv "$doc.new" "$doc"
rm -f "$tables"
echo "updated $doc"

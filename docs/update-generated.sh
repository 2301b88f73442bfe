#!/usr/bin/env bash
# Regenerates the tables that pages embed from the program's one declarations: the scenario keys of
# docs/scenario-format.md (`geosim schema`) and the output metrics of docs/outputs.md (`geosim metrics`).
# Usage: docs/update-generated.sh [path/to/geosim]   (default build/geosim)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build/geosim}
end='<!-- END GENERATED -->'
# update DOC SUBCOMMAND: replaces what lies between the page's markers with `geosim SUBCOMMAND --format markdown`.
update() {
  local doc=$1 command=$2 tables
  local begin="<!-- BEGIN GENERATED: geosim $command --format markdown -->"
  grep -qxF "$begin" "$doc" || { echo "$doc: no line '$begin'" >&2; exit 1; }
  tables=$(mktemp)
  "$bin" "$command" --format markdown >"$tables"
  awk -v b="$begin" -v e="$end" -v t="$tables" '
    $0 == b { print; while ((getline line < t) > 0) print line; skip = 1; next }
    $0 == e { skip = 0 }
    !skip { print }' "$doc" >"$doc.new"
  mv "$doc.new" "$doc"
  rm -f "$tables"
  echo "updated $doc"
}
update docs/scenario-format.md schema
update docs/outputs.md metrics

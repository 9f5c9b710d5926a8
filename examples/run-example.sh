#!/usr/bin/env bash
# The learning loop on the bundled example, with the embedded file store:
#   ingest run 1 -> enhance the prompts of run 2 (manifest) -> ingest run 2 with its manifest
#   -> enhance the prompts of run 3 -> ingest run 3 -> stats and one enhanced prompt.
# The store and manifests go to .forewarn/example/ (started afresh each time).
set -euo pipefail
cd "$(dirname "$0")/.."
fw=${FOREWARN_BIN:-build/forewarn}
ir=examples/shop/ir.json
runs=examples/shop/runs
out=${FOREWARN_EXAMPLE_DIR:-.forewarn/example}
rm -rf "$out"
mkdir -p "$out"
export FOREWARN_STORE="$out/patterns.json"

# The prompts of the next generation: one per entity and one per write endpoint, as one
# `enhance --batch` (the store is read once); what they inject is recorded in the manifest of the
# run they produce.
node -e 'const ir = JSON.parse(require("fs").readFileSync(process.argv[1]));
  for (const e of ir.entities) console.log(JSON.stringify({scope: "entity", target: e.name}));
  for (const e of ir.endpoints) if (e.method !== "GET") console.log(JSON.stringify({scope: "endpoint", target: e.method + " " + e.path}));' \
  "$ir" > "$out/prompts.jsonl"

enhance_all() { # run_id
  local manifest="$out/manifest-$1.json"
  $fw enhance --batch "$out/prompts.jsonl" --ir "$ir" --manifest-out "$manifest" --run-id "$1" > "$out/prompts-$1.jsonl"
  echo "   prompts for $1: $(wc -l < "$out/prompts-$1.jsonl") prompts, $(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1])).injections.length)' "$manifest") warnings injected ($manifest)"
}

echo "== run 1: ingest the smoke results of the first generation"
$fw ingest --smoke "$runs/run-1.json" --ir "$ir"
echo "== enhance the prompts of run 2"
enhance_all shop-run-2
echo "== run 2: ingest, with the manifest of its prompts"
$fw ingest --smoke "$runs/run-2.json" --ir "$ir" --manifest "$out/manifest-shop-run-2.json"
echo "== enhance the prompts of run 3"
enhance_all shop-run-3
echo "== run 3: ingest, with the manifest of its prompts"
$fw ingest --smoke "$runs/run-3.json" --ir "$ir" --manifest "$out/manifest-shop-run-3.json"
echo
echo "== forewarn stats"
$fw stats
echo
echo "== the prompt for the Product entity in the next generation"
$fw enhance --entity Product --ir "$ir"

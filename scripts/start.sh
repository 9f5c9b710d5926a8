#!/usr/bin/env bash
# The main job on the bundled example: classify the recorded failures of the example app
# against its spec, with the embedded store. Set-up and build first.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
exec bash examples/run-example.sh

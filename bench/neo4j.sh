#!/usr/bin/env bash
# `npm run bench:neo4j`: bench/neo4j.mjs against a throw-away real Neo4j 5.26 started for it
# (tests/neo4j/start.sh) and stopped afterwards, whatever happens.
set -euo pipefail
cd "$(dirname "$0")/.."
state=$(mktemp -d)
trap 'bash tests/neo4j/stop.sh "$state" >/dev/null 2>&1 || true' EXIT
bash tests/neo4j/start.sh "$state" >/dev/null
# shellcheck disable=SC1091
. "$state/env"
export NEO4J_URI NEO4J_USERNAME NEO4J_PASSWORD NEO4J_DATABASE
node bench/neo4j.mjs "$@"

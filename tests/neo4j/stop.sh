#!/usr/bin/env bash
# Stop a Neo4j started by tests/neo4j/start.sh STATE_DIR and delete its state dir.
#   tests/neo4j/stop.sh STATE_DIR
# SIGTERM (the launcher closes Neo4j, which deletes its data), up to 30 s, then SIGKILL.
# A server started with FOREWARN_NEO4J_DATA=DIR keeps its database files in DIR (outside
# STATE_DIR): they are left there for the next start.sh with the same DIR; delete DIR yourself.
# STATE_DIR may also be that of a server that was killed (SIGKILL): what it left is deleted.
set -euo pipefail
state="${1:?usage: stop.sh STATE_DIR}"
[[ -d "$state" ]] || exit 0
if [[ -f "$state/pid" ]]; then
  pid="$(cat "$state/pid")"
  # Only signal the process if it is still our launcher (pids get reused).
  if [[ "$pid" =~ ^[0-9]+$ ]] && { tr '\0' ' ' < "/proc/$pid/cmdline"; } 2>/dev/null | grep -q 'dev.forewarn.neo4j.Launcher'; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 300); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      echo "stop.sh: Neo4j (pid $pid) did not stop in 30 s; killing it" >&2
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
fi
# Only what start.sh created.
rm -rf "$state/data"
rm -f "$state/env" "$state/pid" "$state/server.log"
rmdir "$state" 2>/dev/null || true

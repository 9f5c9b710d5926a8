#!/usr/bin/env bash
# Start a real Neo4j 5.26 Community server (tests/neo4j, from Maven Central) on 127.0.0.1 with
# authentication on, and wait until its HTTP Query API answers.
#
#   tests/neo4j/start.sh [STATE_DIR]     background: prints the state dir and NEO4J_URI; writes
#                                        STATE_DIR/env (NEO4J_URI, NEO4J_USERNAME, NEO4J_PASSWORD,
#                                        NEO4J_DATABASE; mode 600), STATE_DIR/pid, STATE_DIR/server.log.
#                                        Stop it with tests/neo4j/stop.sh STATE_DIR.
#   tests/neo4j/start.sh --foreground    for a person (npm run neo4j): prints the NEO4J_* settings,
#                                        runs until Ctrl-C, then deletes its data.
# The database files are thrown away when the server stops, unless FOREWARN_NEO4J_DATA names a
# folder to keep them in.
#
# Environment (all optional):
#   FOREWARN_NEO4J_PASSWORD   the password for user neo4j (at least 8 characters; default: random)
#   FOREWARN_NEO4J_PORT       HTTP port (default 0: any free port, chosen by the server itself;
#                             --foreground: 7474 when free)
#   FOREWARN_NEO4J_DATA       keep the database files (databases, transaction logs, users) in this
#                             folder, outside STATE_DIR, across stops and starts: a later start with
#                             the same folder resumes them. Give the same FOREWARN_NEO4J_PASSWORD each
#                             time (it is set on the first start only) and FOREWARN_NEO4J_PORT for the
#                             same URL; delete the folder yourself. Default: no folder, data thrown away
#   FOREWARN_NEO4J_TIMEOUT    seconds to wait for READY after the build (default 180)
#   FOREWARN_NEO4J_WATCH_PID  the server stops by itself when this process ends (the test runner)
#   FOREWARN_NEO4J_JAVA_OPTS  extra JVM options, after the defaults -Xmx1g -XX:TieredStopAtLevel=1 (C1
#                             only: half the start-up on 2 busy cores; a benchmark can pass
#                             -XX:TieredStopAtLevel=4 to get C2 back)
#   FOREWARN_M2_REPO          Maven local repository (default: Maven's own, ~/.m2/repository)
# Exit codes: 0 ready, 1 failed to build or start, 2 usage, 3 java or mvn not installed.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

foreground=0
state=""
for arg in "$@"; do
  case "$arg" in
    --foreground) foreground=1 ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    -*) echo "start.sh: unknown option $arg" >&2; exit 2 ;;
    *) state="$arg" ;;
  esac
done

for tool in java mvn; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "start.sh: $tool is not installed (Neo4j needs Java 17 and Maven)" >&2
    exit 3
  fi
done

# --- build the launcher and its class path (first time: downloads ~150 MB from Maven Central) ---
mvn_args=(-B -q -f "$here/pom.xml")
if [[ -n "${FOREWARN_M2_REPO:-}" ]]; then mvn_args+=("-Dmaven.repo.local=$FOREWARN_M2_REPO"); fi
target="$here/target"
mkdir -p "$target"
up_to_date() {
  local cp="$target/classpath.txt" cls="$target/classes/dev/forewarn/neo4j/Launcher.class"
  [[ -s "$cp" && -f "$cls" && "$cp" -nt "$here/pom.xml" ]] || return 1
  [[ "$cls" -nt "$here/src/main/java/dev/forewarn/neo4j/Launcher.java" ]] || return 1
  local jar
  IFS=: read -r -a jars < "$cp"
  for jar in "${jars[@]}"; do [[ -f "$jar" ]] || return 1; done
}
(
  flock 9
  if ! up_to_date; then
    echo "start.sh: building the Neo4j launcher (mvn compile; the first run downloads Neo4j)" >&2
    t0=$(date +%s)
    # (Debian's Maven 3.8 prints bare colour resets even in batch mode: strip them; pipefail keeps
    # mvn's status)
    if ! mvn "${mvn_args[@]}" compile 2>&1 | sed 's/\x1b\[[0-9;]*m//g' >&2; then
      echo "start.sh: mvn compile failed" >&2
      exit 1
    fi
    echo "start.sh: built in $(( $(date +%s) - t0 )) s" >&2
  fi
) 9>"$target/.build.lock"

# --- run it ---
password="${FOREWARN_NEO4J_PASSWORD:-}"
if [[ -z "$password" ]]; then
  password="fw-$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 20)"
fi
if [[ "$password" == *"'"* || "$password" == *$'\n'* ]]; then
  echo "start.sh: FOREWARN_NEO4J_PASSWORD must not contain a quote or a newline" >&2
  exit 2
fi
export FOREWARN_NEO4J_PASSWORD="$password"
port="${FOREWARN_NEO4J_PORT:-0}"
# A person gets Neo4j's usual 7474 when it is free (same settings after a restart but the password).
if (( foreground )) && [[ -z "${FOREWARN_NEO4J_PORT:-}" ]] && ! (exec 3<>/dev/tcp/127.0.0.1/7474) 2>/dev/null; then
  port=7474
fi
# The flags Neo4j ships in its own config for Java 17, then the caller's.
java_opts=(
  --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  -Dio.netty.tryReflectionSetAccessible=true
  -XX:+ExitOnOutOfMemoryError
  -Xmx1g
  -XX:TieredStopAtLevel=1
)
# shellcheck disable=SC2206
if [[ -n "${FOREWARN_NEO4J_JAVA_OPTS:-}" ]]; then java_opts+=(${FOREWARN_NEO4J_JAVA_OPTS}); fi
classpath="$target/classes:$(cat "$target/classpath.txt")"
launcher=(java "${java_opts[@]}" -cp "$classpath" dev.forewarn.neo4j.Launcher --port "$port")
if [[ -n "${FOREWARN_NEO4J_WATCH_PID:-}" ]]; then launcher+=(--watch-pid "$FOREWARN_NEO4J_WATCH_PID"); fi
data=""
if [[ -n "${FOREWARN_NEO4J_DATA:-}" ]]; then
  data="$(realpath -m -- "$FOREWARN_NEO4J_DATA")"
  # stop.sh deletes what is in STATE_DIR: kept data must live elsewhere
  if [[ -n "$state" ]]; then
    state_abs="$(realpath -m -- "$state")"
    if [[ "$data" == "$state_abs" || "$data" == "$state_abs"/* ]]; then
      echo "start.sh: FOREWARN_NEO4J_DATA must be outside STATE_DIR ($state_abs), which stop.sh deletes" >&2
      exit 2
    fi
  fi
  launcher+=(--data "$data")
fi

if (( foreground )); then
  state="$(mktemp -d "${TMPDIR:-/tmp}/forewarn-neo4j.XXXXXX")"
  if [[ -n "$data" ]]; then
    echo "Starting Neo4j 5.26 Community (data kept in $data) ..."
  else
    echo "Starting Neo4j 5.26 Community (data in $state, deleted when it stops) ..."
  fi
  rc=0
  "${launcher[@]}" --dir "$state/data" --print-env || rc=$?
  rm -rf "$state"
  exit "$rc"
fi

if [[ -z "$state" ]]; then
  state="$(mktemp -d "${TMPDIR:-/tmp}/forewarn-neo4j.XXXXXX")"
fi
mkdir -p "$state"
state="$(cd "$state" && pwd)"
log="$state/server.log"
: > "$log"
"${launcher[@]}" --dir "$state/data" </dev/null >"$log" 2>&1 &
pid=$!
echo "$pid" > "$state/pid"

timeout="${FOREWARN_NEO4J_TIMEOUT:-180}"
t0=$(date +%s)
ready=""
while :; do
  ready="$(grep -m1 '^READY ' "$log" || true)"
  [[ -n "$ready" ]] && break
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "start.sh: Neo4j exited before it was ready; the end of $log:" >&2
    tail -n 40 "$log" >&2
    exit 1
  fi
  if (( $(date +%s) - t0 >= timeout )); then
    echo "start.sh: Neo4j was not ready after ${timeout} s; stopping it. The end of $log:" >&2
    tail -n 40 "$log" >&2
    "$here/stop.sh" "$state" >&2 || true
    exit 1
  fi
  sleep 0.2
done

uri="$(awk '{print $2}' <<<"$ready")"
umask 077
cat > "$state/env" <<EOF
export NEO4J_URI='$uri'
export NEO4J_USERNAME='neo4j'
export NEO4J_PASSWORD='$password'
export NEO4J_DATABASE='neo4j'
EOF
echo "FOREWARN_NEO4J_STATE=$state"
echo "NEO4J_URI=$uri"
echo "start.sh: ready in $(( $(date +%s) - t0 )) s (pid $pid); settings in $state/env; stop with $here/stop.sh $state" >&2
if [[ -n "$data" ]]; then echo "start.sh: database files kept in $data" >&2; fi

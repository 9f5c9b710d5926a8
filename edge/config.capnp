# workerd configuration of the forewarn edge function (edge/worker.mjs).
#
#   npm run edge                                   # http://127.0.0.1:8787 (scripts/build-wasm.sh first)
#   npx workerd serve edge/config.capnp --socket-addr http=127.0.0.1:9000
#
# The worker's settings come from the environment of the workerd process (unset = not
# configured): FOREWARN_TOKEN, FOREWARN_ALLOWED_ORIGIN, FOREWARN_MAX_BODY_BYTES and the NEO4J_*
# variables that tests/neo4j/start.sh prints. Module names are repository paths, so the worker's
# imports (../wasm/forewarn.mjs, ../wasm/dist/forewarn.wasm) resolve here as in a bundler.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "forewarn", worker = .forewarnWorker),
    # The worker's fetch goes here: the only requests it makes are to NEO4J_URI, which may be a
    # Neo4j on this machine or network (workerd's default outbound allows public addresses only).
    (name = "outbound", network = (allow = ["public", "private", "local"])),
  ],
  sockets = [ (name = "http", address = "127.0.0.1:8787", http = (), service = "forewarn") ],
);

const forewarnWorker :Workerd.Worker = (
  modules = [
    (name = "edge/worker.mjs", esModule = embed "worker.mjs"),
    (name = "wasm/forewarn.mjs", esModule = embed "../wasm/forewarn.mjs"),
    (name = "wasm/dist/forewarn.wasm", wasm = embed "../wasm/dist/forewarn.wasm"),
    (name = "wasm/dist/forewarn-rules.mjs", esModule = embed "../wasm/dist/forewarn-rules.mjs"),
  ],
  compatibilityDate = "2025-09-01",
  globalOutbound = "outbound",
  bindings = [
    (name = "TOKEN", fromEnvironment = "FOREWARN_TOKEN"),
    (name = "ALLOWED_ORIGIN", fromEnvironment = "FOREWARN_ALLOWED_ORIGIN"),
    (name = "MAX_BODY_BYTES", fromEnvironment = "FOREWARN_MAX_BODY_BYTES"),
    (name = "NEO4J_URI", fromEnvironment = "NEO4J_URI"),
    (name = "NEO4J_USERNAME", fromEnvironment = "NEO4J_USERNAME"),
    (name = "NEO4J_PASSWORD", fromEnvironment = "NEO4J_PASSWORD"),
    (name = "NEO4J_DATABASE", fromEnvironment = "NEO4J_DATABASE"),
  ],
);

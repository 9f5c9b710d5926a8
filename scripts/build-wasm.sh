#!/usr/bin/env bash
# Builds the standalone WebAssembly module wasm/dist/forewarn.wasm (core + PCRE2 without JIT +
# cJSON, no Emscripten JS glue; loaded by wasm/forewarn.mjs) in build-wasm/ with Debian's
# Emscripten (scripts/setup.sh installs it). FW_WASM_OPT sets the optimisation level: -Oz by
# default (with the Neo4j bridge, -O2 left under 1 kB of the 150 KB gzip budget; -Oz is a few
# per cent slower and well inside the speed targets; figures in bench/README.md). FW_WASM_BUILD_DIR builds elsewhere; FW_WASM_OUT copies the module elsewhere.
set -euo pipefail
cd "$(dirname "$0")/.."
# Debian's emcc runs its JS optimiser with the system node, which must find Debian's acorn.
export NODE_PATH=/usr/share/nodejs${NODE_PATH:+:$NODE_PATH}
if ! command -v emcmake >/dev/null 2>&1; then
  echo "build-wasm: emcmake not found: install the Debian package emscripten (scripts/setup.sh)" >&2
  exit 1
fi
opt=${FW_WASM_OPT:--Oz}
dir=${FW_WASM_BUILD_DIR:-build-wasm}
out=${FW_WASM_OUT:-wasm/dist/forewarn.wasm}
gen=()
command -v ninja >/dev/null 2>&1 && gen=(-G Ninja)
# A changed optimisation level means a new configuration (it is baked into the cache).
if [ -f "$dir/CMakeCache.txt" ] && ! grep -qxF "CMAKE_C_FLAGS_RELEASE:STRING=$opt -DNDEBUG" "$dir/CMakeCache.txt"; then
  rm -f "$dir/CMakeCache.txt"
fi
if [ ! -f "$dir/CMakeCache.txt" ]; then
  emcmake cmake -S . -B "$dir" "${gen[@]}" -DCMAKE_BUILD_TYPE=Release -DFW_BUILD_TESTS=OFF \
    "-DCMAKE_C_FLAGS_RELEASE=$opt -DNDEBUG" "-DCMAKE_EXE_LINKER_FLAGS_RELEASE=$opt" >/dev/null
fi
cmake --build "$dir" -j2 --target forewarn_wasm
# Replaced atomically: a test or page loading it never sees half a module.
mkdir -p "$(dirname "$out")"
cp "$dir/forewarn.wasm" "$out.tmp.$$"
mv -f "$out.tmp.$$" "$out"
# The module does not embed the built-in rule pack: wasm/forewarn.mjs imports it from this ES
# module beside it (core/rules/default.json without its indentation, as an object literal).
rules="$(dirname "$out")/forewarn-rules.mjs"
node -e 'const fs = require("fs");
  const pack = JSON.stringify(JSON.parse(fs.readFileSync(process.argv[1], "utf8")));
  fs.writeFileSync(process.argv[2], "// Generated from core/rules/default.json by scripts/build-wasm.sh; do not edit.\n" +
    "export default " + pack + ";\n");' core/rules/default.json "$rules.tmp.$$"
mv -f "$rules.tmp.$$" "$rules"
echo "build-wasm: $out ($(wc -c <"$out") bytes, $(gzip -9 -c "$out" | wc -c) gzipped, $opt)" \
  "+ $rules ($(wc -c <"$rules") bytes, $(gzip -9 -c "$rules" | wc -c) gzipped)"

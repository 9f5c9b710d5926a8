#!/usr/bin/env bash
# Configures and builds the native release build (build/) and, with --asan, the
# AddressSanitizer + UndefinedBehaviorSanitizer build (build-asan/), then the WebAssembly module
# wasm/dist/forewarn.wasm (scripts/build-wasm.sh). Ninja when available.
set -euo pipefail
cd "$(dirname "$0")/.."
gen=()
command -v ninja >/dev/null 2>&1 && gen=(-G Ninja)
configure() { # dir, extra cmake args...
  local dir=$1; shift
  if [ ! -f "$dir/CMakeCache.txt" ]; then cmake -S . -B "$dir" "${gen[@]}" "$@" >/dev/null; fi
  cmake --build "$dir" -j2
}
configure build -DCMAKE_BUILD_TYPE=Release
if [ "${1:-}" = "--asan" ]; then
  configure build-asan -DCMAKE_BUILD_TYPE=Debug -DFW_SANITIZE=ON
fi
if command -v emcmake >/dev/null 2>&1; then
  bash scripts/build-wasm.sh
else
  echo "build: emscripten is not installed (scripts/setup.sh installs it): wasm/dist/forewarn.wasm not built" >&2
fi

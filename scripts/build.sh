#!/usr/bin/env bash
# Configures and builds the native release build (build/) and, with --asan, the
# AddressSanitizer + UndefinedBehaviorSanitizer build (build-asan/). Ninja when available.
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

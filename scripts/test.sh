#!/usr/bin/env bash
# Every test: C unit tests under ctest in the release and the ASan+UBSan builds, short fuzz runs
# of every parser, then the node
# test runner (CLI behaviour, corpus accuracy, parity vectors, the WASM API) against the sanitizer
# binary and wasm/dist/forewarn.wasm. The runners' own
# summary lines end the output.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh --asan
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
echo "== ctest (release)"
ctest --test-dir build --output-on-failure -j2
echo "== ctest (asan+ubsan)"
ctest --test-dir build-asan --output-on-failure -j2
echo "== fuzz (libFuzzer with ASan+UBSan, ${FUZZ_SECONDS:-10}s per target)"
bash scripts/fuzz.sh
echo "== node --test"
FOREWARN_BIN="$PWD/build-asan/forewarn" node --test --test-concurrency=2 tests/node/

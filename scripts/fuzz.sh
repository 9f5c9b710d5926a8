#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) in build-fuzz/ and runs each (error
# texts, documents incl. OpenAPI, rule packs, JUnit reports) for a
# while (FUZZ_SECONDS, default 10) from the corpus and examples as seeds. A crash fails.
set -euo pipefail
cd "$(dirname "$0")/.."
cc=$(command -v clang || command -v clang-14 || true)
if [ -z "$cc" ]; then echo "fuzz: clang not found (scripts/setup.sh installs it)" >&2; exit 1; fi
if [ ! -f build-fuzz/CMakeCache.txt ]; then
  CC="$cc" cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=Debug -DFW_FUZZ=ON -DFW_BUILD_TESTS=OFF \
    -DCMAKE_C_FLAGS="-fsanitize=fuzzer-no-link,address,undefined,float-cast-overflow" >/dev/null
fi
cmake --build build-fuzz -j2 --target fuzz_classify fuzz_documents fuzz_rules fuzz_junit
seconds=${FUZZ_SECONDS:-10}
seeds=build-fuzz/seeds
mkdir -p "$seeds/classify" "$seeds/documents" "$seeds/rules" "$seeds/junit"
cp examples/errors/* "$seeds/classify/" 2>/dev/null || true
if [ -f ../shared/corpus/dev.jsonl ]; then
  i=0; while IFS= read -r line; do i=$((i+1)); printf '%s' "$line" > "$seeds/classify/dev-$i.jsonl"; done < ../shared/corpus/dev.jsonl
fi
cp examples/shop/ir.json examples/shop/openapi.json tests/specs/openapi/fastapi-bookstore.json examples/shop/runs/*.json examples/shop/manifests/*.json "$seeds/documents/"
cp tests/junit/*.xml tests/junit/surefire-shop/*.xml tests/vectors/inputs/junit-doctype.xml "$seeds/junit/"
printf '%s' '{"format_version": 1, "rules": [{"id": "a", "category": "missing_key", "message": "x(?<name>\\w+)", "requires": ["x"]}], "log_prefixes": ["\\[w\\] "]}' > "$seeds/rules/pack.json"
printf '%s' '{"format_version": 1, "stacks": {"toy": {"language": "text", "types": {"string": "Txt"}, "detect": ["\\btoyorm\\b"], "lessons": {"unique_constraint_missing": {"summary": "{entity}.{field}", "bad_code": "{field_camel}: {type}", "correct_code": "{entity_camel}"}, "nullable_missing": {"not_applicable": "never NULL"}}}}}' > "$seeds/rules/stacks.json"
for t in classify documents rules junit; do
  log=build-fuzz/fuzz_$t.log
  if ASAN_OPTIONS=detect_leaks=1 build-fuzz/tests/fuzz/fuzz_$t -max_total_time="$seconds" -max_len=65536 \
      -timeout=20 -artifact_prefix=build-fuzz/ "$seeds/$t" > "$log" 2>&1; then
    echo "fuzz_$t: $(grep -E '^Done' "$log") (${seconds}s, no crash)"
  else
    echo "fuzz_$t found a failing input:" >&2
    grep -E "ERROR|SUMMARY|Test unit written|^    #[0-9]" "$log" | head -30 >&2
    exit 1
  fi
done

# Included right after PCRE2's project() by bench/wasm.mjs's native-without-JIT build
# (-DCMAKE_PROJECT_PCRE2_INCLUDE=...): the same sources as build/, PCRE2 without its JIT, so the
# benchmark can show the interpreter natively beside the (JIT-less) WASM build. Not used by any
# build the project ships.
set(PCRE2_SUPPORT_JIT OFF CACHE BOOL "Enable support for Just-in-time compiling." FORCE)

# PCRE2 (8-bit) and cJSON as imported targets fw::pcre2 and fw::cjson. Natively they come from
# Debian's -dev packages (installed by scripts/setup.sh).
find_package(PkgConfig REQUIRED)
pkg_check_modules(PCRE2 REQUIRED IMPORTED_TARGET libpcre2-8)
pkg_check_modules(CJSON REQUIRED IMPORTED_TARGET libcjson)
add_library(fw::pcre2 ALIAS PkgConfig::PCRE2)
add_library(fw::cjson ALIAS PkgConfig::CJSON)

# PCRE2 (8-bit), cJSON and Expat as the targets fw::pcre2, fw::cjson and fw::expat.
#
# FW_VENDORED=ON (default): build the pinned sources unpacked by scripts/fetch-third-party.sh
#   into third_party/ (Debian trixie source packages, SHA-256 checked):
#   - PCRE2 through its own CMake (8-bit only, Unicode, static, JIT natively, no JIT under
#     Emscripten, no tests/pcre2grep/shared libs);
#   - cJSON as our own static target from cJSON.c (cJSON's CMake breaks under emcc), with
#     cJSON.h copied to <build>/vendored-include/cjson/ so `#include <cjson/cJSON.h>` works.
#   - Expat through its own CMake (static, no tools/tests/examples/docs, no DTD or general-entity
#     support: forewarn refuses documents with a DOCTYPE anyway, so that code is not even built).
#   Same sources natively and in WASM, so regex and XML behaviour is identical in both builds.
# FW_VENDORED=OFF: Debian's -dev packages via pkg-config (libpcre2-8, libcjson, expat), native only.
#
# Consumers get PCRE2_CODE_UNIT_WIDTH=8 (and, when vendored, PCRE2_STATIC) through fw::pcre2's
# INTERFACE compile definitions. Third-party code is built without our FW_WARNINGS / -Werror
# (those are only applied per target to our own targets).

option(FW_VENDORED "Build PCRE2 and cJSON from third_party/ (run scripts/fetch-third-party.sh) instead of using system packages" ON)
set(FW_THIRD_PARTY_DIR "${PROJECT_SOURCE_DIR}/third_party" CACHE PATH
    "Folder holding the sources unpacked by scripts/fetch-third-party.sh (pcre2/, cjson/)")

# Compile definitions every consumer of fw::pcre2 needs (harmless duplicate of a
# `#define PCRE2_CODE_UNIT_WIDTH 8` in a source file: identical redefinition).
add_library(fw_pcre2 INTERFACE)
target_compile_definitions(fw_pcre2 INTERFACE PCRE2_CODE_UNIT_WIDTH=8)
add_library(fw::pcre2 ALIAS fw_pcre2)

if(FW_VENDORED)
  set(_fw_tp "${FW_THIRD_PARTY_DIR}")
  if(NOT EXISTS "${_fw_tp}/pcre2/CMakeLists.txt" OR NOT EXISTS "${_fw_tp}/cjson/cJSON.c"
     OR NOT EXISTS "${_fw_tp}/cjson/cJSON.h" OR NOT EXISTS "${_fw_tp}/expat/expat/CMakeLists.txt")
    message(FATAL_ERROR
      "FW_VENDORED=ON but the PCRE2/cJSON/Expat sources are missing from ${_fw_tp}.\n"
      "Run:  scripts/fetch-third-party.sh   (from the repository root; needs root or sudo once)\n"
      "or configure with -DFW_VENDORED=OFF to use the system libpcre2-dev / libcjson-dev / libexpat1-dev.")
  endif()

  # Re-configure when the sources are re-fetched; show which Debian versions are used.
  set(_fw_stamp "${_fw_tp}/.fetch-stamp")
  if(EXISTS "${_fw_stamp}")
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${_fw_stamp}")
    file(STRINGS "${_fw_stamp}" _fw_stamp_lines)
    foreach(_l IN LISTS _fw_stamp_lines)
      string(REPLACE " " ";" _f "${_l}")
      list(GET _f 0 _name)
      list(GET _f 3 _ver)
      string(APPEND _fw_versions " ${_name} ${_ver}")
    endforeach()
  else()
    set(_fw_versions " (no ${_fw_stamp}: sources not from scripts/fetch-third-party.sh?)")
  endif()

  if(EMSCRIPTEN)
    set(_fw_pcre2_jit OFF)
  else()
    set(_fw_pcre2_jit ON)
  endif()
  message(STATUS "forewarn: vendored third-party sources:${_fw_versions}; PCRE2 JIT ${_fw_pcre2_jit}")

  # --- PCRE2 through its own CMake ---------------------------------------------------------
  # Its settings are cache variables (set(... CACHE) in its CMakeLists would drop plain
  # variables), forced so that they stay the pinned configuration.
  function(fw_add_vendored_pcre2 src jit)
    set(BUILD_SHARED_LIBS OFF CACHE BOOL "Build shared libraries." FORCE)
    set(BUILD_STATIC_LIBS ON CACHE BOOL "Build static libraries." FORCE)
    set(PCRE2_BUILD_PCRE2_8 ON CACHE BOOL "Build 8 bit PCRE2 library" FORCE)
    set(PCRE2_BUILD_PCRE2_16 OFF CACHE BOOL "Build 16 bit PCRE2 library" FORCE)
    set(PCRE2_BUILD_PCRE2_32 OFF CACHE BOOL "Build 32 bit PCRE2 library" FORCE)
    set(PCRE2_SUPPORT_UNICODE ON CACHE BOOL "Enable support for Unicode and UTF-8/UTF-16/UTF-32 encoding." FORCE)
    set(PCRE2_SUPPORT_JIT ${jit} CACHE BOOL "Enable support for Just-in-time compiling." FORCE)
    set(PCRE2GREP_SUPPORT_JIT OFF CACHE BOOL "Enable use of Just-in-time compiling in pcre2grep." FORCE)
    set(PCRE2_BUILD_TESTS OFF CACHE BOOL "Build the tests" FORCE)
    set(PCRE2_BUILD_PCRE2GREP OFF CACHE BOOL "Build pcre2grep" FORCE)
    set(PCRE2_SHOW_REPORT OFF CACHE BOOL "Show the final configuration report" FORCE)
    # Only pcre2grep/pcre2test use these; don't look for them (this scope only).
    set(CMAKE_DISABLE_FIND_PACKAGE_BZip2 ON)
    set(CMAKE_DISABLE_FIND_PACKAGE_ZLIB ON)
    set(CMAKE_DISABLE_FIND_PACKAGE_Readline ON)
    set(CMAKE_DISABLE_FIND_PACKAGE_Editline ON)
    # EXCLUDE_FROM_ALL: only what we link (pcre2-8-static) is built.
    add_subdirectory("${src}" "${CMAKE_BINARY_DIR}/_deps/pcre2" EXCLUDE_FROM_ALL)
  endfunction()
  fw_add_vendored_pcre2("${_fw_tp}/pcre2" ${_fw_pcre2_jit})
  if(NOT TARGET pcre2-8-static)
    message(FATAL_ERROR "PCRE2's CMake did not define pcre2-8-static (changed PCRE2 version?)")
  endif()
  # pcre2-8-static already exports PCRE2_STATIC and the folder of the generated pcre2.h;
  # PCRE2_STATIC is restated here because without it pcre2.h declares dllimport on Windows.
  target_link_libraries(fw_pcre2 INTERFACE pcre2-8-static)
  target_compile_definitions(fw_pcre2 INTERFACE PCRE2_STATIC)
  # Its generated pcre2.h as a system header: warnings in it never meet our -Werror.
  # (-isystem folders still come before /usr/include, so a system pcre2.h is not picked.)
  target_include_directories(fw_pcre2 SYSTEM INTERFACE "${CMAKE_BINARY_DIR}/_deps/pcre2")

  # --- cJSON as our own static target -----------------------------------------------------
  set(_fw_vinc "${CMAKE_BINARY_DIR}/vendored-include")
  configure_file("${_fw_tp}/cjson/cJSON.h" "${_fw_vinc}/cjson/cJSON.h" COPYONLY)
  add_library(fw_cjson STATIC "${_fw_tp}/cjson/cJSON.c" "${_fw_vinc}/cjson/cJSON.h")
  target_include_directories(fw_cjson SYSTEM PUBLIC "${_fw_vinc}")
  if(WIN32)
    target_compile_definitions(fw_cjson PUBLIC CJSON_HIDE_SYMBOLS) # static: no dllexport/dllimport
  endif()
  if(UNIX)
    target_link_libraries(fw_cjson PRIVATE m) # fabs
  endif()
  add_library(fw::cjson ALIAS fw_cjson)

  # --- Expat through its own CMake ----------------------------------------------------------
  function(fw_add_vendored_expat src)
    set(EXPAT_SHARED_LIBS OFF CACHE BOOL "Build a shared expat library" FORCE)
    set(EXPAT_BUILD_TOOLS OFF CACHE BOOL "Build the xmlwf tool for expat library" FORCE)
    set(EXPAT_BUILD_EXAMPLES OFF CACHE BOOL "Build the examples for expat library" FORCE)
    set(EXPAT_BUILD_TESTS OFF CACHE BOOL "Build the tests for expat library" FORCE)
    set(EXPAT_BUILD_DOCS OFF CACHE BOOL "Build man page for xmlwf" FORCE)
    set(EXPAT_BUILD_PKGCONFIG OFF CACHE BOOL "Build pkg-config file" FORCE)
    set(EXPAT_ENABLE_INSTALL OFF CACHE BOOL "Install expat files in cmake install target" FORCE)
    set(EXPAT_DTD OFF CACHE BOOL "Define to make parameter entity parsing functionality available" FORCE)
    set(EXPAT_GE OFF CACHE BOOL "Define to make general entity parsing functionality available" FORCE)
    set(EXPAT_NS OFF CACHE BOOL "Define to make XML Namespaces functionality available" FORCE)
    if(EMSCRIPTEN)
      # The module has no file system and no getrandom: no /dev/urandom reader (it would link
      # WASI file calls), and the hash salt comes from Expat's clock-and-address fallback, which
      # only guards against hash flooding (inputs are bounded anyway) and never changes a result.
      # One tokenizer copy instead of several: the module's size budget.
      set(EXPAT_DEV_URANDOM OFF CACHE BOOL "Define to include code reading entropy from `/dev/urandom'." FORCE)
      set(EXPAT_WITH_GETRANDOM OFF CACHE STRING "Make use of getrandom function (ON|OFF|AUTO) [default=AUTO]" FORCE)
      set(EXPAT_WITH_SYS_GETRANDOM OFF CACHE STRING "Make use of syscall SYS_getrandom (ON|OFF|AUTO) [default=AUTO]" FORCE)
      set(EXPAT_MIN_SIZE ON CACHE BOOL "Get a smaller (but slower) parser" FORCE)
      add_compile_definitions(XML_POOR_ENTROPY)
    endif()
    add_subdirectory("${src}" "${CMAKE_BINARY_DIR}/_deps/expat" EXCLUDE_FROM_ALL)
  endfunction()
  fw_add_vendored_expat("${_fw_tp}/expat/expat")
  if(NOT TARGET expat)
    message(FATAL_ERROR "Expat's CMake did not define the target expat (changed Expat version?)")
  endif()
  add_library(fw_expat INTERFACE)
  target_link_libraries(fw_expat INTERFACE expat)
  target_compile_definitions(fw_expat INTERFACE XML_STATIC)
  add_library(fw::expat ALIAS fw_expat)
else()
  if(EMSCRIPTEN)
    message(FATAL_ERROR "FW_VENDORED=OFF is for native builds only; WASM builds need the vendored sources "
                        "(scripts/fetch-third-party.sh).")
  endif()
  # Debian's -dev packages (installed by scripts/setup.sh).
  find_package(PkgConfig REQUIRED)
  pkg_check_modules(PCRE2 REQUIRED IMPORTED_TARGET libpcre2-8)
  pkg_check_modules(CJSON REQUIRED IMPORTED_TARGET libcjson)
  target_link_libraries(fw_pcre2 INTERFACE PkgConfig::PCRE2)
  add_library(fw::cjson ALIAS PkgConfig::CJSON)
  pkg_check_modules(EXPAT REQUIRED IMPORTED_TARGET expat)
  add_library(fw::expat ALIAS PkgConfig::EXPAT)
  message(STATUS "forewarn: system PCRE2 ${PCRE2_VERSION}, cJSON ${CJSON_VERSION}, Expat ${EXPAT_VERSION} (pkg-config)")
endif()

#!/usr/bin/env bash
# Installs what forewarn needs on a fresh Debian machine, and nothing twice: apt packages for
# the native build, the pinned third-party sources, npm dev packages. Safe to run every time.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "setup: not root and no sudo: install the packages listed in scripts/setup.sh by hand" >&2
  fi
fi

# python3-fastapi and friends run the example app (examples/shop/app): the tests make its OpenAPI
# document and a pytest --junitxml report with them (tests/node/spec_inputs.test.mjs).
APT_PACKAGES=(cmake ninja-build gcc pkg-config libpcre2-dev libcjson-dev libexpat1-dev libcurl4-openssl-dev
              dpkg-dev python3 valgrind clang-14 libclang-rt-14-dev emscripten
              chromium
              python3-fastapi python3-sqlalchemy python3-httpx python3-pytest python3-email-validator)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if [ -x scripts/fetch-third-party.sh ]; then
  scripts/fetch-third-party.sh
fi

# npm dev packages (workerd for the edge tests, playwright-core to drive chromium in the web
# tests), exactly as package-lock.json pins them: on a fresh machine, and again when node_modules
# no longer matches the lock file. Without them those tests skip, saying why, so a failure here
# is a warning.
if [ -f package-lock.json ] && grep -q '"devDependencies"' package.json; then
  if [ ! -d node_modules ] || ! npm ls --all >/dev/null 2>&1; then
    npm ci --no-audit --no-fund --loglevel=error ||
      echo "setup: npm ci failed: the tests that need npm dev packages (tests/node/edge.test.mjs) will be skipped" >&2
  fi
fi

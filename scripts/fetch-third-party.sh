#!/usr/bin/env bash
# Fetch and unpack the pinned third-party C sources (PCRE2, cJSON, Expat) into third_party/.
#
# Usage: scripts/fetch-third-party.sh [--force]
#   --force   ignore the stamp file and fetch/unpack again
#
# Source: Debian trixie source packages, fetched with `apt-get source --download-only`
# (apt verifies them against the signed Release file) and unpacked with `dpkg-source -x`,
# so Debian's patches (security fixes) are applied. Each upstream `.orig.tar.*` is checked
# against the SHA-256 pinned below. Results, used by cmake/third_party.cmake (FW_VENDORED=ON):
#   third_party/pcre2/   (PCRE2 sources, own CMakeLists.txt)
#   third_party/cjson/   (cJSON.c, cJSON.h)
#   third_party/expat/   (Expat sources; expat/lib/ is what is built)
#   third_party/.fetch-stamp
# third_party/ is git-ignored; never commit it. A second run with the same pins does nothing.
#
# apt needs a deb-src entry for trixie: the script writes
# /etc/apt/sources.list.d/forewarn-deb-src.sources with the URIs and Signed-By of the first
# stanza of the machine's own /etc/apt/sources.list.d/debian.sources (no mirror host is written
# here) and refreshes only that source. Needs root (or sudo) for that and to install dpkg-dev.
#
# If the mirror serves the trixie Sources index but not the files it lists (seen: pool missing
# pcre2 10.46-1~deb13u3), or trixie moved to another upstream version, the script falls back to
# the pinned Debian revision below, fetched from the same mirror's pool with apt-helper and
# verified against the pinned SHA-256 of its .dsc (the .dsc's own checksums then cover the rest).
set -euo pipefail

# ---- Pins -----------------------------------------------------------------------------------
# name  upstream-version  orig-tarball  sha256(orig)  fallback-debian-revision  sha256(fallback .dsc)
PINS=(
  "pcre2 10.46 pcre2_10.46.orig.tar.gz 8d28d7f2c3b970c3a4bf3776bcbb5adfc923183ce74bc8df1ebaad8c1985bd07 10.46-1~deb13u2 4eac7bfc4d11259da7d299f90b6c74b359d7cbb3be2f017e039b02524f30d2e6"
  "cjson 1.7.18 cjson_1.7.18.orig.tar.gz 3aa806844a03442c00769b83e99970be70fbef03735ff898f4811dd03b9f5ee5 1.7.18-3.1+deb13u1 57b560dc195f857987986588ba2eb05f5f30d409c8dc715decfb582d5e56ecbf"
  "expat 2.7.1 expat_2.7.1.orig.tar.gz 85372797ff0673a8fc4a6be16466bb5a0ca28c0dcf3c6f7ac1686b4a3ba2aabb 2.7.1-2 0f6068677eae5a40d223f47cc798210c8227022516d90569f657a793e5b2956f"
)
SUITE=trixie
# A file each unpacked tree must contain.
declare -A MARKER=([pcre2]=CMakeLists.txt [cjson]=cJSON.c [expat]=expat/lib/xmlparse.c)

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TP="$ROOT/third_party"
DL="$TP/downloads"
STAMP="$TP/.fetch-stamp"
APT_SRC_FILE=/etc/apt/sources.list.d/forewarn-deb-src.sources
SYSTEM_SOURCES=/etc/apt/sources.list.d/debian.sources

FORCE=0
for arg in "$@"; do
  case "$arg" in
    --force) FORCE=1 ;;
    -h|--help) sed -n '2,5p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "fetch-third-party: unknown argument '$arg' (usage: $0 [--force])" >&2; exit 2 ;;
  esac
done

say() { echo "fetch-third-party: $*"; }
die() { echo "fetch-third-party: ERROR: $*" >&2; exit 1; }

# The stamp records "name upstream sha256 debian-version" per package; the first three
# fields must match the pins.
stamp_key() {
  local p
  for p in "${PINS[@]}"; do
    read -r name up _orig sha _rest <<<"$p"
    echo "$name $up $sha"
  done
}

# ---- Fast path: already done ----------------------------------------------------------------
if [[ $FORCE == 0 && -f "$STAMP" ]]; then
  ok=1
  [[ "$(cut -d' ' -f1-3 "$STAMP")" == "$(stamp_key)" ]] || ok=0
  for name in "${!MARKER[@]}"; do
    [[ -f "$TP/$name/${MARKER[$name]}" ]] || ok=0
  done
  if [[ $ok == 1 ]]; then
    say "up to date ($(awk '{printf "%s%s %s", (NR>1?", ":""), $1, $4}' "$STAMP")); nothing to do"
    exit 0
  fi
fi

START=$(date +%s)

# ---- Privileges ----------------------------------------------------------------------------
if [[ $(id -u) == 0 ]]; then
  SUDO=()
  # Downloads into third_party/ are done as root (the _apt user may not reach it): say so
  # to apt instead of letting it warn.
  APT_ROOT_OPTS=(-o APT::Sandbox::User=root)
elif command -v sudo >/dev/null 2>&1; then
  SUDO=(sudo)
  APT_ROOT_OPTS=()
else
  SUDO=()
  APT_ROOT_OPTS=()
fi
can_root() { [[ $(id -u) == 0 || ${#SUDO[@]} != 0 ]]; }
as_root() {
  can_root || die "'$*' needs root; run as root or install sudo"
  "${SUDO[@]}" "$@"
}

# ---- dpkg-dev (dpkg-source) -----------------------------------------------------------------
if ! command -v dpkg-source >/dev/null 2>&1; then
  say "installing dpkg-dev (for dpkg-source)"
  if ! as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends dpkg-dev; then
    as_root apt-get update -q
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends dpkg-dev
  fi
fi

# ---- deb-src entry for trixie ---------------------------------------------------------------
# URIs and Signed-By of the first stanza of the system's debian.sources (continuation lines
# of a multi-line field, e.g. an inline key, are kept).
[[ -r "$SYSTEM_SOURCES" ]] || die "$SYSTEM_SOURCES not found: cannot tell which Debian mirror to use"
first_stanza_field() {
  awk -v want="$1" '
    /^[ \t]*#/ { next }
    /^[ \t]*$/ { if (seen) exit; next }
    { seen = 1 }
    /^[^ \t]/ { infield = (tolower($0) ~ "^" tolower(want) ":") }
    infield { print }
  ' "$SYSTEM_SOURCES"
}
URIS_LINE="$(first_stanza_field URIs)"
SIGNED_LINE="$(first_stanza_field Signed-By)"
[[ -n "$URIS_LINE" ]] || die "no URIs: field in the first stanza of $SYSTEM_SOURCES"
MIRROR="$(sed -n '1s/^[^:]*:[ \t]*//p' <<<"$URIS_LINE" | awk '{print $1}')"
MIRROR="${MIRROR%/}"

WANT_SRC="# Written by forewarn scripts/fetch-third-party.sh: Debian $SUITE source packages
# (URIs and Signed-By copied from $SYSTEM_SOURCES).
Types: deb-src
$URIS_LINE
Suites: $SUITE
Components: main"
[[ -n "$SIGNED_LINE" ]] && WANT_SRC+=$'\n'"$SIGNED_LINE"

NEED_UPDATE=0
if [[ ! -f "$APT_SRC_FILE" ]] || [[ "$(cat "$APT_SRC_FILE")" != "$WANT_SRC" ]]; then
  say "writing $APT_SRC_FILE"
  printf '%s\n' "$WANT_SRC" | as_root tee "$APT_SRC_FILE" >/dev/null
  NEED_UPDATE=1
fi
# Sources index already downloaded for this entry?
if [[ $NEED_UPDATE == 0 ]] &&
   ! apt-get indextargets -o Dir::Etc::SourceList="$APT_SRC_FILE" -o Dir::Etc::SourceParts=/nonexistent \
       --format '$(FILENAME)' 'Created-By: Sources' 2>/dev/null | grep -q .; then
  NEED_UPDATE=1
fi

UPDATED=0
apt_update_src() {
  # Refresh only our deb-src entry; leave the machine's other lists alone.
  say "apt-get update (only $APT_SRC_FILE)"
  UPDATED=1
  as_root apt-get update -q -o Dir::Etc::SourceList="$APT_SRC_FILE" \
    -o Dir::Etc::SourceParts=/nonexistent -o APT::Get::List-Cleanup=0 >/dev/null
}
[[ $NEED_UPDATE == 1 ]] && apt_update_src

# ---- Fetch ----------------------------------------------------------------------------------
mkdir -p "$DL"
EMPTY="$(mktemp -d)"
trap 'rm -rf "$EMPTY"' EXIT

# Debian pool folder of a source package (lib* packages use four letters).
pool_dir() {
  local n="$1"
  if [[ $n == lib?* ]]; then echo "pool/main/${n:0:4}/$n"; else echo "pool/main/${n:0:1}/$n"; fi
}

# apt-get source; prints the .dsc file name on success.
fetch_with_apt() {
  local name="$1" orig="$2" uris dsc
  # (from an empty folder: apt leaves out files already downloaded)
  uris="$(cd "$EMPTY" && apt-get source --print-uris -qq "$name/$SUITE" 2>/dev/null)" || return 1
  dsc="$(awk '{print $2}' <<<"$uris" | grep -m1 '\.dsc$')" || return 1
  if ! awk '{print $2}' <<<"$uris" | grep -qxF "$orig"; then
    say "$name: $SUITE now ships $(sed 's/^[^_]*_//; s/\.dsc$//' <<<"$dsc"), not the pinned $orig" >&2
    return 1
  fi
  if ! (cd "$DL" && apt-get "${APT_ROOT_OPTS[@]}" source --download-only -q "$name/$SUITE" >/dev/null 2>"$DL/.apt-$name.log"); then
    return 1
  fi
  rm -f "$DL/.apt-$name.log"
  echo "$dsc"
}

# Pinned fallback revision straight from the mirror's pool; prints the .dsc file name.
fetch_pinned() {
  local name="$1" rev="$2" dsc_sha="$3" dsc base file sha
  dsc="${name}_${rev}.dsc"
  base="$MIRROR/$(pool_dir "$name")"
  # Reuse the file if it is already here with the pinned hash.
  if ! echo "$dsc_sha  $DL/$dsc" | sha256sum -c --status 2>/dev/null; then
    rm -f "$DL/$dsc"
    /usr/lib/apt/apt-helper "${APT_ROOT_OPTS[@]}" download-file "$base/$dsc" "$DL/$dsc" "SHA256:$dsc_sha" >/dev/null ||
      return 1
  fi
  # Every file listed in the .dsc (orig tarball, Debian diff), checked against the .dsc.
  while read -r sha _size file; do
    if ! echo "$sha  $DL/$file" | sha256sum -c --status 2>/dev/null; then
      rm -f "$DL/$file"
      /usr/lib/apt/apt-helper "${APT_ROOT_OPTS[@]}" download-file "$base/$file" "$DL/$file" "SHA256:$sha" >/dev/null ||
        return 1
    fi
  done < <(awk '/^Checksums-Sha256:/ {f=1; next} /^[^ ]/ {f=0} f && NF==3 {print}' "$DL/$dsc")
  echo "$dsc"
}

STAMP_NEW=""
for p in "${PINS[@]}"; do
  read -r name up orig orig_sha fb_rev fb_dsc_sha <<<"$p"
  dsc=""
  if dsc="$(fetch_with_apt "$name" "$orig")"; then
    how="apt-get source $name/$SUITE"
  elif [[ $UPDATED == 0 ]] && can_root && { apt_update_src || true; } &&
       dsc="$(fetch_with_apt "$name" "$orig")"; then
    # (the Sources index may have been stale: retried once after refreshing it)
    how="apt-get source $name/$SUITE"
  else
    say "$name: apt-get source $name/$SUITE failed; falling back to the pinned $fb_rev from the mirror's pool"
    [[ -f "$DL/.apt-$name.log" ]] && grep -E '^(E|W):' "$DL/.apt-$name.log" | sed 's/^/    apt said: /'
    rm -f "$DL/.apt-$name.log"
    dsc="$(fetch_pinned "$name" "$fb_rev" "$fb_dsc_sha")" ||
      die "$name: could not fetch the pinned $name $fb_rev either (mirror: $MIRROR). If $SUITE moved to a new $name, update PINS in $0."
    how="pinned $fb_rev from $MIRROR/$(pool_dir "$name")"
  fi

  # Verify the upstream tarball against the pin.
  [[ -f "$DL/$orig" ]] || die "$name: $orig was not downloaded"
  got="$(sha256sum "$DL/$orig" | awk '{print $1}')"
  if [[ "$got" != "$orig_sha" ]]; then
    rm -f "$DL/$orig"
    die "$name: SHA-256 MISMATCH for $orig
  expected $orig_sha
  got      $got
The file was deleted. Do not build from it; check the mirror, or if Debian re-rolled the tarball on purpose, update PINS in $0."
  fi

  debver="$(awk '/^Version:/ {print $2; exit}' "$DL/$dsc")"
  rm -rf "$TP/.unpack-$name" "$TP/$name"
  # dpkg-source checks every file against the .dsc checksums and applies Debian's patches.
  # (It cannot check the .dsc's OpenPGP signature without debian-keyring; apt's signed index
  # or the pinned .dsc hash covers that.)
  dpkg-source --no-copy -x "$DL/$dsc" "$TP/.unpack-$name" >/dev/null 2>"$TP/.unpack-$name.log" ||
    { cat "$TP/.unpack-$name.log" >&2; die "$name: dpkg-source -x $dsc failed"; }
  rm -f "$TP/.unpack-$name.log"
  mv "$TP/.unpack-$name" "$TP/$name"
  [[ -f "$TP/$name/${MARKER[$name]}" ]] || die "$name: unpacked tree has no ${MARKER[$name]}"
  say "$name $debver: $orig sha256 OK ($how) -> third_party/$name"
  STAMP_NEW+="$name $up $orig_sha $debver"$'\n'
done

printf '%s' "$STAMP_NEW" >"$STAMP"
say "done in $(( $(date +%s) - START )) s; stamp: third_party/.fetch-stamp"

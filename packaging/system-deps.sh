#!/usr/bin/env bash
# Installs the system libraries Qt needs on Debian/Ubuntu (offscreen and on a
# desktop), but only those that are missing. Needs root (or sudo) when it has
# something to install; does nothing elsewhere.
set -euo pipefail

declare -A LIB_TO_PKG=(
  [libEGL.so.1]=libegl1
  [libGL.so.1]=libgl1
  [libxkbcommon.so.0]=libxkbcommon0
  [libfontconfig.so.1]=libfontconfig1
  [libdbus-1.so.3]=libdbus-1-3
)
missing=()
for lib in "${!LIB_TO_PKG[@]}"; do
  ldconfig -p 2>/dev/null | grep -q "$lib" || missing+=("${LIB_TO_PKG[$lib]}")
done
if ! command -v fc-list >/dev/null 2>&1 || [ -z "$(fc-list 2>/dev/null | head -n 1)" ]; then
  missing+=(fonts-dejavu-core)
fi
[ ${#missing[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
  echo "bpsim: please install these system libraries for Qt: ${missing[*]}" >&2
  exit 0
fi
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "bpsim: installing system libraries for Qt: ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"

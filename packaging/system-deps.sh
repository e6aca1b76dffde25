#!/usr/bin/env bash
# Installs the system libraries Qt needs on Debian/Ubuntu: on an X11 desktop
# (Qt's xcb plugin), on Wayland, and offscreen (tests, `bpsim export`), but
# only those that are missing. Needs root (or sudo) when it has something to
# install; elsewhere it names the Debian packages and installs nothing.
#
#   bash packaging/system-deps.sh          install what is missing
#   bash packaging/system-deps.sh --check  list what is missing (exit 1 if any)
#   bash packaging/system-deps.sh --list   list every package it covers
#
# bpsim/desktop/platform_check.py has the libraries without which Qt cannot
# load at all (this list has those and more), and names the missing ones when
# bpsim cannot open its window; tests/test_desktop.py keeps the two together.
set -euo pipefail

# shared object  Debian package
LIBRARIES="
libEGL.so.1             libegl1
libGL.so.1              libgl1
libxkbcommon.so.0       libxkbcommon0
libfontconfig.so.1      libfontconfig1
libfreetype.so.6        libfreetype6
libglib-2.0.so.0        libglib2.0-0
libX11.so.6             libx11-6
libdbus-1.so.3          libdbus-1-3
libxcb.so.1             libxcb1
libX11-xcb.so.1         libx11-xcb1
libxcb-icccm.so.4       libxcb-icccm4
libxcb-keysyms.so.1     libxcb-keysyms1
libxcb-image.so.0       libxcb-image0
libxcb-util.so.1        libxcb-util1
libxcb-render.so.0      libxcb-render0
libxcb-render-util.so.0 libxcb-render-util0
libxcb-shm.so.0         libxcb-shm0
libxcb-shape.so.0       libxcb-shape0
libxcb-xinerama.so.0    libxcb-xinerama0
libxcb-randr.so.0       libxcb-randr0
libxcb-xfixes.so.0      libxcb-xfixes0
libxcb-sync.so.1        libxcb-sync1
libxcb-xkb.so.1         libxcb-xkb1
libxkbcommon-x11.so.0   libxkbcommon-x11-0
libxcb-cursor.so.0      libxcb-cursor0
libwayland-client.so.0  libwayland-client0
libwayland-cursor.so.0  libwayland-cursor0
libwayland-egl.so.1     libwayland-egl1
"
FONTS=fonts-dejavu-core

mode=${1:-install}
case "$mode" in
  install | --check | --list) ;;
  *) echo "usage: $0 [--check | --list]" >&2; exit 2 ;;
esac

if [ "$mode" = --list ]; then
  echo "$LIBRARIES" | awk 'NF == 2 { print $2 }'
  echo "$FONTS"
  exit 0
fi

LDCONFIG=$(command -v ldconfig || echo /sbin/ldconfig)
known=$("$LDCONFIG" -p 2>/dev/null | awk '/=>/ { print $1 }' || true)
missing=()
while read -r lib package; do
  [ -n "$lib" ] || continue
  grep -qxF "$lib" <<<"$known" || missing+=("$package")
done <<<"$LIBRARIES"
if ! command -v fc-list >/dev/null 2>&1 || [ -z "$(fc-list 2>/dev/null | head -n 1)" ]; then
  missing+=("$FONTS")
fi

if [ "$mode" = --check ]; then
  [ ${#missing[@]} -eq 0 ] && exit 0
  printf '%s\n' "${missing[@]}"
  exit 1
fi
[ ${#missing[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
  echo "bpsim: please install these system libraries for Qt (Debian names): ${missing[*]}" >&2
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if ! command -v sudo >/dev/null 2>&1; then
    echo "bpsim: as root, run: apt-get install ${missing[*]}" >&2
    exit 1
  fi
  SUDO="sudo"
fi
echo "bpsim: installing system libraries for Qt: ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"

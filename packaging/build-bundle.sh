#!/usr/bin/env bash
# Builds bpsim as a self-contained one-folder bundle with PyInstaller
# (packaging/bpsim.spec), runs its self-test, and packs it with its desktop
# files into dist/bpsim-VERSION-OS-ARCH.tar.gz.
#
#   pip install -e ".[bundle]"          (PyInstaller; once)
#   bash packaging/build-bundle.sh      (PYTHON=... to choose the Python)
#
# Result: dist/bpsim/ (run dist/bpsim/bpsim; on Windows bpsim.exe, on macOS
# also dist/bpsim.app) and the .tar.gz, which unpacks to a folder holding
# the program, share/ (menu entry, metainfo, MIME type and icons in the XDG
# layout) and README.txt. `./bpsim --install-desktop` adds it to the menu.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
DIST=${BPSIM_DIST:-dist}
WORK=${BPSIM_WORK:-build/pyinstaller}
ID=io.github.bpsim.bpsim

started=$(date +%s)
"$PY" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath "$DIST" --workpath "$WORK" packaging/bpsim.spec
built=$(date +%s)

BUNDLE="$DIST/bpsim"
case "$(uname -s)" in
  MINGW* | MSYS* | CYGWIN*) exe="$BUNDLE/bpsim.exe"; os=windows ;;
  Darwin) exe="$BUNDLE/bpsim"; os=macos ;;
  *) exe="$BUNDLE/bpsim"; os=linux ;;
esac
version=$("$exe" --version | awk '{ print $2 }')
echo "--- the bundle's self-test"
QT_QPA_PLATFORM=offscreen "$exe" --self-test

# The desktop files, in the layout of /usr/share or ~/.local/share.
share="$BUNDLE/share"
rm -rf "$share"
install -Dm644 "resources/desktop/$ID.desktop" "$share/applications/$ID.desktop"
install -Dm644 "resources/desktop/$ID.metainfo.xml" "$share/metainfo/$ID.metainfo.xml"
install -Dm644 "resources/desktop/$ID.mime.xml" "$share/mime/packages/$ID.xml"
install -Dm644 resources/icons/bpsim.svg "$share/icons/hicolor/scalable/apps/$ID.svg"
for png in resources/icons/png/bpsim-*.png; do
  size=${png##*-}
  size=${size%.png}
  install -Dm644 "$png" "$share/icons/hicolor/${size}x${size}/apps/$ID.png"
done
cat >"$BUNDLE/README.txt" <<TEXT
bpsim $version: see backpropagation, frame by frame.

Run it:                 ./bpsim
Add it to the menu:     ./bpsim --install-desktop   (the menu entry, icons and .bpsim
                        files, in ~/.local/share; ./bpsim --uninstall-desktop removes them)
Check it:               ./bpsim --self-test
Slides without a display: ./bpsim export --help

share/ holds the same desktop files for packagers (Exec=bpsim expects bpsim on PATH).
On Linux, Qt needs the system's X11 or Wayland libraries; bpsim names any that
are missing (on Debian/Ubuntu: packaging/system-deps.sh in bpsim's source).
TEXT

arch=$(uname -m)
name="bpsim-$version-$os-$arch"
tarball="$DIST/$name.tar.gz"
tar -C "$DIST" --transform "s,^bpsim,$name," -czf "$tarball" bpsim
done_at=$(date +%s)
echo "--- built $BUNDLE ($(du -sh "$BUNDLE" | cut -f1)) in $((built - started)) s;" \
  "$tarball ($(du -h "$tarball" | cut -f1)) in $((done_at - started)) s in all"

#!/bin/sh
# Usage: check-deb.sh BUILD_DIR [CPACK]
#
# Packs an already built tree with `cpack -G DEB` into a scratch folder, so the
# test never touches a .deb a developer made in the build folder, and checks
# what the package contains.
set -eu

app_id=com.promodesk.PromoDesk

fail() {
    echo "check-deb: FAIL: $*" >&2
    exit 1
}

case $# in 1 | 2) ;; *) fail "usage: check-deb.sh BUILD_DIR [CPACK]" ;; esac
build_dir=$(cd "$1" 2>/dev/null && pwd) || fail "build folder '$1' does not exist"
cpack=${2:-cpack}
config=$build_dir/CPackConfig.cmake

[ -f "$config" ] || fail "$config is missing; configure the project first"
for tool in "$cpack" dpkg-deb dpkg-shlibdeps; do
    command -v "$tool" >/dev/null 2>&1 || fail "'$tool' not found (cpack comes with cmake, dpkg-shlibdeps with dpkg-dev)"
done

work=$(mktemp -d "${TMPDIR:-/tmp}/promodesk-deb.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 1' INT TERM

if ! (cd "$build_dir" && "$cpack" -G DEB -B "$work/out" --config "$config") >"$work/cpack.log" 2>&1; then
    cat "$work/cpack.log" >&2
    fail "cpack -G DEB failed, log above (is the project built?)"
fi

set -- "$work"/out/*.deb
if [ $# -ne 1 ] || [ ! -f "$1" ]; then
    fail "expected exactly one .deb from cpack, found: $*"
fi
deb=$1
echo "check-deb: built $(basename "$deb")"

# Lines look like "-rwxr-xr-x root/root 123 2026-11-25 10:00 ./usr/bin/promodesk".
dpkg-deb -c "$deb" | awk '{ print $1, $6 }' >"$work/contents" || fail "dpkg-deb -c cannot read $deb"

expect_file() { # MODE PATH
    awk -v mode="$1" -v path="./$2" '$1 == mode && $2 == path { found = 1 } END { exit !found }' "$work/contents" ||
        fail "$2 missing from the package, or its mode is not $1"
}
expect_file -rwxr-xr-x usr/bin/promodesk
expect_file -rwxr-xr-x usr/bin/promodesk-cli
expect_file -rw-r--r-- usr/share/applications/$app_id.desktop
expect_file -rw-r--r-- usr/share/icons/hicolor/scalable/apps/$app_id.svg
expect_file -rw-r--r-- usr/share/metainfo/$app_id.metainfo.xml

dpkg-deb -I "$deb" control >"$work/control" || fail "dpkg-deb -I cannot read the control file of $deb"
grep -q '^Package: promodesk$' "$work/control" || fail "package is not named promodesk"
depends=$(sed -n 's/^Depends: //p' "$work/control")
case $depends in
    *libqt6*) ;;
    *) fail "Depends does not mention libqt6 (dpkg-shlibdeps not run?): '$depends'" ;;
esac
echo "check-deb: Depends: $depends"

dpkg-deb -x "$deb" "$work/root" || fail "dpkg-deb -x cannot unpack $deb"
share=$work/root/usr/share

if command -v desktop-file-validate >/dev/null 2>&1; then
    desktop-file-validate "$share/applications/$app_id.desktop" || fail "desktop-file-validate rejected $app_id.desktop"
    echo "check-deb: desktop-file-validate passed"
else
    echo "check-deb: desktop-file-validate not installed, skipped (desktop-file-utils)"
fi

if command -v appstreamcli >/dev/null 2>&1; then
    appstreamcli validate --no-net "$share/metainfo/$app_id.metainfo.xml" ||
        fail "appstreamcli validate rejected $app_id.metainfo.xml"
    echo "check-deb: appstreamcli validate passed"
else
    echo "check-deb: appstreamcli not installed, skipped (appstream)"
fi

svg=$share/icons/hicolor/scalable/apps/$app_id.svg
grep -q '<svg[[:space:]]' "$svg" || fail "$app_id.svg has no <svg> element"
if command -v xmllint >/dev/null 2>&1; then
    xmllint --noout "$svg" || fail "$app_id.svg is not well-formed XML"
    echo "check-deb: xmllint passed on the icon"
else
    echo "check-deb: xmllint not installed, icon XML check skipped (libxml2-utils)"
fi

echo "check-deb: OK"

#!/usr/bin/env bash
# Installs the system libraries Graphshot links against (Cairo, FreeType, libpng, zlib, libdeflate, SQLite)
# and the tools its tests use to turn SVG and PDF output back into pixels (rsvg-convert from
# librsvg2-bin, pdftoppm from poppler-utils) when they are missing. Debian/Ubuntu only;
# prints what to install elsewhere.
set -euo pipefail

have_libs() {
    command -v pkg-config >/dev/null 2>&1 \
        && pkg-config --exists cairo-ft cairo-svg cairo-pdf freetype2 libpng zlib libdeflate sqlite3 2>/dev/null \
        && command -v rsvg-convert >/dev/null 2>&1 \
        && command -v pdftoppm >/dev/null 2>&1
}

# The service's client tests drive `graphshot serve` with the real boto3 and aws CLI
# (pinned in tests-python/requirements.txt).
install_python_clients() {
    python3 -m pip install -q --disable-pip-version-check -r tests-python/requirements.txt
}

if have_libs; then
    install_python_clients
    exit 0
fi

packages="libcairo2-dev libfreetype-dev libpng-dev zlib1g-dev libdeflate-dev libsqlite3-dev pkg-config librsvg2-bin poppler-utils"
if ! command -v apt-get >/dev/null 2>&1; then
    echo "graphshot: please install Cairo, FreeType, libpng, zlib, libdeflate and SQLite development packages, pkg-config, rsvg-convert and pdftoppm" >&2
    exit 1
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
echo "graphshot: installing $packages" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $packages >/dev/null
have_libs || { echo "graphshot: system libraries still missing after install" >&2; exit 1; }
install_python_clients

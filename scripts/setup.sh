#!/usr/bin/env bash
# Set up a fresh Debian machine for communique: system libraries and fonts, then a virtual
# environment with the package and its test tools. Safe to run again; it skips what is there.
set -euo pipefail
cd "$(dirname "$0")/.."

# libharfbuzz-subset0: reproducible font subsetting; libthai0: Pango's word breaks in Thai;
# fonts-noto-core: Latin, Cyrillic, Armenian, Arabic, Hebrew, Devanagari, Bengali, Thai glyphs;
# fonts-noto-cjk: Chinese, Japanese and Korean; poppler-utils: pdftoppm/pdftotext for looking at
# PDFs; chromium: browser tests; libreoffice-writer-nogui: opens the Word editions in the tests
# (WITH_OFFICE=1).
APT_PACKAGES="libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 libthai0 fontconfig fonts-noto-core fonts-noto-cjk fonts-dejavu-core poppler-utils"
if [ "${WITH_BROWSER:-0}" = 1 ]; then APT_PACKAGES="$APT_PACKAGES chromium"; fi
if [ "${WITH_OFFICE:-0}" = 1 ]; then APT_PACKAGES="$APT_PACKAGES libreoffice-writer-nogui"; fi
missing=""
for pkg in $APT_PACKAGES; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing="$missing $pkg"
done
if [ -n "$missing" ]; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  echo "installing system packages:$missing"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.communique-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip 2>&1 | grep -v "^WARNING: Location" || true
  .venv/bin/python -m pip install --quiet -e ".[test]" 2>&1 | grep -v "^WARNING: Location" || true
  .venv/bin/python -c "import communique, weasyprint" && touch "$stamp"
fi

# Byte-identical PDFs need HarfBuzz's font subsetter: without it WeasyPrint falls back to
# fontTools, which stamps the time into every font (the build then warns on each edition).
if ! .venv/bin/python -c "from communique.render.pdf import reproducible_fonts as ok; raise SystemExit(not ok())"; then
  echo "warning: libharfbuzz-subset0 cannot be loaded: PDFs will differ from build to build" >&2
fi

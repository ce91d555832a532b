#!/usr/bin/env bash
# Idempotent set-up: system packages, the venv, Python dependencies, the database.
# Used by `make setup`, `make run` and `make test`. Installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

# --- system packages -----------------------------------------------------------------
# LibreOffice 7.4 (Debian 12) crashes under unoserver on every spreadsheet; 25.2 from
# bookworm-backports (Debian's own archive) does not. Debian 13 and Ubuntu ship a new one.
. /etc/os-release
LO_PACKAGES="libreoffice-writer-nogui libreoffice-calc-nogui libreoffice-impress-nogui python3-uno"
# gettext: msgfmt, which compiles the translations (src/wenku/locale) at set-up.
# Fonts: Noto CJK for Chinese names (conversion/fonts.conf maps them), HanaMin for CJK
# Extension B (outside the BMP, which Noto lacks), and the metric-compatible fonts for Western
# names (Times New Roman/Arial/Courier New -> Liberation, Calibri -> Carlito, Cambria -> Caladea)
# so that pages break where Office breaks them.
FONT_PACKAGES="fonts-noto-cjk fonts-hanazono fonts-liberation2 fonts-crosextra-carlito fonts-crosextra-caladea"
# redis-server: the tests start one on a free port for the shared-cache tests (WENKU_CACHE_URL).
# Tesseract's models for OCR of scanned pages (conversion/ocr.py reads them through tesserocr),
# and its command line (bench/ocr.py compares it).
OCR_PACKAGES="tesseract-ocr tesseract-ocr-chi-sim tesseract-ocr-chi-tra tesseract-ocr-eng"
OTHER_PACKAGES="$FONT_PACKAGES $OCR_PACKAGES fontconfig qpdf gettext redis-server"
# For the browser tests (chromium; on Ubuntu a snap wrapper) and bench/page.py (wrk); not fatal.
OPTIONAL_PACKAGES="chromium wrk"
# faketime: the test command runs its second pass at 23:30 UTC (scripts/test.sh).
OTHER_PACKAGES_TEST="faketime"
missing=()
for p in $LO_PACKAGES $OTHER_PACKAGES $OTHER_PACKAGES_TEST $OPTIONAL_PACKAGES; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "==> installing system packages: ${missing[*]}"
  target=()
  if [ "${ID:-}" = "debian" ] && [ "${VERSION_CODENAME:-}" = "bookworm" ]; then
    if ! grep -rqs "bookworm-backports" /etc/apt/sources.list /etc/apt/sources.list.d/; then
      printf 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
        | $SUDO tee /etc/apt/sources.list.d/wenku-backports.sources >/dev/null
    fi
    target=(-t bookworm-backports)
  fi
  $SUDO apt-get update -qq
  # LibreOffice from backports; everything else from the release itself.
  lo=(); other=(); optional=()
  for p in "${missing[@]}"; do
    case " $LO_PACKAGES " in *" $p "*) lo+=("$p"); continue;; esac
    case " $OPTIONAL_PACKAGES " in *" $p "*) optional+=("$p"); continue;; esac
    other+=("$p")
  done
  if [ ${#lo[@]} -gt 0 ]; then
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${target[@]}" "${lo[@]}"
  fi
  if [ ${#other[@]} -gt 0 ]; then
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${other[@]}"
  fi
  if [ ${#optional[@]} -gt 0 ]; then
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${optional[@]}" \
      || echo "warning: could not install ${optional[*]}; browser tests will be skipped"
  fi
fi

# --- Python venv -------------------------------------------------------------------------
find_python() {
  for candidate in python3.13 python3.12; do
    if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import venv, ensurepip' 2>/dev/null; then
      command -v "$candidate"; return
    fi
  done
  for candidate in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.13*/bin/python3 "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.12*/bin/python3; do
    if [ -x "$candidate" ]; then echo "$candidate"; return; fi
  done
  if command -v python3 >/dev/null && python3 -c 'import sys; sys.exit(sys.version_info < (3, 12))'; then
    command -v python3; return
  fi
  return 1
}
if [ ! -x .venv/bin/python ]; then
  PY=$(find_python) || { echo "Python >= 3.12 not found (looked on PATH and in pyenv)"; exit 1; }
  echo "==> creating .venv with $PY"
  "$PY" -m venv .venv
fi
stamp=.venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)
if [ ! -f "$stamp" ]; then
  echo "==> installing Python dependencies"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e '.[dev]'
  rm -f .venv/.installed-*
  touch "$stamp"
fi

# --- database ------------------------------------------------------------------------------
.venv/bin/wenku migrate --noinput -v 0
# Documents published before the search and discovery apps (or an index table that a migration
# replaced) get their index rows, keywords and signatures; with nothing missing both are quick.
.venv/bin/wenku reindex --missing >/dev/null
.venv/bin/wenku discovery_reindex >/dev/null

# --- translations ------------------------------------------------------------------------
# The .mo files are built here, not committed; only those older than their .po are rebuilt.
# Run from the package folder so that only Wenku's own locale folder is searched.
( cd src/wenku && ../../.venv/bin/wenku compilemessages -v 0 )
echo "==> setup done"

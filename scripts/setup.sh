#!/usr/bin/env bash
# One-time (and idempotent, quick when done) set-up of a Debian 12 machine for Teritoriu:
# Debian packages, the Python 3.12 virtualenv with the project installed, the web assets.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

# -- Debian packages ----------------------------------------------------------------------
PACKAGES=(
  postgresql-15 postgresql-15-postgis-3       # the database (pg_trgm, unaccent included)
  gdal-bin                                    # ogrinfo: a real OGC API client for the tests
  python3-qgis                                # QGIS 3.22 as agencies run it, a client in the tests
  chromium                                    # the browser driven by Playwright in the tests
  libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0   # WeasyPrint (PDF certificates)
  fonts-dejavu-core fonts-liberation2         # fonts with Romanian diacritics (ș ț)
  poppler-utils                               # pdftoppm/pdftotext to look at the PDFs
  slapd ldap-utils                            # a real OpenLDAP directory, started by tests/test_sso_ldap.py
  nginx-light                                 # the README's reverse proxy, run by tests/test_tiles_nginx.py
)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# web assets from the npm registry: any Node.js with npm will do (Debian's, or NodeSource's)
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
if ((${#missing[@]})); then
  say "Installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
  # Debian starts its own "main" cluster on 5432; Teritoriu runs its own under var/.
fi

# -- Python 3.12 virtualenv ---------------------------------------------------------------
find_python() {
  for c in python3.12 "$(pyenv root 2>/dev/null)"/versions/3.12*/bin/python3.12 \
           "$HOME"/.pyenv/versions/3.12*/bin/python3.12 /usr/local/bin/python3.12 /usr/bin/python3.12; do
    if [ -x "$(command -v "$c" 2>/dev/null || echo "$c")" ] && "$c" -c 'import sys; assert sys.version_info[:2] == (3, 12)' 2>/dev/null; then
      echo "$c"; return 0
    fi
  done
  return 1
}
if [ ! -x .venv/bin/python ]; then
  PY=$(find_python) || { echo "Python 3.12 is required (pyenv install 3.12, or a python3.12 on PATH)" >&2; exit 1; }
  say "Creating .venv with $PY"
  "$PY" -m venv .venv
  .venv/bin/pip install -q --upgrade pip 2>&1 | grep -v '^WARNING: Location' || true
fi
if [ ! -f .venv/.installed ] || [ pyproject.toml -nt .venv/.installed ]; then
  say "Installing Teritoriu and its dependencies into .venv"
  .venv/bin/pip install -q -e '.[dev]' 2>&1 | grep -v -e '^WARNING: Location' -e 'BuildBackendWarning' || true
  .venv/bin/python -c 'import api, gis, layers, pygeoapi, folium, rasterio, geopandas' 
  touch .venv/.installed
fi

# -- Web assets (npm, pinned by webmap/package-lock.json) ------------------------------------
if [ -x scripts/install-web-assets.sh ]; then
  scripts/install-web-assets.sh
fi
# the OpenID provider tests/test_sso_oidc.py starts (oidc-provider, pinned by its package-lock.json)
if [ ! -d tests/clients/oidc/node_modules ] || [ tests/clients/oidc/package-lock.json -nt tests/clients/oidc/node_modules ]; then
  (cd tests/clients/oidc && npm ci --no-audit --no-fund --loglevel=error && touch node_modules)
fi

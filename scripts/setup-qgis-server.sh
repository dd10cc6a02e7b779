#!/bin/sh
# QGIS Server from Debian's packages, for the side-by-side benchmark (python -m bench --qgis).
set -eu
if command -v qgis_mapserver >/dev/null && /usr/bin/python3 -c "import qgis.core" 2>/dev/null; then
    echo "QGIS Server is installed: $(qgis_mapserver --version 2>/dev/null | head -1)"
    exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends qgis-server python3-qgis

#!/usr/bin/env bash
# Web assets from the npm registry, pinned by webmap/package-lock.json, copied into
# webmap/static/vendor (served by the app itself: the pages never load anything from a CDN).
# Quick when done: skipped while the vendor folder is newer than the lock file.
set -euo pipefail
cd "$(dirname "$0")/../webmap"
stamp=static/vendor/.installed
if [ -f "$stamp" ] && [ "$stamp" -nt package-lock.json ]; then
  exit 0
fi
echo "==> Installing web assets (npm ci)"
npm ci --no-audit --no-fund --loglevel=error   # dev dependencies too: axe-core (the a11y audit in tests), ESLint (make lint)
rm -rf static/vendor
mkdir -p static/vendor/leaflet
cp node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css static/vendor/leaflet/
cp -r node_modules/leaflet/dist/images static/vendor/leaflet/
mkdir -p static/vendor/vectorgrid
cp node_modules/leaflet.vectorgrid/dist/Leaflet.VectorGrid.bundled.min.js static/vendor/vectorgrid/
mkdir -p static/vendor/leaflet-draw
cp node_modules/leaflet-draw/dist/leaflet.draw.js node_modules/leaflet-draw/dist/leaflet.draw.css static/vendor/leaflet-draw/
cp -r node_modules/leaflet-draw/dist/images static/vendor/leaflet-draw/
# MapLibre GL JS: not used by Teritoriu's own pages; the page from another origin in the tests
# (tests/e2e/test_maplibre_other_origin.py) loads it to prove the OGC tiles, styles and CORS
mkdir -p static/vendor/maplibre-gl
cp node_modules/maplibre-gl/dist/maplibre-gl.js node_modules/maplibre-gl/dist/maplibre-gl.css static/vendor/maplibre-gl/
# pygeoapi's own HTML pages (/ogc?f=html, templates in webmap/templates/pygeoapi)
mkdir -p static/vendor/bootstrap static/vendor/markercluster static/vendor/swagger-ui
cp node_modules/bootstrap/dist/css/bootstrap.min.css static/vendor/bootstrap/
cp node_modules/leaflet.markercluster/dist/leaflet.markercluster.js node_modules/leaflet.markercluster/dist/MarkerCluster.css \
   node_modules/leaflet.markercluster/dist/MarkerCluster.Default.css static/vendor/markercluster/
cp node_modules/swagger-ui-dist/swagger-ui-bundle.js node_modules/swagger-ui-dist/swagger-ui-standalone-preset.js \
   node_modules/swagger-ui-dist/swagger-ui.css node_modules/swagger-ui-dist/favicon-32x32.png static/vendor/swagger-ui/
# Chart.js (the UMD bundle, no dependencies at run time): the charts of /office/indicatori
mkdir -p static/vendor/chartjs && cp node_modules/chart.js/dist/chart.umd.min.js static/vendor/chartjs/
touch "$stamp"

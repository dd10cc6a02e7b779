"""Real OGC clients against a running server: GDAL's OAPIF driver and OWSLib, compared with
PostGIS and with a known location."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from sqlalchemy import text

from layers.registry import load_layers

EPSG3844 = "http://www.opengis.net/def/crs/EPSG/0/3844"
PUBLIC = sorted(lid for lid, layer in load_layers().items() if layer.is_public)
needs_gdal = pytest.mark.skipif(shutil.which("ogr2ogr") is None, reason="gdal-bin: make setup")


@needs_gdal
@pytest.mark.slow
@pytest.mark.parametrize("collection", PUBLIC)
def test_gdal_reads_every_public_collection_whole(live_server, engine, tmp_path, collection):
    layer = load_layers()[collection]
    out = tmp_path / f"{collection}.geojson"
    subprocess.run(["ogr2ogr", "-f", "GeoJSON", str(out), f"OAPIF:{live_server}/ogc", collection],
                   check=True, capture_output=True, timeout=300)
    features = json.loads(out.read_text())["features"]
    with engine.connect() as c:
        expected = c.execute(text(f"SELECT count(*) FROM {layer.source}")).scalar_one()  # noqa: S608
    assert len(features) == expected > 0


@needs_gdal
def test_gdal_filters_by_bbox_and_attribute_server_side(live_server, engine):
    """ogrinfo's spatial and attribute filters become bbox= and property= requests (GDAL 3.6:
    CRS84 only); the parcel comes back where it is, in Bihor."""
    with engine.connect() as c:
        lon, lat, number = c.execute(text(
            "SELECT ST_X(p), ST_Y(p), cadastral_number FROM (SELECT ST_Transform(ST_PointOnSurface("
            "geom), 4326) p, cadastral_number FROM public_api.parcel ORDER BY cadastral_number LIMIT 1) s")).one()
    d = 0.00002
    res = subprocess.run(
        ["ogrinfo", "-ro", "-q", "-spat", str(lon - d), str(lat - d), str(lon + d), str(lat + d),
         "-where", f"cadastral_number = '{number}'", f"OAPIF:{live_server}/ogc", "parcels"],
        capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    assert f"cadastral_number (String) = {number}" in res.stdout
    assert res.stdout.count("OGRFeature(parcels)") == 1
    first = res.stdout.split("MULTIPOLYGON (((")[1].split(",")[0].split()
    assert 21.5 < float(first[0]) < 22.3 and 46.7 < float(first[1]) < 47.3


def test_owslib_lists_collections_and_gets_the_bbox_postgis_gets(live_server, engine):
    from owslib.ogcapi.features import Features

    api = Features(live_server + "/ogc")
    ids = {c["id"] for c in api.collections()["collections"]}
    assert set(PUBLIC) <= ids
    with engine.connect() as c:
        e, n = c.execute(text("SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_PointOnSurface(geom) p FROM "
                              "public_api.parcel WHERE intravilan ORDER BY id LIMIT 1) s")).one()
        box = (e - 100, n - 100, e + 100, n + 100)
        expected = set(c.execute(text(
            "SELECT id FROM public_api.parcel WHERE ST_Intersects(geom, ST_MakeEnvelope(:a, :b, :c, :d, 3844))"),
            dict(zip("abcd", box, strict=True))).scalars())
    # bbox in EPSG:3844's own axis order (northing, easting), as OGC API Features Part 2 wants
    result = api.collection_items("parcels", bbox=[box[1], box[0], box[3], box[2]],
                                  **{"bbox-crs": EPSG3844, "crs": EPSG3844, "limit": 1000})
    assert {f["id"] for f in result["features"]} == expected and len(expected) > 1
    first = result["features"][0]["geometry"]["coordinates"][0][0][0]
    assert first[0] > 600000 > first[1], "northing first in EPSG:3844"


def test_a_qgis_style_round_trip_keeps_coordinates_to_the_millimetre(client, engine):
    """Read a parcel in EPSG:3844 (N, E), send its own vertices back as bbox: it is found and
    its coordinates equal the stored ones to 1 mm."""
    with engine.connect() as c:
        pid, coords = c.execute(text(
            "SELECT id, ST_AsGeoJSON(geom, 6)::json -> 'coordinates' FROM public_api.parcel "
            "ORDER BY id DESC LIMIT 1")).one()
    feature = client.get(f"/ogc/collections/parcels/items/{pid}?f=json&crs={EPSG3844}").get_json()
    ring = feature["geometry"]["coordinates"][0][0]
    stored = coords[0][0]
    assert all(abs(a[0] - b[1]) <= 0.001 and abs(a[1] - b[0]) <= 0.001
               for a, b in zip(ring, stored, strict=True))
    ns = [p[0] for p in ring]
    es = [p[1] for p in ring]
    bbox = f"{min(ns)},{min(es)},{max(ns)},{max(es)}"
    found = client.get(f"/ogc/collections/parcels/items?f=json&bbox={bbox}&bbox-crs={EPSG3844}"
                       f"&crs={EPSG3844}&limit=100").get_json()
    assert pid in {f["id"] for f in found["features"]}

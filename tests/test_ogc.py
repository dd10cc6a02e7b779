"""/ogc: collections generated from layers/, coordinates checked against PostGIS and a known
location, both axis orders, and a real client (GDAL's OAPIF driver) over HTTP."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from sqlalchemy import text

from gis.crs import transformer
from layers.registry import load_layers

EPSG3844 = "http://www.opengis.net/def/crs/EPSG/0/3844"


def test_collections_are_the_public_layers_of_the_registry(client):
    body = client.get("/ogc/collections?f=json").get_json()
    ids = {c["id"] for c in body["collections"]}
    public = {lid for lid, layer in load_layers().items() if layer.is_public}
    assert ids == public | {"orthophoto", "catalogue"}  # catalogue: layers/catalogue.py
    assert {"parcels", "streets", "zones"} <= ids


def test_a_parcel_lies_where_it_is_in_bihor_in_crs84(client, parcel):
    """Known location: the sample commune is in Bihor, about 21.7-22.0 E, 46.9-47.1 N."""
    bbox = f"{parcel['lon'] - 1e-5},{parcel['lat'] - 1e-5},{parcel['lon'] + 1e-5},{parcel['lat'] + 1e-5}"
    body = client.get(f"/ogc/collections/parcels/items?f=json&bbox={bbox}").get_json()
    numbers = [f["properties"]["cadastral_number"] for f in body["features"]]
    assert parcel["cadastral_number"] in numbers
    feature = next(f for f in body["features"] if f["id"] == parcel["id"])
    lon, lat = feature["geometry"]["coordinates"][0][0][0]
    assert 21.5 < lon < 22.3 and 46.7 < lat < 47.3, "CRS84 is longitude, latitude"


def test_crs84_coordinates_match_pyproj_always_xy(client, engine, parcel):
    body = client.get(f"/ogc/collections/parcels/items/{parcel['id']}?f=json").get_json()
    lon, lat = body["geometry"]["coordinates"][0][0][0]
    with engine.connect() as c:
        e, n = c.execute(text("SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_PointN(ST_ExteriorRing("
                              "ST_GeometryN(geom, 1)), 1) p FROM cadastre.parcel WHERE id = :i) s"),
                         {"i": parcel["id"]}).one()
    expect_lon, expect_lat = transformer(3844, 4326).transform(e, n)
    assert lon == pytest.approx(expect_lon, abs=1e-8)
    assert lat == pytest.approx(expect_lat, abs=1e-8)


def test_epsg3844_output_is_northing_first_and_exact_to_the_millimetre(client, engine, parcel):
    r = client.get(f"/ogc/collections/parcels/items/{parcel['id']}?f=json&crs={EPSG3844}")
    assert r.status_code == 200
    assert r.headers["Content-Crs"] == f"<{EPSG3844}>"
    first = r.get_json()["geometry"]["coordinates"][0][0][0]
    with engine.connect() as c:
        e, n = c.execute(text("SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_PointN(ST_ExteriorRing("
                              "ST_GeometryN(geom, 1)), 1) p FROM cadastre.parcel WHERE id = :i) s"),
                         {"i": parcel["id"]}).one()
    assert first == [pytest.approx(n, abs=0.001), pytest.approx(e, abs=0.001)]


def test_bbox_in_epsg3844_selects_what_postgis_selects(client, engine, parcel):
    e, n = parcel["e"], parcel["n"]
    box = (e - 100, n - 100, e + 100, n + 100)  # 200 m, (E, N) as PostGIS wants
    with engine.connect() as c:
        expected = set(c.execute(text(
            "SELECT id FROM public_api.parcel WHERE ST_Intersects(geom, ST_MakeEnvelope(:a, :b, :c, :d, 3844))"),
            dict(zip("abcd", box, strict=True))).scalars())
    # OGC API Features Part 2: a bbox in bbox-crs follows that CRS's axis order (N, E for 3844)
    bbox = f"{box[1]},{box[0]},{box[3]},{box[2]}"
    r = client.get(f"/ogc/collections/parcels/items?f=json&limit=1000&bbox={bbox}&bbox-crs={EPSG3844}")
    assert r.status_code == 200
    got = {f["id"] for f in r.get_json()["features"]}
    assert len(expected) > 1
    assert got == expected


def test_items_page_with_stable_next_links(client):
    first = client.get("/ogc/collections/streets/items?f=json&limit=5").get_json()
    second = client.get("/ogc/collections/streets/items?f=json&limit=5&offset=5").get_json()
    assert len(first["features"]) == 5
    assert {f["id"] for f in first["features"]}.isdisjoint({f["id"] for f in second["features"]})
    assert any(link["rel"] == "next" for link in first["links"])


def test_an_unknown_item_is_a_404_with_a_message(client):
    r = client.get("/ogc/collections/parcels/items/999999999?f=json")
    assert r.status_code == 404
    assert r.get_json()["description"]


def test_a_crs_not_offered_is_a_400(client):
    r = client.get("/ogc/collections/parcels/items?f=json&crs=http://www.opengis.net/def/crs/EPSG/0/2154")
    assert r.status_code == 400
    assert "not supported" in r.get_json()["description"]


def test_a_cql2_json_filter_is_posted_as_a_query(client, parcel):
    body = {"op": "=", "args": [{"property": "cadastral_number"}, parcel["cadastral_number"]]}
    r = client.post("/ogc/collections/parcels/items?f=json", json=body,
                    headers={"Content-Type": "application/query-cql-json"})
    assert r.status_code == 200
    assert [f["properties"]["cadastral_number"] for f in r.get_json()["features"]] == [parcel["cadastral_number"]]
    hidden = {"op": "=", "args": [{"property": "id_code"}, "1"]}
    bad = client.post("/ogc/collections/parcels/items?f=json", json=hidden)
    assert bad.status_code == 400 and "id_code" in bad.get_json()["description"]


def test_writes_are_not_mounted(client):
    r = client.post("/ogc/collections/parcels/items", data="{}", content_type="application/geo+json")
    assert r.status_code == 400 and "writes are not accepted" in r.get_json()["description"]
    assert client.delete("/ogc/collections/parcels/items/1").status_code == 405


@pytest.mark.slow  # the command line in subprocesses / GDAL reading every page
@pytest.mark.skipif(shutil.which("ogr2ogr") is None, reason="gdal-bin is installed by make setup")
def test_gdal_oapif_reads_every_parcel(live_server, engine, tmp_path):
    out = tmp_path / "parcels.geojson"
    subprocess.run(["ogr2ogr", "-f", "GeoJSON", str(out), f"OAPIF:{live_server}/ogc", "parcels"],
                   check=True, capture_output=True, timeout=300)
    features = json.loads(out.read_text())["features"]
    with engine.connect() as c:
        expected = c.execute(text("SELECT count(*) FROM public_api.parcel")).scalar_one()
    assert len(features) == expected > 0
    assert "id_code" not in features[0]["properties"]

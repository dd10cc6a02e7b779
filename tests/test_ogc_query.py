"""What an OGC items query finds (issue 16, items 2, 3, 8, 11), over real HTTP against PostGIS,
and with GDAL's own output: the bbox as the exact area it covers, typed query-parameter filters,
EPSG:4326 latitude first, and an exact numberMatched on every page."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest
import requests
from sqlalchemy import text

EPSG4326 = "http://www.opengis.net/def/crs/EPSG/0/4326"
EPSG3857 = "http://www.opengis.net/def/crs/EPSG/0/3857"
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
needs_gdal = pytest.mark.skipif(shutil.which("ogr2ogr") is None, reason="gdal-bin: make setup")


def count(engine, sql: str, **params) -> int:
    with engine.connect() as c:
        return c.execute(text(sql), params).scalar_one()


def items(live_server, **params) -> dict:
    r = requests.get(f"{live_server}/ogc/collections/parcels/items", params={"f": "json", **params}, timeout=60)
    assert r.status_code == 200, r.text
    return r.json()


def refused(live_server, **params) -> str:
    r = requests.get(f"{live_server}/ogc/collections/parcels/items", params={"f": "json", **params}, timeout=60)
    assert r.status_code == 400, (params, r.status_code, r.text[:200])
    body = r.json()
    assert body["code"] and body["type"] and body["description"]
    return body["description"]


@pytest.fixture(scope="module")
def parcel(engine) -> dict:
    """An intravilan sample parcel near the middle of the commune: id, a point on it in lon/lat."""
    with engine.connect() as c:
        return c.execute(text("""
            SELECT id, ST_X(p) AS lon, ST_Y(p) AS lat FROM (
                SELECT id, ST_Transform(ST_PointOnSurface(geom), 4326) AS p FROM public_api.parcel
                WHERE intravilan ORDER BY ST_Distance(geom, (SELECT ST_Centroid(ST_Collect(geom))
                                                             FROM public_api.parcel)) LIMIT 1) s""")).one()._asdict()


# -- bbox (item 2) --------------------------------------------------------------------------------
@pytest.mark.parametrize("bbox", ["-180,-90,180,90", "-60,20,100,80", "-179,46,22,47.5"])
def test_large_crs84_boxes_find_every_parcel_inside_them(live_server, engine, bbox):
    w, s, e, n = (float(v) for v in bbox.split(","))
    expected = count(engine, "SELECT count(*) FROM public_api.parcel WHERE "
                             "ST_Intersects(ST_Transform(geom, 4326), ST_MakeEnvelope(:w, :s, :e, :n, 4326))",
                     w=w, s=s, e=e, n=n)
    body = items(live_server, bbox=bbox, limit=1)
    assert body["numberMatched"] == expected > 0
    if bbox == "-180,-90,180,90":  # the world holds every parcel, whatever other tests added where
        assert expected == count(engine, "SELECT count(*) FROM public_api.parcel")
    assert body["numberReturned"] == 1


def test_a_web_mercator_world_box_finds_every_parcel(live_server, engine):
    body = items(live_server, bbox="-20037508,-20048966,20037508,20048966", **{"bbox-crs": EPSG3857}, limit=1)
    assert body["numberMatched"] == count(engine, "SELECT count(*) FROM public_api.parcel") > 0


def test_a_small_crs84_box_finds_what_cql2_s_intersects_with_the_same_box_finds(live_server, engine, parcel):
    lon, lat, d = parcel["lon"], parcel["lat"], 0.004
    w, s, e, n = lon - d, lat - d / 2, lon + d, lat + d / 2
    by_bbox = items(live_server, bbox=f"{w},{s},{e},{n}", limit=2000)
    polygon = f"POLYGON(({w} {s},{e} {s},{e} {n},{w} {n},{w} {s}))"
    by_cql = items(live_server, filter=f"S_INTERSECTS(geometry,{polygon})", limit=2000)
    ids = {f["id"] for f in by_bbox["features"]}
    assert ids == {f["id"] for f in by_cql["features"]}
    assert by_bbox["numberMatched"] == by_cql["numberMatched"] == len(ids)
    # the same area computed by PostGIS alone, and smaller than the box's Stereo 70 envelope (two corners)
    in_postgis = count(engine, "SELECT count(*) FROM public_api.parcel WHERE ST_Intersects(geom, "
                               "ST_Transform(ST_Segmentize(ST_MakeEnvelope(:w, :s, :e, :n, 4326), 0.0001), 3844))",
                       w=w, s=s, e=e, n=n)
    envelope = count(engine, "SELECT count(*) FROM public_api.parcel WHERE geom && "
                             "ST_Transform(ST_MakeEnvelope(:w, :s, :e, :n, 4326), 3844)", w=w, s=s, e=e, n=n)
    assert 0 < len(ids) == in_postgis < envelope < 2000


@pytest.mark.parametrize("bbox, says", [
    ("200,46.88,21.70,46.89", "longitude"), ("21,-95,22,47", "latitude"), ("21,47,22,46", "lower latitude"),
    ("21,46,22", "4 numbers"), ("21,46,22,47,3", "4 numbers"), ("a,b,c,d", "numbers"), ("nan,46,22,47", "finite"),
    ("21,46,inf,47", "finite"), ("", "4 numbers"), ("21,46,0,22,47,-1", "height"),
])
def test_an_impossible_box_is_a_400_that_says_why(live_server, bbox, says):
    assert says in refused(live_server, bbox=bbox)


def test_a_projected_box_may_not_cross_itself(live_server):
    assert "antimeridian" in refused(live_server, bbox="2500000,5900000,2300000,6000000", **{"bbox-crs": EPSG3857})


def test_a_box_across_the_antimeridian_is_read_as_two(live_server, engine):
    """170..25 E crosses the antimeridian: -180..25 holds the commune; 170..-170 holds nothing."""
    total = count(engine, "SELECT count(*) FROM public_api.parcel")
    assert items(live_server, bbox="170,40,25,50", limit=1)["numberMatched"] == total > 0
    assert items(live_server, bbox="170,40,-170,50", limit=1)["numberMatched"] == 0


def test_a_box_outside_the_storage_crs_area_is_empty_not_an_error(live_server):
    body = items(live_server, bbox="100,0,110,10")
    assert body["numberMatched"] == body["numberReturned"] == 0 and body["features"] == []


# -- typed query-parameter filters (item 3) ------------------------------------------------------
@pytest.mark.parametrize("value", ["1", "true", "TRUE"])
def test_intravilan_as_1_or_true_finds_the_intravilan_parcels(live_server, engine, value):
    expected = count(engine, "SELECT count(*) FROM public_api.parcel WHERE intravilan")
    body = items(live_server, intravilan=value, limit=5000)
    assert body["numberMatched"] == body["numberReturned"] == expected > 0
    assert all(f["properties"]["intravilan"] is True for f in body["features"])


def test_intravilan_0_finds_the_others(live_server, engine):
    expected = count(engine, "SELECT count(*) FROM public_api.parcel WHERE NOT intravilan")
    assert items(live_server, intravilan="0", limit=1)["numberMatched"] == expected > 0


def test_a_number_is_the_same_number_however_written(live_server, engine):
    area = count(engine, "SELECT legal_area FROM public_api.parcel WHERE legal_area = round(legal_area) "
                         "GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1")
    expected = count(engine, "SELECT count(*) FROM public_api.parcel WHERE legal_area = :a", a=area)
    plain = items(live_server, legal_area=str(int(area)), limit=100)
    decimals = items(live_server, legal_area=f"{int(area)}.00", limit=100)
    assert {f["id"] for f in plain["features"]} == {f["id"] for f in decimals["features"]}
    assert plain["numberMatched"] == decimals["numberMatched"] == expected > 0


@pytest.mark.parametrize("name, value, says", [
    ("intravilan", "maybe", "true or false"), ("legal_area", "abc", "a number"), ("version", "1.5", "integer"),
    ("legal_area", "NaN", "finite"), ("uat_siruta", "99999999999", "out of range"),
])
def test_a_value_its_property_cannot_hold_is_a_400(live_server, name, value, says):
    assert says in refused(live_server, **{name: value})


def test_the_queryables_say_each_property_s_json_type(live_server):
    r = requests.get(f"{live_server}/ogc/collections/parcels/queryables", params={"f": "json"}, timeout=30)
    props = r.json()["properties"]
    assert props["intravilan"]["type"] == "boolean"
    assert props["legal_area"]["type"] == props["measured_area"]["type"] == "number"
    assert props["version"]["type"] == props["uat_siruta"]["type"] == "integer"
    assert props["cadastral_number"]["type"] == "string"


# -- EPSG:4326 axis order (item 8) ---------------------------------------------------------------
def test_epsg4326_answers_latitude_first_and_crs84_longitude_first(live_server, parcel):
    url = f"{live_server}/ogc/collections/parcels/items/{parcel['id']}"
    r = requests.get(url, params={"f": "json", "crs": EPSG4326}, timeout=30)
    assert r.headers["Content-Crs"] == f"<{EPSG4326}>"
    lat, lon = r.json()["geometry"]["coordinates"][0][0][0]
    assert 46.7 < lat < 47.3 and 21.5 < lon < 22.3
    r = requests.get(url, params={"f": "json", "crs": CRS84}, timeout=30)
    lon, lat = r.json()["geometry"]["coordinates"][0][0][0]
    assert 46.7 < lat < 47.3 and 21.5 < lon < 22.3
    page = items(live_server, crs=EPSG4326, limit=3)
    assert all(46.7 < f["geometry"]["coordinates"][0][0][0][0] < 47.3 for f in page["features"])


def test_a_bbox_in_epsg4326_is_read_latitude_first(live_server, parcel):
    lon, lat, d = parcel["lon"], parcel["lat"], 1e-5
    found = items(live_server, bbox=f"{lat - d},{lon - d},{lat + d},{lon + d}", **{"bbox-crs": EPSG4326})
    assert parcel["id"] in {f["id"] for f in found["features"]}
    swapped = items(live_server, bbox=f"{lon - d},{lat - d},{lon + d},{lat + d}", **{"bbox-crs": EPSG4326})
    assert swapped["numberMatched"] == 0  # 21.7 N, 46.9 E: nowhere near the commune


def test_coordinates_read_in_epsg4326_find_their_parcel_again_as_a_bbox(live_server, parcel):
    """The round trip of a client feeding answers back into a query."""
    r = requests.get(f"{live_server}/ogc/collections/parcels/items/{parcel['id']}",
                     params={"f": "json", "crs": EPSG4326}, timeout=30)
    ring = r.json()["geometry"]["coordinates"][0][0]
    lats, lons = [p[0] for p in ring], [p[1] for p in ring]
    bbox = f"{min(lats)},{min(lons)},{max(lats)},{max(lons)}"
    back = items(live_server, bbox=bbox, **{"bbox-crs": EPSG4326}, crs=EPSG4326, limit=100)
    assert parcel["id"] in {f["id"] for f in back["features"]}
    lat, lon, d = ring[0][0], ring[0][1], 1e-7  # a vertex, to a centimetre
    corner = items(live_server, bbox=f"{lat - d},{lon - d},{lat + d},{lon + d}", **{"bbox-crs": EPSG4326})
    assert parcel["id"] in {f["id"] for f in corner["features"]}
    # a box with no area is a query like any other (the output's 9 decimals put the vertex within 0.1 mm)
    point = items(live_server, bbox=f"{lat},{lon},{lat},{lon}", **{"bbox-crs": EPSG4326})
    assert point["numberMatched"] == len(point["features"])
    assert point["numberMatched"] <= corner["numberMatched"]  # within the centimetre box around it


# -- numberMatched (item 11) -------------------------------------------------------------------
def test_every_page_carries_the_exact_number_matched(live_server, engine, parcel):
    total = count(engine, "SELECT count(*) FROM public_api.parcel")
    uat = count(engine, "SELECT uat_siruta FROM public_api.parcel LIMIT 1")
    in_uat = count(engine, "SELECT count(*) FROM public_api.parcel WHERE uat_siruta = :u", u=uat)
    cql = count(engine, "SELECT count(*) FROM public_api.parcel WHERE intravilan AND legal_area > 1000")
    assert items(live_server, limit=7)["numberMatched"] == total > 0
    last = items(live_server, limit=7, offset=total - 3)
    assert last["numberMatched"] == total and last["numberReturned"] == 3
    assert "next" not in {link["rel"] for link in last["links"]}
    assert items(live_server, offset=total + 5)["numberMatched"] == total
    assert items(live_server, uat=str(uat), limit=1)["numberMatched"] == in_uat > 0
    assert items(live_server, uat_siruta=str(uat), limit=1)["numberMatched"] == in_uat
    assert items(live_server, uat="1", limit=1)["numberMatched"] == 0
    assert items(live_server, filter="intravilan = true AND legal_area > 1000", limit=1)["numberMatched"] == cql > 0
    assert items(live_server, resulttype="hits")["numberMatched"] == total
    streets = requests.get(f"{live_server}/ogc/collections/streets/items", params={"f": "json"}, timeout=30).json()
    assert streets["numberMatched"] == count(engine, "SELECT count(*) FROM public_api.street") > 0


def test_the_kept_counts_equal_the_views_per_uat(engine):
    """public_api.feature_count (migration 0011) against the views themselves."""
    with engine.connect() as c:
        kept = {(s, u): n for s, u, n in c.execute(text("SELECT source, uat_siruta, n FROM public_api.feature_count"))}
        sources = {s for s, _ in kept}
        assert {"public_api.parcel", "public_api.building", "public_api.address_point"} <= sources
        for source in sources:
            per_uat = {k: v for k, v in kept.items() if k[0] == source and v}
            has_uat = c.execute(text("SELECT count(*) FROM information_schema.columns WHERE table_schema || '.' || "
                                     "table_name = :s AND column_name = 'uat_siruta'"), {"s": source}).scalar_one()
            if has_uat:
                actual = dict(c.execute(text(f"SELECT uat_siruta, count(*) FROM {source} GROUP BY 1")).all())  # noqa: S608
                assert {u: n for (_, u), n in per_uat.items()} == actual, source
            total = c.execute(text(f"SELECT count(*) FROM {source}")).scalar_one()  # noqa: S608
            assert sum(per_uat.values()) == total > 0, source


def test_the_counts_follow_a_new_version_and_a_retired_parcel(conn):
    """An edit closes a version (one fewer current parcel) and may open the next (one more)."""
    pid, uat = conn.execute(text("SELECT id, uat_siruta FROM cadastre.parcel WHERE valid_to IS NULL LIMIT 1")).one()

    def kept():
        return conn.execute(text("SELECT n FROM public_api.feature_count WHERE source = 'public_api.parcel' "
                                 "AND uat_siruta = :u"), {"u": uat}).scalar_one()

    before = kept()
    conn.execute(text("UPDATE cadastre.parcel SET valid_to = now() WHERE id = :i"), {"i": pid})
    assert kept() == before - 1
    columns = [r[0] for r in conn.execute(text(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = 'cadastre' AND table_name = 'parcel' "
        "AND column_name NOT IN ('id', 'valid_to', 'version') AND is_generated = 'NEVER'"))]
    names = ", ".join(columns)
    conn.execute(text(f"INSERT INTO cadastre.parcel ({names}, version) SELECT {names}, version + 1 "  # noqa: S608
                      "FROM cadastre.parcel WHERE id = :i"), {"i": pid})
    assert kept() == before
    assert before == conn.execute(text("SELECT count(*) FROM public_api.parcel WHERE uat_siruta = :u"),
                                  {"u": uat}).scalar_one()


# -- GDAL's own output --------------------------------------------------------------------------
def gdal(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(args, capture_output=True, text=True, timeout=300, env={**os.environ, **(env or {})})


@needs_gdal
def test_ogrinfo_prints_the_feature_count_after_few_requests(live_server, engine):
    url = f"OAPIF:{live_server}/ogc"
    res = gdal("ogrinfo", "-ro", "-so", url, "parcels")
    assert res.returncode == 0 and res.stderr == "", res.stderr
    expected = count(engine, "SELECT count(*) FROM public_api.parcel")
    assert f"Feature Count: {expected}" in res.stdout and expected > 0
    debug = gdal("ogrinfo", "-ro", "-so", url, "parcels", env={"CPL_DEBUG": "ON"})
    fetches = [line for line in debug.stderr.splitlines() if line.startswith("HTTP: Fetch(")]
    assert 1 <= len(fetches) <= 3, fetches


@needs_gdal
def test_ogr2ogr_copies_the_world_box_and_the_boolean_where(live_server, engine, tmp_path):
    url = f"OAPIF:{live_server}/ogc"
    world = tmp_path / "world.geojson"
    res = gdal("ogr2ogr", "-f", "GeoJSON", str(world), url, "parcels", "-spat", "-179", "46", "22", "47.5")
    assert res.returncode == 0 and res.stderr == "", res.stderr
    expected = count(engine, "SELECT count(*) FROM public_api.parcel WHERE "
                             "ST_Intersects(ST_Transform(geom, 4326), ST_MakeEnvelope(-179, 46, 22, 47.5, 4326))")
    assert len(json.loads(world.read_text())["features"]) == expected > 0

    intravilan = tmp_path / "intravilan.geojson"
    res = gdal("ogr2ogr", "-f", "GeoJSON", str(intravilan), url, "parcels", "-where", "intravilan = 1")
    assert res.returncode == 0 and res.stderr == "", res.stderr
    copied = [f["properties"] for f in json.loads(intravilan.read_text())["features"]]
    with engine.connect() as c:
        expected = set(c.execute(text("SELECT cadastral_number FROM public_api.parcel WHERE intravilan")).scalars())
    assert sorted(p["cadastral_number"] for p in copied) == sorted(expected) and len(expected) > 0
    assert all(p["intravilan"] is True for p in copied)


QGIS_COUNT = """
from qgis.core import QgsApplication, QgsVectorLayer
app = QgsApplication([], False)
app.initQgis()
layer = QgsVectorLayer("url='{url}' typename='parcels'", "p", "OAPIF")
print("valid", layer.isValid(), "count", layer.featureCount())
"""


@pytest.mark.skipif(subprocess.run(["/usr/bin/python3", "-c", "import qgis.core"], capture_output=True).returncode,
                    reason="python3-qgis: make setup")
def test_qgis_knows_the_feature_count_before_iterating(live_server, engine):
    res = subprocess.run(["/usr/bin/python3", "-c", QGIS_COUNT.format(url=f"{live_server}/ogc")], capture_output=True,
                         text=True, timeout=180, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    expected = count(engine, "SELECT count(*) FROM public_api.parcel")
    assert f"valid True count {expected}" in res.stdout and expected > 0, res.stdout + res.stderr

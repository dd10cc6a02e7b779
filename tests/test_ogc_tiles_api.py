"""OGC API - Tiles (tilesets, tileset metadata with limits, the tile matrix set), TileJSON and the MapLibre
style, and CORS on /ogc: every advertised link resolves, the limits are the layer's own extent as
PostGIS computes it, and other origins read the public surfaces (and only configured ones the
restricted collections)."""

from __future__ import annotations

import dataclasses

import mapbox_vector_tile
import pytest
from sqlalchemy import text

from gis.apikeys import create_key
from gis.db import session_scope
from layers.conformance import TILES_CLASSES
from layers.orthophoto import lon_lat_to_tile
from styles import get_style

TILESET = "/ogc/collections/{layer}/tiles/WebMercatorQuad"
REL_TILESETS_VECTOR = "http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector"
REL_TILING_SCHEME = "http://www.opengis.net/def/rel/ogc/1.0/tiling-scheme"
MVT = "application/vnd.mapbox-vector-tile"
OTHER = "https://harta.other-site.example"
AGENCY = "https://geoportal.agency.example"


def path(href: str) -> str:
    """A link's path and query on the test client (links are absolute, with the app's base URL)."""
    return "/" + href.split("/", 3)[3]


def fill(template: str, z: int, row: int, col: int) -> str:
    return template.replace("{tileMatrix}", str(z)).replace("{tileRow}", str(row)).replace("{tileCol}", str(col))


@pytest.fixture(scope="module")
def parcel_tiles(engine):
    """Per zoom, the tiles every current parcel's bounding box touches (from PostGIS, in Web Mercator)."""
    with engine.connect() as c:
        x0, y0, x1, y1 = c.execute(text(
            "SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM "
            "(SELECT ST_Extent(ST_Transform(geom, 3857)) e FROM public_api.parcel) s")).one()
    half = 20037508.342789244
    out = {}
    for z in range(15, 21):
        size = 2 * half / (1 << z)
        out[z] = (int((half - y1) // size), int((half - y0) // size),
                  int((x0 + half) // size), int((x1 + half) // size))
    return out


# -- tiles ---------------------------------------------------------------------------------------
def test_the_conformance_declares_the_tiles_classes_these_tests_prove(client):
    declared = set(client.get("/ogc/conformance?f=json").get_json()["conformsTo"])
    tiles = {c for c in declared if "ogcapi-tiles" in c}
    assert tiles == TILES_CLASSES and len(tiles) == 6


def test_collections_link_their_vector_tilesets_and_every_link_resolves(client):
    collections = client.get("/ogc/collections?f=json").get_json()["collections"]
    tiled = {c["id"] for c in collections if any(lk["rel"] == REL_TILESETS_VECTOR for lk in c["links"])}
    assert tiled == {"parcels", "buildings", "streets", "address_points", "zones"}
    one = client.get("/ogc/collections/parcels?f=json").get_json()
    links = [lk for lk in one["links"] if lk["rel"] in (REL_TILESETS_VECTOR, "describedby",
                                                          "http://www.opengis.net/def/rel/ogc/1.0/styles")
             and lk.get("type") != "application/xml"]  # describedby of type XML: the ISO 19139 record
    assert len(links) == 3
    for link in links:
        assert client.get(path(link["href"])).status_code == 200, link


def test_the_tilesets_list_and_the_tileset_follow_the_standard(client, parcel_tiles):
    listing = client.get("/ogc/collections/parcels/tiles").get_json()
    (entry,) = listing["tilesets"]
    assert entry["dataType"] == "vector" and entry["crs"].endswith("/EPSG/0/3857")
    assert entry["tileMatrixSetURI"] == "http://www.opengis.net/def/tilematrixset/OGC/1.0/WebMercatorQuad"
    rels = {lk["rel"]: lk["href"] for lk in entry["links"]}
    tileset = client.get(path(rels["self"])).get_json()
    assert client.get(path(rels[REL_TILING_SCHEME])).get_json()["id"] == "WebMercatorQuad"
    assert tileset["dataType"] == "vector" and tileset["tileMatrixSetURI"] == entry["tileMatrixSetURI"]
    links = {lk["rel"]: lk for lk in tileset["links"]}
    assert set(links) >= {"self", REL_TILING_SCHEME, "item", "http://www.opengis.net/def/rel/ogc/1.0/geodata"}
    assert links["item"]["type"] == MVT and links["item"]["templated"] is True
    assert links["item"]["href"].endswith("/WebMercatorQuad/{tileMatrix}/{tileRow}/{tileCol}")
    for rel, link in links.items():
        if rel != "item":
            assert client.get(path(link["href"])).status_code == 200, rel
    # limits: the zooms of parcels.yaml; rows and columns cover every parcel, and little more (the stored
    # Stereo 70 extent is turned ~2.5° against Web Mercator: its outline reaches ~150 m past the parcels)
    limits = {lim["tileMatrix"]: lim for lim in tileset["tileMatrixSetLimits"]}
    assert sorted(limits, key=int) == [str(z) for z in range(15, 21)]
    for z, (r0, r1, c0, c1) in parcel_tiles.items():
        lim = limits[str(z)]
        assert lim["minTileRow"] <= r0 and lim["maxTileRow"] >= r1, z
        assert lim["minTileCol"] <= c0 and lim["maxTileCol"] >= c1, z
        size = 2 * 20037508.342789244 / (1 << z)
        extra = max(r0 - lim["minTileRow"], lim["maxTileRow"] - r1, c0 - lim["minTileCol"], lim["maxTileCol"] - c1)
        # the turned box reaches past the parcels by a share of their span (~4 %: tan 2.5°), at least 300 m
        span = max(r1 - r0, c1 - c0) * size
        assert (extra - 1) * size < 300 + 0.05 * span, (z, extra)
    r0, r1, c0, c1 = parcel_tiles[15]  # the loaded UATs' parcels (and the turned box's few %), not the country
    assert limits["15"]["maxTileCol"] - limits["15"]["minTileCol"] <= 1.1 * (c1 - c0) + 2
    assert limits["15"]["maxTileRow"] - limits["15"]["minTileRow"] <= 1.1 * (r1 - r0) + 2
    assert tileset["layers"][0]["propertiesSchema"]["properties"] == {"cadastral_number": {"type": "string"}}


def test_tiles_answer_inside_the_limits_and_404_outside_them(client, engine):
    tileset = client.get(TILESET.format(layer="parcels")).get_json()
    template = path(next(lk["href"] for lk in tileset["links"] if lk["rel"] == "item"))
    lim = {int(x["tileMatrix"]): x for x in tileset["tileMatrixSetLimits"]}[16]
    with engine.connect() as c:  # a tile over a parcel: data
        lon, lat = c.execute(text("SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_Transform(ST_PointOnSurface(geom), 4326) p "
                                  "FROM public_api.parcel ORDER BY cadastral_number LIMIT 1) s")).one()
    col, row = lon_lat_to_tile(lon, lat, 16)
    r = client.get(fill(template, 16, row, col))
    assert r.status_code == 200 and r.headers["Content-Type"] == MVT
    assert len(mapbox_vector_tile.decode(r.data)["parcels"]["features"]) > 0
    corners = [(lim["minTileRow"], lim["minTileCol"]), (lim["maxTileRow"], lim["maxTileCol"])]
    for row, col in corners:  # inside, at the limits: answered (data or 204 empty)
        assert client.get(fill(template, 16, row, col)).status_code in (200, 204)
    outside = [(lim["minTileRow"] - 1, lim["minTileCol"]), (lim["maxTileRow"] + 1, lim["maxTileCol"]),
               (lim["minTileRow"], lim["minTileCol"] - 1), (lim["maxTileRow"], lim["maxTileCol"] + 1)]
    for row, col in outside:
        r = client.get(fill(template, 16, row, col))
        assert r.status_code == 404 and "parcels" in r.get_json()["description"], (row, col)
        assert r.get_json()["code"] == "NotFound"  # an OGC API exception, as pygeoapi's own


@pytest.mark.parametrize("z", [14, 21, 22])
def test_zooms_the_tileset_does_not_advertise_answer_404(client, z):
    """z21 on parcels used to answer data while the tileset said 15-20."""
    col, row = lon_lat_to_tile(21.7156, 46.8887, z)
    r = client.get(fill(TILESET.format(layer="parcels") + "/{tileMatrix}/{tileRow}/{tileCol}", z, row, col))
    assert r.status_code == 404 and "15" in r.get_json()["description"]


def test_the_tile_matrix_sets_resolve_and_describe_web_mercator(client):
    listing = client.get("/ogc/tileMatrixSets").get_json()["tileMatrixSets"]
    assert [t["id"] for t in listing] == ["WebMercatorQuad"]
    tms = client.get(path(listing[0]["links"][0]["href"])).get_json()
    assert tms["crs"] == "http://www.opengis.net/def/crs/EPSG/0/3857" and len(tms["tileMatrices"]) == 23
    z0, z16 = tms["tileMatrices"][0], tms["tileMatrices"][16]
    assert z0["matrixWidth"] == 1 and z16["matrixWidth"] == 65536 == z16["matrixHeight"]
    assert z0["pointOfOrigin"] == [-20037508.342789244, 20037508.342789244]
    assert abs(z0["scaleDenominator"] - 559082264.0287178) < 1e-3  # OGC 17-083r4, annex D.1
    assert abs(z16["cellSize"] - 2.388657133911758) < 1e-9
    missing = client.get("/ogc/tileMatrixSets/WorldCRS84Quad")
    assert missing.status_code == 404 and missing.get_json()["code"] == "NotFound"


def test_the_landing_pages_tiling_schemes_link_resolves_to_the_same_tile_matrix_sets(client):
    landing = client.get("/ogc/?f=json").get_json()
    link = next(lk for lk in landing["links"]
                if lk["rel"].endswith("/tiling-schemes") and lk["type"] == "application/json")
    listing = client.get(path(link["href"])).get_json()["tileMatrixSets"]
    assert [t["id"] for t in listing] == ["WebMercatorQuad"]
    for entry in listing:
        assert client.get(path(entry["links"][0]["href"])).get_json()["id"] == entry["id"]


@pytest.mark.parametrize("url", ["/ogc/collections/agri_plots/tiles", "/ogc/collections/nope/tiles",
                                 "/ogc/collections/parcels/tiles/WorldCRS84Quad",
                                 "/ogc/collections/parcels/styles/other"])
def test_tilesets_that_do_not_exist_are_404_with_an_ogc_exception(client, url):
    r = client.get(url)
    assert r.status_code == 404
    body = r.get_json()
    assert set(body) == {"code", "type", "description"} and body["description"]


def test_the_tilejson_gives_web_maps_a_z_x_y_template_that_serves_the_tiles(client, engine):
    tj = client.get(TILESET.format(layer="parcels") + "/tilejson").get_json()
    assert tj["tilejson"] == "3.0.0" and (tj["minzoom"], tj["maxzoom"]) == (15, 20)
    (template,) = tj["tiles"]
    assert all(p in template for p in ("{z}", "{x}", "{y}")) and "{tileMatrix}" not in template
    assert tj["vector_layers"] == [{"id": "parcels", "description": "Parcele (imobile)",
                                    "fields": {"cadastral_number": "String"}, "minzoom": 15, "maxzoom": 20}]
    with engine.connect() as c:
        lon0, lat0, lon1, lat1, lon, lat = c.execute(text(
            "SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e), ST_X(p), ST_Y(p) FROM "
            "(SELECT ST_Extent(ST_Transform(geom, 4326)) e, ST_Transform(ST_PointOnSurface(min(geom)), 4326) p "
            "FROM public_api.parcel) s")).one()
    west, south, east, north = tj["bounds"]
    assert west <= lon0 and south <= lat0 and east >= lon1 and north >= lat1
    # the parcels' extent (Stereo 70's box, turned ~2.5°, reaches past them by ~4 % of their span, ~100 m
    # for the sample commune), not the country's
    span = max(lon1 - lon0, lat1 - lat0)
    assert max(lon0 - west, lat0 - south, east - lon1, north - lat1) < 0.002 + 0.05 * span
    x, y = lon_lat_to_tile(lon, lat, 17)
    r = client.get(path(template.replace("{z}", "17").replace("{x}", str(x)).replace("{y}", str(y))))
    assert r.status_code == 200 and len(mapbox_vector_tile.decode(r.data)["parcels"]["features"]) > 0


def test_the_maplibre_style_draws_with_the_public_maps_colours(client):
    style = client.get("/ogc/collections/parcels/styles/default")
    assert style.status_code == 200 and style.mimetype == "application/vnd.mapbox.style+json"
    doc = style.get_json()
    assert doc["version"] == 8
    source = doc["sources"]["parcels"]
    assert source["type"] == "vector" and client.get(path(source["url"])).get_json()["tilejson"] == "3.0.0"
    outline = next(lyr for lyr in doc["layers"] if lyr["type"] == "line")
    assert outline["source-layer"] == "parcels" and outline["paint"]["line-color"] == get_style("parcels").stroke
    zones = client.get("/ogc/collections/zones/styles/default").get_json()
    fill_colour = next(lyr for lyr in zones["layers"] if lyr["type"] == "fill")["paint"]["fill-color"]
    zone_style = get_style("zones")
    assert fill_colour[0] == "match" and fill_colour[1] == ["to-string", ["get", zone_style.classify_by]]
    assert len(zone_style.classes) > 3
    for c in zone_style.classes:
        assert fill_colour[fill_colour.index(str(c.value)) + 1] == c.fill


# -- CORS ----------------------------------------------------------------------------------------
PUBLIC_URLS = ["/ogc/", "/ogc/conformance", "/ogc/collections/parcels", "/ogc/collections/parcels/items?limit=2",
               "/ogc/collections/parcels/tiles", TILESET.format(layer="parcels"),
               TILESET.format(layer="parcels") + "/tilejson", "/ogc/collections/parcels/styles/default",
               "/ogc/tileMatrixSets/WebMercatorQuad"]


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_public_surfaces_answer_every_origin_without_credentials(client, url):
    r = client.get(url, headers={"Origin": OTHER})
    assert r.status_code == 200
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in r.headers
    head = client.head(url, headers={"Origin": OTHER})
    assert head.status_code == 200 and head.headers["Access-Control-Allow-Origin"] == "*"


def test_a_preflight_for_a_cql2_json_query_is_answered_and_the_post_works(client):
    pre = client.options("/ogc/collections/parcels/items", headers={
        "Origin": OTHER, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"})
    assert pre.status_code == 204 and pre.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in pre.headers["Access-Control-Allow-Methods"]
    headers = {h.strip().lower() for h in pre.headers["Access-Control-Allow-Headers"].split(",")}
    assert {"accept", "content-type"} <= headers and not {"x-api-key", "authorization"} & headers
    assert int(pre.headers["Access-Control-Max-Age"]) > 0
    query = {"op": "=", "args": [{"property": "intravilan"}, True]}
    r = client.post("/ogc/collections/parcels/items?f=json", json=query,
                    headers={"Content-Type": "application/query-cql-json", "Origin": OTHER})
    assert r.status_code == 200 and r.headers["Access-Control-Allow-Origin"] == "*"
    assert r.get_json()["numberReturned"] > 0


def test_a_tile_preflight_allows_only_reads(client):
    pre = client.options(TILESET.format(layer="parcels"), headers={"Origin": OTHER,
                                                                    "Access-Control-Request-Method": "GET"})
    assert pre.status_code == 204 and "POST" not in pre.headers["Access-Control-Allow-Methods"]


def test_a_restricted_collection_answers_no_cors_to_an_origin_not_configured(client):
    """The attack: a page on another site reading agri_plots with a key it got hold of (or a staff cookie)."""
    with session_scope(client.application.extensions["teritoriu.settings"], actor="test") as s:
        key = create_key(s, "Agenția de test CORS", ["agri_plots"])[1]
    r = client.get("/ogc/collections/agri_plots/items?f=json&limit=1", headers={"Origin": OTHER, "X-API-Key": key})
    assert r.status_code == 200  # the key works; the browser of another site just cannot read it
    assert "Access-Control-Allow-Origin" not in r.headers and "Origin" in r.headers.get("Vary", "")
    pre = client.options("/ogc/collections/agri_plots/items", headers={
        "Origin": OTHER, "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "x-api-key"})
    assert "Access-Control-Allow-Origin" not in pre.headers and "Access-Control-Allow-Headers" not in pre.headers


@pytest.mark.parametrize("url", ["/office", "/api/search?q=1", "/api/styles/parcels.sld"])
def test_no_cors_outside_ogc(client, url):
    r = client.get(url, headers={"Origin": OTHER})
    assert "Access-Control-Allow-Origin" not in r.headers
    pre = client.options(url.split("?")[0], headers={"Origin": OTHER, "Access-Control-Request-Method": "GET"})
    assert "Access-Control-Allow-Origin" not in pre.headers


@pytest.fixture(scope="module")
def agency_client(loaded):
    """An app whose settings name one agency's site (TERITORIU_CORS_ORIGINS)."""
    from api import create_app

    app = create_app(dataclasses.replace(loaded, cors_origins=(AGENCY,)))
    app.testing = True
    with session_scope(loaded, actor="test") as s:
        key = create_key(s, "Geoportalul agenției", ["agri_plots"])[1]
    return app.test_client(), key


def test_a_configured_origin_reads_a_restricted_collection_with_credentials(agency_client):
    client, key = agency_client
    pre = client.options("/ogc/collections/agri_plots/items", headers={
        "Origin": AGENCY, "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "x-api-key"})
    assert pre.status_code == 204 and pre.headers["Access-Control-Allow-Origin"] == AGENCY
    assert pre.headers["Access-Control-Allow-Credentials"] == "true"
    assert {"x-api-key", "authorization"} <= {h.strip().lower() for h in
                                              pre.headers["Access-Control-Allow-Headers"].split(",")}
    r = client.get("/ogc/collections/agri_plots/items?f=json&limit=1", headers={"Origin": AGENCY, "X-API-Key": key})
    assert r.status_code == 200 and r.get_json()["numberReturned"] == 1
    assert r.headers["Access-Control-Allow-Origin"] == AGENCY
    assert r.headers["Access-Control-Allow-Credentials"] == "true"
    assert "Origin" in r.headers["Vary"]
    other = client.get("/ogc/collections/agri_plots/items?f=json&limit=1", headers={"Origin": OTHER, "X-API-Key": key})
    assert "Access-Control-Allow-Origin" not in other.headers
    public = client.get("/ogc/collections/parcels/items?limit=1", headers={"Origin": AGENCY})
    assert public.headers["Access-Control-Allow-Origin"] == "*"  # public data: the same for every origin


# -- GDAL 3.6 ------------------------------------------------------------------------------------
def test_gdal_reads_a_tile_from_the_advertised_template_with_nothing_on_stderr(live_server, engine, tmp_path):
    """GDAL 3.6's MVT driver decodes a tile fetched from the tileset's own item template. (GDAL 3.6.2's
    OGCAPI driver has no vector-tile reader: after the tile matrix set it only builds raster tiles, so
    `ogrinfo OGCAPI:…/collections/parcels` fails for any vector tileset; `-oo API=ITEMS` reads the
    features through the same driver, checked below.)"""
    import json
    import subprocess
    import urllib.request

    tileset = json.load(urllib.request.urlopen(f"{live_server}{TILESET.format(layer='parcels')}"))
    template = next(lk["href"] for lk in tileset["links"] if lk["rel"] == "item")
    with engine.connect() as c:
        lon, lat = c.execute(text("SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_Transform(ST_PointOnSurface(geom), 4326) p "
                                  "FROM public_api.parcel ORDER BY cadastral_number LIMIT 1) s")).one()
    col, row = lon_lat_to_tile(lon, lat, 16)
    data = urllib.request.urlopen(fill(template, 16, row, col)).read()
    path_ = tmp_path / "tile.mvt"
    path_.write_bytes(data)
    expected = len(mapbox_vector_tile.decode(data)["parcels"]["features"])
    run = subprocess.run(["ogrinfo", "-ro", "-al", "-so", "-oo", f"X={col}", "-oo", f"Y={row}", "-oo", "Z=16",
                          str(path_)], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0 and run.stderr == "", run.stderr
    assert "Layer name: parcels" in run.stdout and f"Feature Count: {expected}" in run.stdout and expected > 0
    x0, y0, x1, y1 = map(float, run.stdout.split("Extent: (")[1].replace(") - (", ", ").split(")")[0].split(", "))
    half, size = 20037508.342789244, 2 * 20037508.342789244 / (1 << 16)
    margin = size * 64 / 4096  # the tile's buffer
    assert -half + col * size - margin <= x0 < x1 <= -half + (col + 1) * size + margin
    assert half - (row + 1) * size - margin <= y0 < y1 <= half - row * size + margin
    items = subprocess.run(["ogrinfo", "-ro", "-oo", "API=ITEMS", f"OGCAPI:{live_server}/ogc/collections/parcels"],
                           capture_output=True, text=True, timeout=60)
    assert items.returncode == 0 and items.stderr == "" and "1: parcels" in items.stdout, items.stderr

"""One set of tests per conformance class /ogc declares, following that class's abstract test
suite (OGC 17-069 Annex A, 18-058 Annex A, 19-079, 21-065, 19-087, 23-058), over the real app and
PostGIS. `TESTS` maps every declared class to its tests; `test_declared_classes_are_the_table`
fails when a class is declared without tests here (or tests stay for a class no longer declared).
"""

from __future__ import annotations

import io
import re

from sqlalchemy import text

from layers.registry import load_layers

COMMON1 = "http://www.opengis.net/spec/ogcapi-common-1/1.0/conf"
COMMON2 = "http://www.opengis.net/spec/ogcapi-common-2/1.0/conf"
FEATURES1 = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf"
FEATURES2 = "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf"
FEATURES3 = "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf"
FEATURES5 = "http://www.opengis.net/spec/ogcapi-features-5/1.0/conf"
CQL2 = "http://www.opengis.net/spec/cql2/1.0/conf"
COVERAGES = "http://www.opengis.net/spec/ogcapi-coverages-1/1.0/conf"
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
EPSG3844 = "http://www.opengis.net/def/crs/EPSG/0/3844"
REL = "http://www.opengis.net/def/rel/ogc/1.0"
HTML = {"Accept": "text/html"}
FEATURE_COLLECTIONS = sorted(lid for lid, layer in load_layers().items() if layer.is_public)

TILES = "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf"
TILES_TESTS = "test_ogc_tiles_api::"  # the Tiles classes' tests live in tests/test_ogc_tiles_api.py
RECORDS = "http://www.opengis.net/spec/ogcapi-records-1/1.0/conf"
RECORDS_TESTS = "test_ogc_records::"  # the catalogue's, in tests/test_ogc_records.py

TESTS: dict[str, list[str]] = {
    f"{COMMON1}/core": ["test_landing_page", "test_conformance_document", "test_unknown_resource_is_404"],
    f"{COMMON1}/landing-page": ["test_landing_page"],
    f"{COMMON1}/json": ["test_json_responses"],
    f"{COMMON1}/html": ["test_html_responses"],
    f"{COMMON1}/oas30": ["test_openapi_3_0"],
    f"{COMMON2}/collections": ["test_collections", "test_collection"],
    f"{FEATURES1}/core": ["test_landing_page", "test_collections", "test_collection", "test_items_limit_and_next",
                          "test_items_bbox", "test_items_bbox_exact", "test_item", "test_unknown_resource_is_404"],
    f"{FEATURES1}/geojson": ["test_geojson"],
    f"{FEATURES1}/html": ["test_html_responses"],
    f"{FEATURES1}/oas30": ["test_openapi_3_0"],
    f"{FEATURES2}/crs": ["test_crs_lists", "test_crs_response", "test_bbox_crs", "test_unsupported_crs_is_400"],
    f"{FEATURES3}/queryables": ["test_queryables"],
    f"{FEATURES3}/queryables-query-parameters": ["test_queryables_as_query_parameters"],
    f"{CQL2}/cql2-text": ["test_cql2_text"],
    f"{CQL2}/basic-cql2": ["test_basic_cql2"],
    f"{FEATURES5}/schemas": ["test_schema_of_every_feature_collection", "test_schema_link",
                             "test_queryables_agree_with_the_schema", "test_features_validate_against_their_schema",
                             "test_the_schema_page_is_html",
                             "test_a_restricted_collection_shows_its_schema_only_to_whom_may_read_it"],
    f"{FEATURES5}/core-roles-features": ["test_schema_roles"],
    f"{COVERAGES}/core": ["test_coverage_core"],
    f"{COVERAGES}/oas30": ["test_openapi_3_0"],
    f"{COVERAGES}/html": ["test_html_responses"],
    f"{COVERAGES}/geodata-coverage": ["test_coverage_collection"],
    f"{COVERAGES}/coverage-subset": ["test_coverage_subset"],
    f"{COVERAGES}/coverage-bbox": ["test_coverage_bbox"],
    f"{COVERAGES}/coverage-rangesubset": ["test_coverage_rangesubset"],
    f"{TILES}/core": [f"{TILES_TESTS}test_tiles_answer_inside_the_limits_and_404_outside_them",
                      f"{TILES_TESTS}test_tilesets_that_do_not_exist_are_404_with_an_ogc_exception"],
    f"{TILES}/mvt": [f"{TILES_TESTS}test_gdal_reads_a_tile_from_the_advertised_template_with_nothing_on_stderr"],
    f"{TILES}/tileset": [f"{TILES_TESTS}test_the_tilesets_list_and_the_tileset_follow_the_standard"],
    f"{TILES}/tilesets-list": [f"{TILES_TESTS}test_the_tilesets_list_and_the_tileset_follow_the_standard"],
    f"{TILES}/geodata-tilesets": [f"{TILES_TESTS}test_collections_link_their_vector_tilesets_and_every_link_resolves"],
    f"{TILES}/tilematrixset": [f"{TILES_TESTS}test_the_tile_matrix_sets_resolve_and_describe_web_mercator"],
    f"{RECORDS}/core": [f"{RECORDS_TESTS}test_owslib_lists_the_catalogue_as_a_records_collection",
                        f"{RECORDS_TESTS}test_each_record_carries_the_iso_19115_core",
                        f"{RECORDS_TESTS}test_records_core_an_unknown_record_is_404",
                        f"{RECORDS_TESTS}test_bbox_search", f"{RECORDS_TESTS}test_datetime_search"],
    f"{RECORDS}/sorting": [f"{RECORDS_TESTS}test_sorting_and_html"],
    f"{RECORDS}/opensearch": [f"{RECORDS_TESTS}test_q_text_search"],
    f"{RECORDS}/json": [f"{RECORDS_TESTS}test_each_record_carries_the_iso_19115_core"],
    f"{RECORDS}/html": [f"{RECORDS_TESTS}test_sorting_and_html"],
}


def _links(doc: dict, rel: str) -> list[dict]:
    return [link for link in doc["links"] if link["rel"] == rel]


def test_declared_classes_are_the_table(client):
    declared = client.get("/ogc/conformance?f=json").get_json()["conformsTo"]
    assert sorted(declared) == sorted(TESTS), "every declared class needs its tests in TESTS, and only those"
    import importlib

    def exists(name: str) -> bool:  # a test of this module, or "module::test" of another
        module, _, test = name.rpartition("::")
        return hasattr(importlib.import_module(module), test) if module else name in globals()

    assert all(exists(t) for tests in TESTS.values() for t in tests)
    assert f"{FEATURES5}/schemas" in declared
    assert not [c for c in declared if "ogcapi-features-4" in c], "writes are not offered on /ogc"


# -- Common Part 1 / Features Part 1 core ---------------------------------------------------------
def test_landing_page(client):
    response = client.get("/ogc/?f=json")
    assert response.status_code == 200
    body = response.get_json()
    rels = {link["rel"] for link in body["links"]}
    assert {"self", "service-desc", "conformance", "data"} <= rels
    for rel in ("service-desc", "conformance", "data"):
        href = _links(body, rel)[0]["href"]
        assert client.get(_path(href)).status_code == 200, rel


def _path(href: str) -> str:
    """The path (and query) of an absolute link of the API, for the test client."""
    return re.sub(r"^https?://[^/]+", "", href)


def test_conformance_document(client):
    body = client.get("/ogc/conformance?f=json").get_json()
    assert f"{COMMON1}/core" in body["conformsTo"] and f"{FEATURES1}/core" in body["conformsTo"]
    assert client.get("/ogc/conformance?f=html").mimetype == "text/html"


def test_unknown_resource_is_404(client):
    for path in ("/ogc/collections/no_such_collection", "/ogc/collections/parcels/items/999999999"):
        response = client.get(path + "?f=json")
        assert response.status_code == 404, path
        assert {"code", "description"} <= set(response.get_json())


def test_json_responses(client):
    for path in ("/ogc/", "/ogc/conformance", "/ogc/collections", "/ogc/collections/parcels"):
        response = client.get(path, headers={"Accept": "application/json"})
        assert response.status_code == 200 and response.mimetype == "application/json", path
        assert response.get_json()


def test_html_responses(client, parcel):
    paths = ["/ogc/", "/ogc/conformance", "/ogc/collections", "/ogc/collections/parcels",
             "/ogc/collections/parcels/items", f"/ogc/collections/parcels/items/{parcel['id']}",
             "/ogc/collections/orthophoto"]
    for path in paths:
        response = client.get(path, headers=HTML)
        assert response.status_code == 200 and response.mimetype == "text/html", path
        assert b"<html" in response.data[:500].lower() or b"<!doctype html" in response.data[:500].lower()


def test_openapi_3_0(client):
    response = client.get("/ogc/openapi?f=json")
    assert response.status_code == 200
    doc = response.get_json()
    assert doc["openapi"].startswith("3.0")
    paths = set(doc["paths"])
    assert {"/", "/conformance", "/collections"} <= paths
    assert "/collections/parcels/items" in paths and "/collections/parcels/items/{featureId}" in paths
    assert "/collections/orthophoto/coverage" in paths


# -- collections -----------------------------------------------------------------------------------
def test_collections(client):
    body = client.get("/ogc/collections?f=json").get_json()
    assert _links(body, "self")
    ids = {c["id"] for c in body["collections"]}
    assert set(FEATURE_COLLECTIONS) <= ids
    for c in body["collections"]:
        assert c["links"] and c["extent"]["spatial"]["bbox"], c["id"]
        if c["id"] in FEATURE_COLLECTIONS:
            assert _links(c, "items"), c["id"]


def test_collection(client):
    for cid in FEATURE_COLLECTIONS:
        body = client.get(f"/ogc/collections/{cid}?f=json").get_json()
        assert body["id"] == cid and body["itemType"] == "feature"
        west, south, east, north = body["extent"]["spatial"]["bbox"][0]
        assert 20 < west < east < 30 and 43 < south < north < 49, "Romania, CRS84"


def test_items_limit_and_next(client, engine):
    with engine.connect() as c:
        total = c.execute(text("SELECT count(*) FROM public_api.parcel")).scalar()
    assert total > 10
    first = client.get("/ogc/collections/parcels/items?f=json&limit=7")
    body = first.get_json()
    assert first.status_code == 200 and body["numberReturned"] == len(body["features"]) == 7
    next_link = _links(body, "next")[0]
    second = client.get(_path(next_link["href"])).get_json()
    assert second["numberReturned"] == 7
    assert not {f["id"] for f in body["features"]} & {f["id"] for f in second["features"]}


def _bbox_answer(client, engine, parcel) -> tuple[set, set]:
    """(ids /items answers for a 2×2 mdeg box around the parcel, ids PostGIS finds in that box)."""
    lon, lat = parcel["lon"], parcel["lat"]
    box = (lon - 0.002, lat - 0.002, lon + 0.002, lat + 0.002)
    body = client.get("/ogc/collections/parcels/items?f=json&limit=1000&bbox=" + ",".join(map(str, box))).get_json()
    with engine.connect() as c:
        expected = set(c.execute(text(
            "SELECT id FROM public_api.parcel WHERE ST_Intersects(geom, "
            "ST_Transform(ST_MakeEnvelope(:a, :b, :c, :d, 4326), 3844))"),
            dict(a=box[0], b=box[1], c=box[2], d=box[3])).scalars())
    assert parcel["id"] in expected and len(expected) > 1
    return {f["id"] for f in body["features"]}, expected


def test_items_bbox(client, engine, parcel):
    answered, expected = _bbox_answer(client, engine, parcel)
    assert expected <= answered


def test_items_bbox_exact(client, engine, parcel):
    answered, expected = _bbox_answer(client, engine, parcel)
    assert answered == expected


def test_item(client, parcel):
    response = client.get(f"/ogc/collections/parcels/items/{parcel['id']}?f=json")
    body = response.get_json()
    assert response.status_code == 200 and body["type"] == "Feature" and body["id"] == parcel["id"]
    assert body["properties"]["cadastral_number"] == parcel["cadastral_number"]
    assert {"self", "collection"} <= {link["rel"] for link in body["links"]}


def test_geojson(client):
    response = client.get("/ogc/collections/parcels/items?f=json&limit=3")
    assert response.mimetype in ("application/geo+json", "application/json")
    body = response.get_json()
    assert body["type"] == "FeatureCollection" and len(body["features"]) == 3
    for feature in body["features"]:
        assert feature["type"] == "Feature" and feature["geometry"]["type"] == "MultiPolygon"
        assert isinstance(feature["properties"], dict)


# -- Features Part 2 (CRS) -------------------------------------------------------------------------
def test_crs_lists(client):
    for cid in FEATURE_COLLECTIONS:
        body = client.get(f"/ogc/collections/{cid}?f=json").get_json()
        assert CRS84 in body["crs"] and EPSG3844 in body["crs"] and body["storageCrs"] == EPSG3844, cid


def test_crs_response(client, parcel):
    response = client.get(f"/ogc/collections/parcels/items/{parcel['id']}?f=json&crs={EPSG3844}")
    assert response.headers["Content-Crs"] == f"<{EPSG3844}>"
    northing, easting = response.get_json()["geometry"]["coordinates"][0][0][0]
    assert 200_000 < northing < 800_000 and 100_000 < easting < 900_000
    assert abs(northing - parcel["n"]) < 500 and abs(easting - parcel["e"]) < 500, "EPSG:3844 is northing first"
    assert client.get("/ogc/collections/parcels/items?f=json&limit=1").headers["Content-Crs"] == f"<{CRS84}>"


def test_bbox_crs(client, parcel):
    n, e = parcel["n"], parcel["e"]
    bbox = f"{n - 0.5},{e - 0.5},{n + 0.5},{e + 0.5}"  # northing first, as EPSG:3844 defines its axes
    body = client.get(f"/ogc/collections/parcels/items?f=json&bbox-crs={EPSG3844}&bbox={bbox}").get_json()
    assert parcel["id"] in {f["id"] for f in body["features"]}


def test_unsupported_crs_is_400(client):
    for param in ("crs", "bbox-crs"):
        url = f"/ogc/collections/parcels/items?f=json&{param}=http://www.opengis.net/def/crs/EPSG/0/2154"
        if param == "bbox-crs":
            url += "&bbox=1,2,3,4"
        assert client.get(url).status_code == 400, param


# -- Features Part 3 and CQL2 ------------------------------------------------------------------------
def test_queryables(client):
    collection = client.get("/ogc/collections/parcels?f=json").get_json()
    link = next(link for link in _links(collection, f"{REL}/queryables") if link["type"] == "application/schema+json")
    response = client.get(_path(link["href"]))
    body = response.get_json()
    assert response.status_code == 200 and body["type"] == "object"
    assert {"cadastral_number", "legal_area", "use_category", "intravilan"} <= set(body["properties"])
    assert body["properties"]["legal_area"]["type"] == "number"


def test_queryables_as_query_parameters(client, parcel):
    body = client.get(f"/ogc/collections/parcels/items?f=json&cadastral_number={parcel['cadastral_number']}").get_json()
    assert [f["id"] for f in body["features"]] == [parcel["id"]]


def test_cql2_text(client, parcel):
    response = client.get("/ogc/collections/parcels/items", query_string={
        "f": "json", "filter-lang": "cql2-text", "filter": f"cadastral_number = '{parcel['cadastral_number']}'"})
    assert response.status_code == 200
    assert [f["id"] for f in response.get_json()["features"]] == [parcel["id"]]


def test_basic_cql2(client, engine):
    with engine.connect() as c:
        expected = set(c.execute(text("SELECT id FROM public_api.parcel WHERE legal_area > 1000 "
                                      "AND use_category = 'CC' AND NOT intravilan IS NULL")).scalars())
    assert expected
    body = client.get("/ogc/collections/parcels/items", query_string={
        "f": "json", "limit": 10000,
        "filter": "legal_area > 1000 AND use_category = 'CC' AND NOT intravilan IS NULL"}).get_json()
    assert {f["id"] for f in body["features"]} == expected
    assert client.get("/ogc/collections/parcels/items?f=json&filter=no_such_property = 1").status_code == 400


# -- Features Part 5 (schemas) ---------------------------------------------------------------------
def test_schema_of_every_feature_collection(client):
    for cid in FEATURE_COLLECTIONS:
        response = client.get(f"/ogc/collections/{cid}/schema", headers={"Accept": "application/schema+json"})
        assert response.status_code == 200 and response.mimetype == "application/schema+json", cid
        schema = response.get_json(force=True)
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert schema["$id"].endswith(f"/ogc/collections/{cid}/schema") and schema["type"] == "object"
        layer = load_layers()[cid]
        assert set(layer.properties) <= set(schema["properties"])
        for name, prop in schema["properties"].items():
            assert "type" in prop or "format" in prop, (cid, name)
            assert prop["title"], (cid, name)
    parcels = client.get("/ogc/collections/parcels/schema?f=json").get_json(force=True)["properties"]
    assert parcels["legal_area"]["type"] == "number" and parcels["intravilan"]["type"] == "boolean"
    assert parcels["cadastral_number"]["title"] == "Număr cadastral"
    assert set(parcels["use_category"]["enum"]) >= {"CC", "A", "PD"}
    english = client.get("/ogc/collections/parcels/schema?f=json&lang=en").get_json(force=True)
    assert english["properties"]["cadastral_number"]["title"] == "Cadastral number"
    zoning = client.get("/ogc/collections/inspire_zoning_elements/schema?f=json").get_json(force=True)
    assert zoning["properties"]["hilucsLandUse"]["type"] == "array"
    assert all(v.startswith("http://inspire.ec.europa.eu/codelist/HILUCSValue/")
               for v in zoning["properties"]["hilucsLandUse"]["items"]["enum"])
    assert client.get("/ogc/collections/no_such/schema?f=json").status_code == 404


def test_schema_link(client):
    for cid in [*FEATURE_COLLECTIONS, "orthophoto"]:  # a coverage's schema: its bands (pygeoapi's)
        body = client.get(f"/ogc/collections/{cid}?f=json").get_json()
        link = next(link for link in _links(body, f"{REL}/schema") if link["type"] == "application/schema+json")
        assert client.get(_path(link["href"])).status_code == 200, cid


def test_queryables_agree_with_the_schema(client):
    for cid in FEATURE_COLLECTIONS:
        schema = client.get(f"/ogc/collections/{cid}/schema?f=json").get_json(force=True)["properties"]
        queryables = client.get(f"/ogc/collections/{cid}/queryables?f=json").get_json()["properties"]
        shared = set(schema) & set(queryables) - {"geometry"}
        assert shared, cid
        for name in shared:
            for key in ("type", "format", "enum"):
                assert schema[name].get(key) == queryables[name].get(key), (cid, name, key)


def test_schema_roles(client):
    for cid in FEATURE_COLLECTIONS:
        props = client.get(f"/ogc/collections/{cid}/schema?f=json").get_json(force=True)["properties"]
        roles = [p.get("x-ogc-role") for p in props.values() if p.get("x-ogc-role")]
        assert sorted(roles) == ["id", "primary-geometry"], cid
        geometry = next(p for p in props.values() if p.get("x-ogc-role") == "primary-geometry")
        assert geometry["format"] == "geometry-" + load_layers()[cid].geometry.lower()


# -- Coverages -------------------------------------------------------------------------------------
def _geotiff(response):
    import rasterio

    assert response.status_code == 200, response.data[:300]
    assert response.mimetype == "image/tiff"
    return rasterio.open(io.BytesIO(response.data))


def test_coverage_collection(client):
    body = client.get("/ogc/collections/orthophoto?f=json").get_json()
    assert body["id"] == "orthophoto" and "extent" in body
    assert [link for link in body["links"] if link["rel"] == f"{REL}/coverage"]


def test_coverage_core(client):
    with _geotiff(client.get("/ogc/collections/orthophoto/coverage?f=GTiff")) as ds:
        assert ds.count >= 1 and ds.width > 0 and ds.height > 0


def _extent(client):
    import rasterio

    with rasterio.open(io.BytesIO(client.get("/ogc/collections/orthophoto/coverage?f=GTiff").data)) as ds:
        return ds.bounds, ds.res, ds.crs


def test_coverage_subset(client):
    bounds, res, _ = _extent(client)
    x0, y0 = bounds.left + 100 * res[0], bounds.bottom + 100 * res[1]
    x1, y1 = x0 + 50 * res[0], y0 + 40 * res[1]
    body = client.get("/ogc/collections/orthophoto/coverage", query_string={
        "f": "GTiff", "subset": f"x({x0}:{x1}),y({y0}:{y1})"})
    with _geotiff(body) as ds:
        assert ds.width < 100 and ds.height < 100
        assert bounds.left <= ds.bounds.left and ds.bounds.right <= bounds.right
    outside = client.get("/ogc/collections/orthophoto/coverage",
                         query_string={"f": "GTiff", "subset": "x(0:1),y(0:1)"})
    assert outside.status_code == 400


def test_coverage_rangesubset(client):
    bounds, res, _ = _extent(client)
    x0, y0 = bounds.left + 10 * res[0], bounds.bottom + 10 * res[1]
    response = client.get("/ogc/collections/orthophoto/coverage", query_string={
        "f": "GTiff", "properties": "1", "subset": f"x({x0}:{x0 + 20 * res[0]}),y({y0}:{y0 + 20 * res[1]})"})
    with _geotiff(response) as ds:
        assert ds.count == 1


def test_coverage_bbox(client):
    from pyproj import Transformer

    bounds, res, crs = _extent(client)
    to_lonlat = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    cx, cy = (bounds.left + bounds.right) / 2, (bounds.bottom + bounds.top) / 2
    w, s = to_lonlat.transform(cx - 30 * res[0], cy - 30 * res[1])
    e, n = to_lonlat.transform(cx + 30 * res[0], cy + 30 * res[1])
    with _geotiff(client.get("/ogc/collections/orthophoto/coverage",
                             query_string={"f": "GTiff", "bbox": f"{w},{s},{e},{n}"})) as ds:
        assert 0 < ds.width < (bounds.right - bounds.left) / res[0]
        assert ds.bounds.left <= cx <= ds.bounds.right and ds.bounds.bottom <= cy <= ds.bounds.top


def test_a_restricted_collection_shows_its_schema_only_to_whom_may_read_it(client, staff_client):
    """The schema names the personal columns: it is guarded like the collection's items."""
    anonymous = client.get("/ogc/collections/parcel_assessments/schema?f=json")
    assert anonymous.status_code in (401, 403)
    assert anonymous.status_code == client.get("/ogc/collections/parcel_assessments/items?f=json").status_code
    officer, _ = staff_client("officer", username="schema.officer")
    response = officer.get("/ogc/collections/parcel_assessments/schema?f=json")
    assert response.status_code == 200 and "taxpayer_name" in response.get_json(force=True)["properties"]


def test_the_schema_page_is_html(client):
    response = client.get("/ogc/collections/parcels/schema?f=html")
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert b"cadastral_number" in response.data


def test_features_validate_against_their_schema(client):
    """Each collection's features, read as Part 5's logical view (id and properties side by side;
    a null is an absent value, as the INSPIRE GeoJSON encoding drops nil values), are instances
    of the collection's schema: types, enums and arrays as published."""
    from jsonschema import Draft202012Validator

    checked = 0
    for cid in FEATURE_COLLECTIONS:
        schema = client.get(f"/ogc/collections/{cid}/schema?f=json").get_json(force=True)
        Draft202012Validator.check_schema(schema)
        validator = Draft202012Validator({**schema, "properties": {
            k: v for k, v in schema["properties"].items() if v.get("x-ogc-role") != "primary-geometry"}})
        layer = load_layers()[cid]
        for feature in client.get(f"/ogc/collections/{cid}/items?f=json&limit=200").get_json()["features"]:
            instance = {k: v for k, v in feature["properties"].items() if v is not None}
            instance[layer.id_field] = feature["id"]
            errors = [e.message for e in validator.iter_errors(instance)]
            assert not errors, (cid, feature["id"], errors[:3])
            checked += 1
    assert checked > 200

"""The metadata catalogue (layers/catalogue.py) read back by OWSLib over real HTTP: OGC API - Records
(owslib.ogcapi.records.Records) and ISO 19139 (owslib.iso.MD_Metadata), against the layer registry."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests
from lxml import etree
from owslib.iso import MD_Metadata
from owslib.ogcapi.records import Records

from gis.apikeys import create_key
from gis.db import session_scope
from gis.inspire_themes import THEMES, THESAURUS_NAME
from gis.profiles import get_profile
from layers.catalogue import CATALOGUE_ID, RECORDS_CONFORMANCE
from layers.registry import load_layers

LAYERS = load_layers()
PUBLIC = sorted(lid for lid, layer in LAYERS.items() if layer.is_public)
RESTRICTED = sorted(lid for lid, layer in LAYERS.items() if not layer.is_public)
# every public collection, the orthophoto coverage, and the zoning plans among them
DATASETS = [*PUBLIC, "orthophoto"]


@pytest.fixture(scope="module")
def live_server(loaded):
    """This module's own app over real HTTP: the catalogue is built when the app starts (records are
    rebuilt at a restart, README), so the app is built after the UATs other modules loaded, and the
    records and the `city_hall` they name are of the same database."""
    import dataclasses
    import socket
    import threading

    from werkzeug.serving import make_server

    from api import create_app

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = make_server("127.0.0.1", port, create_app(dataclasses.replace(loaded, port=port)), threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{port}"
    server.shutdown()


@pytest.fixture(scope="module")
def catalogue(live_server) -> Records:
    return Records(f"{live_server}/ogc")


@pytest.fixture(scope="module")
def records(catalogue) -> dict[str, dict]:
    items = catalogue.collection_items(CATALOGUE_ID, limit=100)
    assert items["numberMatched"] == len(items["features"]) > 0
    return {f["id"]: f for f in items["features"]}


@pytest.fixture(scope="module")
def city_hall(loaded) -> str:
    from gis.certificates.signing import default_holder

    return default_holder(loaded)


def _iso(live_server: str, dataset_id: str, **headers) -> MD_Metadata:
    r = requests.get(f"{live_server}/ogc/collections/{dataset_id}/metadata/iso19139", headers=headers, timeout=30)
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].startswith("application/xml")
    return MD_Metadata(etree.fromstring(r.content))


def test_owslib_lists_the_catalogue_as_a_records_collection(catalogue):
    assert CATALOGUE_ID in catalogue.records()
    described = catalogue.collection(CATALOGUE_ID)
    assert described["itemType"] == "record"
    declared = [c for c in catalogue.conformance()["conformsTo"] if "ogcapi-records" in c]
    # core: this test, the items and item tests; sorting: test_sorting_and_html; opensearch (q):
    # test_q_text_search; json: every test here; html: test_sorting_and_html
    assert sorted(declared) == sorted(RECORDS_CONFORMANCE)


def test_one_record_per_public_dataset_and_no_other(records):
    assert sorted(records) == sorted(f"teritoriu-{d}" for d in DATASETS)
    assert {"teritoriu-zones", "teritoriu-planning_documents", "teritoriu-orthophoto"} <= set(records)


def test_restricted_datasets_are_not_in_the_anonymous_catalogue(catalogue, records, live_server):
    assert RESTRICTED, "the registry has restricted layers"
    for lid in RESTRICTED:
        assert f"teritoriu-{lid}" not in records
        assert catalogue.collection_items(CATALOGUE_ID, q=LAYERS[lid].label("en"))["numberMatched"] == 0
        r = requests.get(f"{live_server}/ogc/collections/{CATALOGUE_ID}/items/teritoriu-{lid}", timeout=30)
        assert r.status_code == 404
        r = requests.get(f"{live_server}/ogc/collections/{lid}/metadata/iso19139", timeout=30)
        assert r.status_code == 401 and "API key" in r.json()["description"]


@pytest.mark.parametrize("dataset_id", DATASETS)
def test_each_record_carries_the_iso_19115_core(records, live_server, city_hall, loaded, dataset_id):
    record = records[f"teritoriu-{dataset_id}"]
    props = record["properties"]
    collection = requests.get(f"{live_server}/ogc/collections/{dataset_id}?f=json", timeout=30).json()
    assert props["title"] == collection["title"] and props["description"] == collection["description"]
    assert props["type"] == "dataset" and props["language"] == {"code": "ro"}
    meta = LAYERS[dataset_id].metadata if dataset_id in LAYERS else {"inspire_theme": "oi",
                                                                     "update_frequency": "irregular"}
    theme = THEMES[meta["inspire_theme"]]
    assert props["themes"] == [{"concepts": [{"id": theme.code, "title": theme.label["ro"], "url": theme.uri}],
                                "scheme": "http://www.eionet.europa.eu/gemet/inspire_themes"}]
    if dataset_id in LAYERS:
        assert props["keywords"] == list(LAYERS[dataset_id].keywords)
        assert props["lineage"] == LAYERS[dataset_id].metadata["lineage"]["ro"]
    assert props["updateFrequency"] == meta["update_frequency"]
    assert props["crs"].endswith(f"/EPSG/0/{get_profile(loaded.profile).storage_srid}")
    assert props["license"] == "CC-BY 4.0"
    assert [c["organization"] for c in props["contacts"]] == [city_hall]
    # extent: the territory's box (the loaded UATs: the sample commune, and any other UAT tests
    # loaded before the app was built), the same as the collection's, and an open time interval
    (ring,) = record["geometry"]["coordinates"]
    lons, lats = [p[0] for p in ring], [p[1] for p in ring]
    west, south, east, north = collection["extent"]["spatial"]["bbox"][0]
    assert max(abs(min(lons) - west), abs(min(lats) - south), abs(max(lons) - east), abs(max(lats) - north)) < 1e-5
    assert min(lons) < 21.69 and max(lons) > 21.74 and min(lats) < 46.88 and max(lats) > 46.9  # the sample commune
    begin, end = record["time"]["interval"]
    assert begin[:4].isdigit() and end == ".."
    links = {link["rel"]: link for link in record["links"]}
    assert links["describedby"]["type"] == "application/xml"
    assert links["describedby"]["href"].endswith(f"/ogc/collections/{dataset_id}/metadata/iso19139")
    assert links["license"]["href"] == "https://creativecommons.org/licenses/by/4.0/"
    data = requests.get(links["coverage" if dataset_id == "orthophoto" else "item"]["href"]
                        + ("?f=json&limit=1" if dataset_id != "orthophoto" else "?f=json&properties=1&bbox="
                           "21.70,46.88,21.701,46.881"), timeout=60)
    assert data.status_code == 200


def test_temporal_extent_begins_at_the_earliest_date_of_the_temporal_field(records, engine):
    from sqlalchemy import text

    with engine.connect() as conn:
        first = conn.execute(text("SELECT min(hcl_date) FROM public_api.zone")).scalar()
    assert first is not None
    assert records["teritoriu-zones"]["time"]["interval"][0] == first.isoformat()


def test_q_text_search(catalogue):
    found = catalogue.collection_items(CATALOGUE_ID, q="cadastral")
    assert sorted(f["id"] for f in found["features"]) == ["teritoriu-inspire_cadastral_parcels",
                                                          "teritoriu-parcels"]
    # words of one term in any order, case-insensitive; terms separated by commas are alternatives
    assert sorted(f["id"] for f in catalogue.collection_items(CATALOGUE_ID, q="PUZ zoning")["features"]) == [
        "teritoriu-inspire_zoning_elements", "teritoriu-zones"]
    both = catalogue.collection_items(CATALOGUE_ID, q="orthophoto,zoning")
    assert sorted(f["id"] for f in both["features"]) == ["teritoriu-inspire_zoning_elements", "teritoriu-orthophoto",
                                                         "teritoriu-zones"]
    # regular-expression characters are text, not a 500
    assert "teritoriu-planning_documents" in [  # its title: "Documentații de urbanism (PUG, PUZ, PUD)"
        f["id"] for f in catalogue.collection_items(CATALOGUE_ID, q="(PUG")["features"]]
    assert [f["id"] for f in catalogue.collection_items(CATALOGUE_ID, q="(imobile)")["features"]] == [
        "teritoriu-parcels"]
    assert catalogue.collection_items(CATALOGUE_ID, q="[a-z]+")["numberMatched"] == 0


def test_bbox_search(catalogue, records):
    inside = catalogue.collection_items(CATALOGUE_ID, bbox=[21.70, 46.88, 21.71, 46.89], limit=100)
    assert inside["numberMatched"] == len(records) > 0
    elsewhere = catalogue.collection_items(CATALOGUE_ID, bbox=[26.0, 44.3, 26.2, 44.5])  # Bucharest
    assert elsewhere["numberMatched"] == 0 and elsewhere["features"] == []


def test_sorting_and_html(live_server, records):
    r = requests.get(f"{live_server}/ogc/collections/{CATALOGUE_ID}/items",
                     params={"sortby": "-title", "limit": 100, "f": "json"}, timeout=30)
    titles = [f["properties"]["title"] for f in r.json()["features"]]
    assert len(titles) == len(records) and titles == sorted(titles, reverse=True)
    page = requests.get(f"{live_server}/ogc/collections/{CATALOGUE_ID}/items?f=html", timeout=30)
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert records["teritoriu-parcels"]["properties"]["title"] in page.text


def test_an_unknown_record_parameter_is_400(live_server):
    r = requests.get(f"{live_server}/ogc/collections/{CATALOGUE_ID}/items?holder_name=x", timeout=30)
    assert r.status_code == 400 and "holder_name" in r.json()["description"]


@pytest.mark.parametrize("dataset_id", DATASETS)
def test_iso19139_parses_and_equals_the_registry(live_server, records, city_hall, loaded, dataset_id):
    md = _iso(live_server, dataset_id)
    record = records[f"teritoriu-{dataset_id}"]
    ident = md.identification[0]
    assert md.identifier == f"teritoriu-{dataset_id}" and md.hierarchy == "dataset"
    assert md.languagecode == "rum"
    assert ident.title == record["properties"]["title"]
    assert ident.abstract == record["properties"]["description"]
    inspire = next(k for k in ident.keywords if k.thesaurus and k.thesaurus["title"] == THESAURUS_NAME)
    theme = THEMES[record["properties"]["themes"][0]["concepts"][0]["id"]]
    assert [k.name for k in inspire.keywords] == [theme.label["ro"]]
    assert ident.topiccategory == [theme.topic]
    free = [kw.name for k in ident.keywords if k is not inspire for kw in k.keywords]
    assert free == record["properties"].get("keywords", free) and free
    (ring,) = record["geometry"]["coordinates"]
    assert (ident.bbox.minx, ident.bbox.miny, ident.bbox.maxx, ident.bbox.maxy) == (
        str(ring[0][0]), str(ring[0][1]), str(ring[2][0]), str(ring[2][1]))
    assert ident.temporalextent_start == record["time"]["interval"][0]
    assert md.contact[0].organization == ident.contact[0].organization == city_hall
    assert ident.contact[0].email == record["properties"]["contacts"][0]["emails"][0]["value"]
    assert md.referencesystem.code == f"urn:ogc:def:crs:EPSG:{get_profile(loaded.profile).storage_srid}"
    assert md.dataquality.lineage == record["properties"]["lineage"]
    assert "CC-BY 4.0" in ident.otherconstraints
    assert ident.uselimitation == ["CC-BY 4.0"]
    frequency = md.xml.decode() if isinstance(md.xml, bytes) else str(md.xml)
    assert f'codeListValue="{record["properties"]["updateFrequency"]}"' in frequency


@pytest.fixture(scope="module")
def granted_key(loaded) -> str:
    with session_scope(loaded, actor="test") as s:
        _, key = create_key(s, "Geoportal (catalogue test)", ["agri_plots"])
    return key


def test_a_restricted_dataset_iso19139_needs_its_grant(live_server, granted_key):
    md = _iso(live_server, "agri_plots", **{"X-API-Key": granted_key})
    assert md.identification[0].title == LAYERS["agri_plots"].label("ro")
    assert md.dataquality.lineage == LAYERS["agri_plots"].metadata["lineage"]["ro"]
    assert "Acces restricționat" in md.identification[0].uselimitation[0]
    r = requests.get(f"{live_server}/ogc/collections/parcel_records/metadata/iso19139",
                     headers={"X-API-Key": granted_key}, timeout=30)
    assert r.status_code == 403
    assert requests.get(f"{live_server}/ogc/collections/nope/metadata/iso19139", timeout=30).status_code == 404


def test_collections_link_their_iso19139(live_server):
    for dataset_id in ("parcels", "orthophoto"):
        doc = requests.get(f"{live_server}/ogc/collections/{dataset_id}?f=json", timeout=30).json()
        links = [lk for lk in doc["links"] if lk["rel"] == "describedby" and lk["type"] == "application/xml"]
        assert [lk["href"] for lk in links] == [f"{live_server}/ogc/collections/{dataset_id}/metadata/iso19139"]


SCHEMAS = Path(__file__).parent / "schemas" / "iso19139"


@pytest.fixture(scope="module")
def iso19139_schema() -> etree.XMLSchema:
    """gmd + gmx (the documents use gmx:Anchor for the INSPIRE thesaurus), read offline."""
    imports = "".join(f'<xs:import namespace="http://www.isotc211.org/2005/{ns}" schemaLocation="{ns}/{ns}.xsd"/>'
                      for ns in ("gmd", "gmx"))
    wrapper = f'<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">{imports}</xs:schema>'
    return etree.XMLSchema(etree.fromstring(wrapper.encode(), base_url=f"{SCHEMAS}/"))


@pytest.mark.parametrize("dataset_id", [*DATASETS, "agri_plots"])
def test_iso19139_is_valid_against_the_iso_schema(live_server, granted_key, iso19139_schema, dataset_id):
    r = requests.get(f"{live_server}/ogc/collections/{dataset_id}/metadata/iso19139",
                     headers={"X-API-Key": granted_key}, timeout=30)
    assert r.status_code == 200
    document = etree.fromstring(r.content)
    assert iso19139_schema.validate(document), [e.message for e in iso19139_schema.error_log][:3]


def test_a_key_finds_the_restricted_datasets_records_too(live_server, granted_key):
    # not Records(..., headers=...): OWSLib 0.36 adds those to its module-wide REQUEST_HEADERS, so every
    # later client of the process, anonymous ones included, would send the key
    staff = Records(f"{live_server}/ogc")
    staff.headers = {**staff.headers, "X-API-Key": granted_key}
    found = {f["id"] for f in staff.collection_items(CATALOGUE_ID, limit=100)["features"]}
    assert "X-API-Key" not in Records(f"{live_server}/ogc").headers
    assert found == {f"teritoriu-{d}" for d in [*DATASETS, *RESTRICTED]}
    record = staff.collection_item(CATALOGUE_ID, "teritoriu-agri_plots")
    assert record["properties"]["title"] == LAYERS["agri_plots"].label("ro")
    r = requests.get(f"{live_server}/ogc/collections/{CATALOGUE_ID}/items",
                     headers={"X-API-Key": "tk_deadbeef_not-a-real-key"}, timeout=30)
    assert r.status_code == 200 and f"teritoriu-{RESTRICTED[0]}" not in {f["id"] for f in r.json()["features"]}


def test_records_core_an_unknown_record_is_404(live_server, records):
    known = requests.get(f"{live_server}/ogc/collections/{CATALOGUE_ID}/items/teritoriu-zones?f=json", timeout=30)
    assert known.status_code == 200
    record = known.json()  # the item adds its own self/collection links to the record's
    assert record["properties"] == records["teritoriu-zones"]["properties"]
    assert all(link in record["links"] for link in records["teritoriu-zones"]["links"])
    r = requests.get(f"{live_server}/ogc/collections/{CATALOGUE_ID}/items/teritoriu-nope?f=json", timeout=30)
    assert r.status_code == 404


@pytest.mark.parametrize("change,message", [
    ({"inspire_theme": "xx"}, "metadata.inspire_theme must be one of"),
    ({"update_frequency": "sometimes"}, "metadata.update_frequency must be one of"),
    ({"lineage": {"ro": "doar română"}}, "metadata.lineage needs at least 'ro' and 'en'"),
    ({"temporal_field": "x; drop table y"}, "metadata.temporal_field must be a plain SQL name"),
    ({"licence": "CC0"}, "unknown metadata keys licence"),
])
def test_the_registry_refuses_a_bad_metadata_block(tmp_path, change, message):
    import yaml

    from layers.registry import LAYERS_DIR, LayerError

    data = yaml.safe_load((LAYERS_DIR / "zones.yaml").read_text(encoding="utf-8"))
    data["metadata"] = {**data["metadata"], **change}
    (tmp_path / "zones.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(LayerError, match=message):
        load_layers(tmp_path)
    del data["metadata"]
    (tmp_path / "zones.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(LayerError, match="missing keys metadata"):
        load_layers.__wrapped__(tmp_path)


def test_datetime_search(catalogue, records, live_server):
    updated = records["teritoriu-parcels"]["properties"]["updated"]  # every record: the data's last change
    day = updated[:10]
    for value in (day, updated, f"{day}/..", f"../{day}", f"2000-01-01/{day}"):
        assert catalogue.collection_items(CATALOGUE_ID, datetime=value, limit=100)["numberMatched"] == len(records)
    assert catalogue.collection_items(CATALOGUE_ID, datetime="2000-01-01/2000-12-31")["numberMatched"] == 0
    for bad in ("garbage", "2024-13-45", "a/b/c", "../.."):
        r = requests.get(f"{live_server}/ogc/collections/{CATALOGUE_ID}/items", params={"datetime": bad}, timeout=30)
        assert r.status_code == 400, bad


def test_queryables_with_their_actual_domains(live_server, records):
    """profile=actual-domain was a 500 (the stock provider looked up its `q` field in every record)."""
    r = requests.get(f"{live_server}/ogc/collections/{CATALOGUE_ID}/queryables",
                     params={"profile": "actual-domain", "f": "json"}, timeout=30)
    assert r.status_code == 200
    props = r.json()["properties"]
    assert props["type"]["enum"] == ["dataset"]
    assert sorted(props["title"]["enum"]) == sorted(f["properties"]["title"] for f in records.values())


def test_a_staff_session_finds_the_restricted_datasets_records(staff_client):
    client, _ = staff_client("officer")
    r = client.get(f"/ogc/collections/{CATALOGUE_ID}/items?f=json&limit=100")
    assert r.status_code == 200 and r.headers["Cache-Control"] == "private, no-store"
    assert {f"teritoriu-{d}" for d in RESTRICTED} <= {f["id"] for f in r.get_json()["features"]}

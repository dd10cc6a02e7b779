"""Restricted collections behind API keys; hidden columns and hostile input refused with 4xx."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from gis.apikeys import create_key, revoke_key
from gis.db import session_scope
from layers.registry import load_layers

RESTRICTED = sorted(lid for lid, layer in load_layers().items() if not layer.is_public)
PUBLIC = sorted(lid for lid, layer in load_layers().items() if layer.is_public)


@pytest.fixture(scope="module")
def keys(loaded):
    """A key granted two collections, one revoked, one expired."""
    with session_scope(loaded, actor="test") as s:
        _, granted = create_key(s, "ANAF Bihor", ["agri_plots", "parcel_assessments"])
        revoked_row, revoked = create_key(s, "Fost partener", RESTRICTED)
        expired_row, expired = create_key(s, "Expirat", RESTRICTED)
        revoke_key(s, revoked_row.prefix)
        s.execute(text("UPDATE auth.api_key SET expires_at = now() - interval '1 day' WHERE id = :i"),
                  {"i": expired_row.id})
    return {"granted": granted, "revoked": revoked, "expired": expired}


def test_restricted_collections_exist():
    assert {"agri_plots", "parcel_assessments", "parcel_records"} <= set(RESTRICTED)


@pytest.mark.parametrize("collection", RESTRICTED)
@pytest.mark.parametrize("path", ["", "/items", "/items/1", "/queryables"])
def test_restricted_without_a_key_is_401(client, collection, path):
    r = client.get(f"/ogc/collections/{collection}{path}?f=json")
    assert r.status_code == 401
    assert "API key" in r.get_json()["description"]


@pytest.mark.parametrize("collection", RESTRICTED)
@pytest.mark.parametrize("which,message", [("wrong", "not valid"), ("revoked", "revoked"),
                                           ("expired", "expired")])
def test_restricted_with_a_bad_key_is_401(client, keys, collection, which, message):
    key = keys.get(which, "tk_deadbeef_not-a-real-key")
    r = client.get(f"/ogc/collections/{collection}/items?f=json", headers={"X-API-Key": key})
    assert r.status_code == 401
    assert message in r.get_json()["description"]


def test_a_key_without_the_grant_is_403(client, keys):
    r = client.get("/ogc/collections/parcel_records/items?f=json",
                   headers={"Authorization": f"Bearer {keys['granted']}"})
    assert r.status_code == 403 and "no grant" in r.get_json()["description"]


def test_a_granted_key_reads_personal_data_and_the_read_is_logged(client, keys, engine):
    prefix = keys["granted"].split("_")[1]
    with engine.connect() as c:
        before = c.execute(text("SELECT count(*) FROM audit.log WHERE object_id = :p"),
                           {"p": prefix}).scalar_one()
    r = client.get("/ogc/collections/agri_plots/items?f=json&limit=5",
                   headers={"X-API-Key": keys["granted"]})
    assert r.status_code == 200
    features = r.get_json()["features"]
    assert features and "holder_name" in features[0]["properties"]
    assert r.headers["Cache-Control"] == "private, no-store"
    with engine.connect() as c:
        after = c.execute(text("SELECT count(*), max(table_name) FROM audit.log WHERE object_id = :p"),
                          {"p": prefix}).one()
        used = c.execute(text("SELECT last_used_at FROM auth.api_key WHERE prefix = :p"),
                         {"p": prefix}).scalar_one()
    assert after[0] == before + 1 and after[1] == "ogc:agri_plots"
    assert used is not None


def test_the_public_list_hides_restricted_collections_a_key_shows_them(client, keys):
    anonymous = {c["id"] for c in client.get("/ogc/collections?f=json").get_json()["collections"]}
    with_key = {c["id"] for c in client.get("/ogc/collections?f=json",
                                            headers={"X-API-Key": keys["granted"]}).get_json()["collections"]}
    assert anonymous == set(PUBLIC) | {"orthophoto", "catalogue"}
    assert with_key == set(PUBLIC) | set(RESTRICTED) | {"orthophoto", "catalogue"}


HIDDEN = ["id_code", "holder_name", "taxpayer_name", "amount", "eterra_id", "valid_to"]


@pytest.mark.parametrize("column", HIDDEN)
def test_a_filter_on_a_hidden_column_is_a_400_not_an_empty_answer(client, column):
    for query in (f"{column}=1", f"filter={column}='1'", f"sortby={column}", f"properties={column}"):
        r = client.get(f"/ogc/collections/parcels/items?f=json&{query}")
        assert r.status_code == 400, query
        assert r.get_json()["description"], query


INJECTIONS = ["1' OR '1'='1", "1; DROP TABLE cadastre.parcel; --", "' UNION SELECT id_code FROM fiscal.taxpayer --",
              "<script>alert(1)</script>", "../../etc/passwd", "%00", "1e999", "NaN"]


@pytest.mark.parametrize("payload", INJECTIONS)
def test_injection_strings_in_every_parameter_are_refused_or_harmless(client, engine, payload):
    with engine.connect() as c:
        before = c.execute(text("SELECT count(*), sum(version) FROM cadastre.parcel")).one()
    for param in ("bbox", "limit", "offset", "crs", "bbox-crs", "sortby", "properties", "filter",
                  "cadastral_number", "skipGeometry", "datetime", "f", "lang"):
        r = client.get("/ogc/collections/parcels/items", query_string={param: payload})
        assert r.status_code < 500, (param, r.status_code, r.data[:200])
    for path in (f"/ogc/collections/{payload}/items", f"/ogc/collections/parcels/items/{payload}"):
        assert client.get(path, query_string={"f": "json"}).status_code in (400, 404)
    with engine.connect() as c:
        assert c.execute(text("SELECT count(*), sum(version) FROM cadastre.parcel")).one() == before

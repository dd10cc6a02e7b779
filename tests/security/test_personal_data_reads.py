"""Issue 17, item 5: staff reads of personal data were neither limited nor logged.

Replayed: a surveyor (who imports geometry and needs no taxpayer) read `parcel_assessments`
(taxpayers with their CNP), `parcel_records` and `agri_plots` through /ogc and the fiscal view of a
parcel, and no audit row said so (only agencies' API-key reads were logged). Now gis.roles says
which role reads which restricted collection, the others get a 403 in Romanian (then English and
Hungarian), and every staff read leaves a `view` row as an agency's does.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text

from gis import roles
from layers.registry import load_layers

PERSONAL = ("parcel_assessments", "parcel_records", "agri_plots")


@pytest.fixture(scope="module")
def parcel_with_tax(engine) -> int:
    with engine.connect() as c:
        return c.execute(text("SELECT parcel_id FROM fiscal.tax_assessment WHERE parcel_id IS NOT NULL "
                              "ORDER BY 1 DESC LIMIT 1")).scalar_one()  # not the one tests/test_checks.py reads


def _views(engine, table: str, actor: str) -> int:
    with engine.connect() as c:
        return c.execute(text("SELECT count(*) FROM audit.log WHERE action = 'view' AND table_name = :t "
                              "AND actor = :a"), {"t": table, "a": actor}).scalar_one()


def test_every_restricted_collection_has_its_readers_in_the_roles_vocabulary():
    restricted = {lid for lid, layer in load_layers().items() if not layer.is_public}
    assert restricted == set(roles.RESTRICTED_READERS) - {roles.FISCAL_VIEW}
    for what, readers in roles.RESTRICTED_READERS.items():
        assert set(readers) <= set(roles.STAFF), what
    for collection in PERSONAL:
        assert roles.may_read("officer", collection) and roles.may_read("admin", collection)
        assert not roles.may_read("surveyor", collection) and not roles.may_read("citizen", collection)
    assert not roles.may_read("surveyor", roles.FISCAL_VIEW) and roles.may_read("officer", roles.FISCAL_VIEW)


@pytest.mark.parametrize("collection", PERSONAL)
def test_a_surveyor_reads_no_personal_collection(staff_client, engine, collection):
    client, _ = staff_client("surveyor", username="sec.pd.surveyor")
    before = _views(engine, f"ogc:{collection}", "surveyor:sec.pd.surveyor")
    for path in (f"/ogc/collections/{collection}/items?f=json&limit=5", f"/ogc/collections/{collection}/items/1?f=json",
                 f"/ogc/collections/{collection}?f=json", f"/ogc/collections/{collection}/queryables?f=json"):
        r = client.get(path)
        assert r.status_code == 403, (path, r.status_code)
        message = r.get_json()["description"]
        assert message.startswith("Rolul dumneavoastră") and "personal data" in message and "személyes" in message
        assert "taxpayer_id_code" not in r.get_data(as_text=True) and "holder_id_code" not in r.get_data(as_text=True)
    assert _views(engine, f"ogc:{collection}", "surveyor:sec.pd.surveyor") == before


def test_a_surveyor_gets_no_fiscal_view(staff_client, parcel_with_tax):
    client, _ = staff_client("surveyor", username="sec.pd.surveyor")
    r = client.get(f"/api/office/parcels/{parcel_with_tax}/fiscal")
    assert r.status_code == 403 and "id_code" not in r.get_data(as_text=True)
    assert r.get_json()["message"].startswith("Rolul dumneavoastră")


@pytest.mark.parametrize("role", ["officer", "admin"])
@pytest.mark.parametrize("collection", PERSONAL)
def test_an_officers_reads_are_served_and_each_one_is_logged(staff_client, engine, role, collection):
    username = f"sec.pd.{role}"
    client, _ = staff_client(role, username=username)
    actor = f"{role}:{username}"
    before = _views(engine, f"ogc:{collection}", actor)
    r = client.get(f"/ogc/collections/{collection}/items?f=json&limit=3")
    assert r.status_code == 200 and r.get_json()["features"]
    assert r.headers["Cache-Control"] == "private, no-store"
    first = r.get_json()["features"][0]["id"]
    assert client.get(f"/ogc/collections/{collection}/items/{first}?f=json").status_code == 200
    assert _views(engine, f"ogc:{collection}", actor) == before + 2
    # describing the collection shows no record: not logged as a view of personal data
    assert client.get(f"/ogc/collections/{collection}?f=json").status_code == 200
    assert client.get(f"/ogc/collections/{collection}/queryables?f=json").status_code == 200
    assert _views(engine, f"ogc:{collection}", actor) == before + 2
    with engine.connect() as c:
        last = c.execute(text("SELECT object_id, after FROM audit.log WHERE table_name = :t AND actor = :a "
                              "ORDER BY id DESC LIMIT 1"), {"t": f"ogc:{collection}", "a": actor}).one()
    assert last[0] == str(first) and f"/items/{first}" in last[1]["path"]


def test_the_fiscal_view_is_logged_for_the_officer(staff_client, engine, parcel_with_tax):
    client, _ = staff_client("officer", username="sec.pd.officer")
    before = _views(engine, "fiscal:parcel", "officer:sec.pd.officer")
    r = client.get(f"/api/office/parcels/{parcel_with_tax}/fiscal")
    assert r.status_code == 200 and r.get_json()["assessments"][0]["id_code"]
    assert _views(engine, "fiscal:parcel", "officer:sec.pd.officer") == before + 1

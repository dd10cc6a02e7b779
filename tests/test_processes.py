"""OGC API Processes for the certificates: behind API keys, facts as JSON or a draft PDF,
never a number or a stored document."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from gis.apikeys import create_key
from gis.db import session_scope


@pytest.fixture(scope="module")
def key(loaded):
    with session_scope(loaded, actor="test") as s:
        return create_key(s, "Consiliul Județean Bihor", ["urbanism-certificate"])[1]


@pytest.fixture(scope="module")
def number(engine):
    with engine.connect() as c:
        return c.execute(text("SELECT cadastral_number FROM public_api.parcel WHERE intravilan "
                              "ORDER BY cadastral_number LIMIT 1")).scalar_one()


def run(client, process, inputs, key=None):
    headers = {"X-API-Key": key} if key else {}
    return client.post(f"/ogc/processes/{process}/execution", json={"inputs": inputs}, headers=headers)


def test_processes_need_a_key_and_the_grant(client, key, number):
    assert client.get("/ogc/processes?f=json").status_code == 401
    assert run(client, "urbanism-certificate", {"parcels": [number], "purpose": "x"}).status_code == 401
    assert run(client, "urbanism-certificate", {"parcels": [number], "purpose": "x"},
               "tk_00000000_bad").status_code == 401
    denied = run(client, "street-nomenclature-certificate", {"parcels": [number]}, key)
    assert denied.status_code == 403
    listed = client.get("/ogc/processes?f=json", headers={"X-API-Key": key}).get_json()
    assert {"urbanism-certificate", "street-nomenclature-certificate"} <= {p["id"] for p in listed["processes"]}


def test_the_urbanism_process_returns_the_facts_and_numbers_nothing(client, engine, key, number):
    with engine.connect() as c:
        before = c.execute(text("SELECT count(*) FROM registry.request")).scalar_one()
    r = run(client, "urbanism-certificate", {"parcels": [number], "purpose": "construire"}, key)
    assert r.status_code == 200
    facts = r.get_json()["value"]
    assert facts["parcels"][0]["cadastral_number"] == number
    assert facts["fee"]["amount_lei"] and facts["parcels"][0]["zones"]
    pdf = run(client, "urbanism-certificate", {"parcels": [number], "purpose": "x", "format": "pdf"}, key)
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    with engine.connect() as c:
        assert c.execute(text("SELECT count(*) FROM registry.request")).scalar_one() == before


@pytest.mark.parametrize("inputs,words", [({"parcels": "50001"}, "list"), ({"parcels": ["999999999"], "purpose": "x"},
                                                                           "no current parcel")])
def test_bad_process_inputs_are_a_400(client, key, inputs, words):
    r = run(client, "urbanism-certificate", inputs, key)
    assert r.status_code == 400 and words in r.get_json()["description"]


def test_an_unknown_process_is_a_404(client, key):
    assert run(client, "delete-everything", {}, key).status_code == 404

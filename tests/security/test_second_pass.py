"""What a second attack pass, made without reading the code, found on anonymous routes (issue 17):
bodies and parameters that used to answer 500 or were taken although the schema forbids them."""

from __future__ import annotations

import itertools
import json

import pytest
from sqlalchemy import text


def count_requests(engine) -> int:
    with engine.connect() as c:
        return c.execute(text("SELECT count(*) FROM registry.request")).scalar()


ADDRESSES = (f"10.77.{n // 250}.{n % 250 + 1}" for n in itertools.count())  # each filing its own client


def file(client, body: bytes | str, lang: str = "ro"):
    return client.post(f"/api/certificates?lang={lang}", data=body, content_type="application/json",
                       environ_base={"REMOTE_ADDR": next(ADDRESSES)})


GOOD = {"type": "urbanism", "parcels": ["50001"], "purpose": "construire locuință", "applicant_name": "Ion Pop"}


def test_a_body_nested_thousands_deep_is_a_400_in_the_callers_language(client, engine):
    before = count_requests(engine)
    deep = "[" * 5000 + "]" * 5000
    ro, en = file(client, deep), file(client, deep, "en")
    assert ro.status_code == en.status_code == 400
    assert "imbricat" in ro.get_json()["message"] and "nested" in en.get_json()["message"]
    assert count_requests(engine) == before


@pytest.mark.parametrize("field,value", [
    ("applicant_name", {"a": 1}), ("applicant_name", ["Ion Pop"]), ("purpose", 12345),
    ("parcels", "50001"), ("parcels", [50001]), ("applicant_email", ["a@b.ro"]),
    ("uat", 99999999999999999999), ("uat", -1), ("uat", "926501"), ("uat", True),
    ("applicant_name", "\ud800\ud800\ud800"), ("applicant_email", "\ud800@x.ro"), ("parcels", ["\ud800"]),
    ("type", ["urbanism"]),
])
def test_a_field_of_the_wrong_type_or_not_text_is_a_400_and_files_nothing(client, engine, field, value):
    before = count_requests(engine)
    r = file(client, json.dumps({**GOOD, field: value}))
    assert r.status_code == 400, (field, value, r.status_code, r.data[:200])
    assert field in r.get_json()["message"] or "type" in r.get_json()["message"]
    assert count_requests(engine) == before


@pytest.mark.parametrize("path", [
    "/u/2147483648/", "/u/99999999999999999999/",
    "/api/parcels/50001?uat=99999999999999999999", "/api/parcels/50001?uat=%C2%B2",
    "/api/search?q=mor&uat=99999999999999999999", "/api/search?q=mor&uat=%C2%B2",
    "/ogc/collections/parcels/items?uat=99999999999999999999",
    "/ogc/collections/parcels/items.csv?uat=99999999999999999999",
])
def test_a_uat_code_out_of_range_is_a_4xx_not_a_500(client, path):
    r = client.get(path)
    assert 400 <= r.status_code < 500, (path, r.status_code, r.data[:200])


def test_a_staff_read_logs_the_path_without_the_applicants_token(client, engine, staff_client):
    """An officer who follows the applicant's link (`/cereri/<id>?token=…`) is logged reading the
    request; the token itself stays out of the hash-chained trail."""
    r = file(client, json.dumps({**GOOD, "parcels": [first_parcel(engine)]}))
    assert r.status_code == 201, r.data
    request_id, token = r.get_json()["id"], r.get_json()["token"]
    officer, _ = staff_client("officer", username="second.pass.officer")
    assert officer.get(f"/cereri/{request_id}?token={token}&lang=en").status_code == 200
    with engine.connect() as c:
        logged = c.execute(text("SELECT after::text FROM audit.log WHERE action = 'view' AND table_name = "
                                "'registry.request' AND object_id = :i"), {"i": str(request_id)}).scalars().all()
    assert logged and all(token not in row for row in logged), logged
    assert any("token=[redacted]" in row and "lang=en" in row for row in logged), logged


def first_parcel(engine) -> str:
    with engine.connect() as c:
        return c.execute(text("SELECT cadastral_number FROM public_api.parcel ORDER BY id LIMIT 1")).scalar()


def test_the_register_discrepancies_are_not_for_surveyors(staff_client):
    """They name agricultural-register plots, their declared areas and the parcels without a tax
    assessment: the tax office's work, an officer's, not a surveyor's."""
    surveyor, _ = staff_client("surveyor", username="second.pass.surveyor")
    officer, _ = staff_client("officer", username="second.pass.officer")
    assert surveyor.get("/api/office/discrepancies?uat=926501").status_code == 403
    assert officer.get("/api/office/discrepancies?uat=926501").status_code == 200


@pytest.mark.parametrize("query", ["", "?f=json", "?limit=1", "?bbox=1,2,3,4&sortby=-id"])
def test_a_coverage_has_no_items_a_404_that_says_where_its_data_is(client, query):
    """A third attack pass: /collections/orthophoto/items answered 500 (a raster taken for features)."""
    r = client.get(f"/ogc/collections/orthophoto/items{query}")
    assert r.status_code == 404 and "/coverage" in r.get_data(as_text=True), (query, r.status_code)


@pytest.mark.slow
def test_the_access_log_keeps_paths_without_their_tokens(loaded, tmp_path):
    """A third attack pass found the applicant's token in gunicorn's access log (the query string
    and the referrer): the log keeps the path, never the query."""
    import socket

    import requests

    from api import production

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    log = tmp_path / "server.log"
    with open(log, "wb") as fh:
        proc = production.spawn(port, {"TERITORIU_DB_NAME": loaded.db_name}, workers=1, access_log=fh)
        try:
            secret = "SECRETTOKEN0123456789abcdef"
            r = requests.get(f"http://127.0.0.1:{port}/cereri/1?token={secret}", timeout=30,
                             headers={"Referer": f"http://127.0.0.1:{port}/cereri/1?token={secret}"})
            assert r.status_code == 404
        finally:
            production.stop(proc)
    text_ = log.read_text()
    assert '"GET /cereri/1 HTTP/1.1" 404' in text_, text_[-2000:]
    assert secret not in text_

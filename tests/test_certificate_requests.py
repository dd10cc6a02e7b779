"""The request workflow over HTTP and in the registry: numbers, drafts, issue, download,
cancellation; bad requests refused with a message and nothing written."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import text

from gis.certificates.rules import CertificateError
from gis.certificates.workflow import cancel, issue_request, send_to_review


@pytest.fixture(scope="module")
def number(engine):
    with engine.connect() as c:
        return c.execute(text("SELECT cadastral_number FROM public_api.parcel WHERE intravilan "
                              "ORDER BY cadastral_number OFFSET 3 LIMIT 1")).scalar_one()


def requests_count(engine) -> int:
    with engine.connect() as c:
        return c.execute(text("SELECT count(*) FROM registry.request")).scalar_one()


_clients = iter(range(1, 60000))


def post(client, **fields):
    """File a request from its own client address (filing is rate-limited per client)."""
    body = {"type": "urbanism", "purpose": "construire locuință", "applicant_name": "Ion Pop", **fields}
    n = next(_clients)
    return client.post("/api/certificates", json=body,
                       environ_base={"REMOTE_ADDR": f"10.66.{n // 250}.{n % 250 + 1}"})


def test_a_request_gets_the_next_number_and_a_draft(client, engine, number):
    first = post(client, parcels=[number])
    second = post(client, parcels=[number], type="nomenclature")
    assert first.status_code == second.status_code == 201
    a, b = first.get_json(), second.get_json()
    n1, y1 = map(int, a["registry_number"].split("/"))
    n2, y2 = map(int, b["registry_number"].split("/"))
    assert (n2, y2) == (n1 + 1, y1) and a["status"] == "received"
    assert Decimal(a["fee"]) > 0 and b["fee"] == "10.00"
    state = client.get(f"/api/certificates/{a['id']}?token={a['token']}").get_json()
    assert state["registry_number"] == a["registry_number"] and "token" not in state
    draft = client.get(f"/api/certificates/{a['id']}.pdf?token={a['token']}")
    assert draft.status_code == 200 and draft.mimetype == "application/pdf"
    # viewing the draft is a read: the request stays received (issue 17, item 14)
    assert client.get(f"/api/certificates/{a['id']}?token={a['token']}").get_json()["status"] == "received"


def test_without_the_token_a_request_does_not_exist(client, number):
    a = post(client, parcels=[number]).get_json()
    for url in (f"/api/certificates/{a['id']}", f"/api/certificates/{a['id']}?token=wrong",
                f"/api/certificates/{a['id']}.pdf?token=wrong", f"/cereri/{a['id']}?token=x"):
        assert client.get(url).status_code == 404


def test_issue_then_download_returns_the_same_bytes_every_time(loaded, client, number):
    a = post(client, parcels=[number]).get_json()
    send_to_review(loaded, a["id"], "officer:test")
    info, pdf = issue_request(loaded, a["id"], "officer:test", unpaid_confirmed=True)
    assert info.status == "issued" and info.verification_code
    url = f"/api/certificates/{a['id']}.pdf?token={a['token']}"
    one, two = client.get(url), client.get(url)
    assert one.data == two.data == pdf
    assert client.get(f"/api/certificates/{a['id']}?token={a['token']}").get_json()["status"] == "downloaded"
    with pytest.raises(CertificateError, match="nu poate deveni emis"):
        issue_request(loaded, a["id"], "officer:test")


def test_a_cancelled_request_needs_a_reason_and_gives_no_pdf(loaded, client, number):
    a = post(client, parcels=[number]).get_json()
    with pytest.raises(CertificateError, match="reason"):
        cancel(loaded, a["id"], "  ", "officer:test")
    cancel(loaded, a["id"], "cerere retrasă de solicitant", "officer:test")
    r = client.get(f"/api/certificates/{a['id']}.pdf?token={a['token']}")
    assert r.status_code == 409 and "retrasă" in r.get_json()["message"]
    with pytest.raises(CertificateError):
        issue_request(loaded, a["id"], "officer:test")


@pytest.mark.parametrize("fields,status,words", [
    ({"type": "building-permit"}, 400, "type"),
    ({"parcels": []}, 400, "parcels"),
    ({"parcels": "x" * 40}, 400, "parcels"),
    ({"applicant_name": ""}, 400, "applicant_name"),
    ({"applicant_email": "not-an-email"}, 400, "e-mail"),
    ({"purpose": ""}, 400, "purpose"),
    ({"parcels": ["999999999"]}, 404, "nicio parcelă curentă"),  # Romanian: the request asked no other language
    ({"purpose": "a\x00b"}, 400, "NUL"),
])
def test_bad_requests_are_refused_and_write_nothing(client, engine, number, fields, status, words):
    before = requests_count(engine)
    r = post(client, **{"parcels": [number], **fields})
    assert r.status_code == status and words in r.get_json()["message"]
    assert requests_count(engine) == before


def test_a_body_that_is_not_json_is_a_415(client, engine):
    before = requests_count(engine)
    r = client.post("/api/certificates", data="parcels=1", content_type="text/plain",
                    environ_base={"REMOTE_ADDR": "10.66.255.1"})
    assert r.status_code == 415 and requests_count(engine) == before


def test_filing_is_rate_limited_per_client(client, number):
    codes = [client.post("/api/certificates", json={"type": "urbanism"},
                         environ_base={"REMOTE_ADDR": "10.67.0.1"}).status_code for _ in range(12)]
    assert codes[0] == 400 and 429 in codes


def test_a_draft_is_rendered_once_until_what_it_shows_changes(loaded, client, engine, number):
    """The applicant's draft comes from var/drafts/ the second time; an edit of the data (a new
    data revision) renders it again."""
    r = post(client, parcels=[number])
    body = r.get_json()
    url = f"/api/certificates/{body['id']}.pdf?token={body['token']}"
    first = client.get(url).data
    drafts = sorted((loaded.var_dir / "drafts" / loaded.db_name).glob(f"{body['id']}-*.pdf"))
    assert len(drafts) == 1 and drafts[0].read_bytes() == first
    assert client.get(url).data == first
    with engine.begin() as c:  # any edit of a published table bumps the data revision
        c.execute(text("UPDATE streets.street SET name = name WHERE id = (SELECT min(id) FROM streets.street)"))
    client.get(url)
    assert len(list((loaded.var_dir / "drafts" / loaded.db_name).glob(f"{body['id']}-*.pdf"))) == 2

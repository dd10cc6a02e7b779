"""Issue 17, item 14: reads changed a request's state.

`GET /api/certificates/<id>.pdf` by an officer moved the request to "downloaded" as
`public:download`, and viewing a draft moved "received" to "draft". Every GET (and HEAD) an
officer, an admin or the applicant can make on a request, in every state, must leave its row in
registry.request and the audit trail's count of its changes as they were. The one exception is the
applicant's first download of an issued document (with the token, not a staff session): it makes the
request "downloaded", once, recorded as the applicant. "Received → draft" is the officer's explicit
action, a POST.
"""

from __future__ import annotations

import pytest
from factories import csrf_token
from sqlalchemy import text

from gis.certificates.workflow import file_request

SAMPLE = 926501
STATES = ("received", "draft", "review", "issued", "downloaded", "cancelled")


@pytest.fixture(scope="module")
def number(engine):
    with engine.connect() as c:
        return c.execute(text("SELECT cadastral_number FROM public_api.parcel WHERE uat_siruta = :u AND intravilan "
                              "ORDER BY cadastral_number OFFSET 5 LIMIT 1"), {"u": SAMPLE}).scalar_one()


def new_request(loaded, bring_request_to, number, state: str) -> dict:
    """A request of the sample commune brought to `state` the way the registry gets there."""
    info = file_request(loaded, "urbanism", [number], f"citire fără efect ({state})", "Maria Cititoarea",
                        "public:request", uat=SAMPLE)
    bring_request_to(info.id, state)
    return {"id": info.id, "token": info.access_token}


def fingerprint(engine, request_id: int) -> tuple:
    """The request's row as stored, and how many changes of it the audit trail holds."""
    with engine.connect() as c:
        return c.execute(text(
            "SELECT (SELECT to_jsonb(r) FROM registry.request r WHERE r.id = :i), "
            "(SELECT count(*) FROM audit.log WHERE table_name = 'registry.request' AND object_id = :s "
            " AND action <> 'view')"), {"i": request_id, "s": str(request_id)}).one()


def state_changes(engine, request_id: int) -> list[tuple]:
    with engine.connect() as c:
        return [tuple(r) for r in c.execute(text(
            "SELECT actor, before ->> 'status', after ->> 'status' FROM audit.log WHERE table_name = 'registry.request'"
            " AND object_id = :s AND action = 'update' AND before ->> 'status' IS DISTINCT FROM after ->> 'status'"
            " ORDER BY id"), {"s": str(request_id)})]


def reads(request_id: int, token: str | None = None) -> list[tuple[str, str]]:
    suffix = f"?token={token}" if token else ""
    and_ = "&" if token else "?"
    urls = [f"/cereri/{request_id}{suffix}", f"/cereri/{request_id}{suffix}{and_}lang=en",
            f"/api/certificates/{request_id}{suffix}", f"/api/certificates/{request_id}.pdf{suffix}"]
    return [(method, url) for url in urls for method in ("GET", "HEAD")]


@pytest.fixture(scope="module")
def staff(staff_client):
    return {"officer": staff_client("officer", [SAMPLE], "rc.officer"),
            "admin": staff_client("admin", (), "rc.admin")}


@pytest.mark.parametrize("state", STATES)
def test_staff_reads_change_nothing(loaded, engine, bring_request_to, number, staff, state):
    req = new_request(loaded, bring_request_to, number, state)
    before = fingerprint(engine, req["id"])
    for who, (client, _) in staff.items():
        for method, url in reads(req["id"]) + [("GET", "/office"), ("GET", "/office/audit")]:
            r = client.open(url, method=method)
            assert r.status_code < 500, (who, method, url, r.status_code)
            if "/api/certificates/" in url and not (url.endswith(".pdf") and state == "cancelled"):
                assert r.status_code == 200, (who, method, url, r.status_code)  # they do read it
            assert fingerprint(engine, req["id"]) == before, (who, method, url)


@pytest.mark.parametrize("state", [s for s in STATES if s != "issued"])
def test_the_applicants_reads_change_nothing(loaded, engine, bring_request_to, number, app, state):
    req = new_request(loaded, bring_request_to, number, state)
    applicant = app.test_client()
    before = fingerprint(engine, req["id"])
    for method, url in reads(req["id"], req["token"]):
        r = applicant.open(url, method=method)
        assert r.status_code in ((409,) if state == "cancelled" and ".pdf" in url else (200,)), (method, url)
        assert fingerprint(engine, req["id"]) == before, (method, url)


def test_only_the_applicants_first_download_counts_and_is_theirs(loaded, engine, bring_request_to, number, app, staff):
    req = new_request(loaded, bring_request_to, number, "issued")
    officer, _ = staff["officer"]
    applicant = app.test_client()
    before = fingerprint(engine, req["id"])
    pdf = officer.get(f"/api/certificates/{req['id']}.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert officer.get(f"/api/certificates/{req['id']}.pdf?token={req['token']}").status_code == 200  # a session
    for method, url in reads(req["id"], req["token"]):  # the applicant's page, status and HEAD: reads
        if not (method == "GET" and url.endswith(".pdf" + f"?token={req['token']}")):
            assert applicant.open(url, method=method).status_code == 200, (method, url)
    assert fingerprint(engine, req["id"]) == before and state_changes(engine, req["id"])[-1][2] == "issued"
    first = applicant.get(f"/api/certificates/{req['id']}.pdf?token={req['token']}")
    assert first.status_code == 200 and first.data == pdf.data
    moved = state_changes(engine, req["id"])
    assert moved[-1] == (f"applicant:request-{req['id']}", "issued", "downloaded"), moved
    after_first = fingerprint(engine, req["id"])
    assert after_first[1] == before[1] + 1
    assert applicant.get(f"/api/certificates/{req['id']}.pdf?token={req['token']}").data == pdf.data
    assert officer.get(f"/api/certificates/{req['id']}.pdf").data == pdf.data
    assert fingerprint(engine, req["id"]) == after_first


def test_received_to_draft_is_the_officers_post(loaded, engine, bring_request_to, number, staff):
    """Viewing the draft leaves a request received; the officer's explicit action (a POST, from the
    office page or the API) makes it a draft, recorded as that officer."""
    officer, headers = staff["officer"]
    req = new_request(loaded, bring_request_to, number, "received")
    assert officer.get(f"/api/certificates/{req['id']}.pdf").status_code == 200
    assert fingerprint(engine, req["id"])[0]["status"] == "received"
    r = officer.post(f"/office/requests/{req['id']}/draft", data={"csrf": csrf_token(officer, "/office")})
    assert r.status_code == 303
    assert state_changes(engine, req["id"])[-1] == ("officer:rc.officer", "received", "draft")
    other = new_request(loaded, bring_request_to, number, "received")
    r = officer.post(f"/api/certificates/{other['id']}/draft", headers=headers)
    assert r.status_code == 200 and r.get_json()["status"] == "draft"
    again = officer.post(f"/api/certificates/{other['id']}/draft", headers=headers)
    assert again.status_code == 409  # already a draft

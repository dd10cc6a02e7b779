"""Every mutating route of the app, tried by every kind of caller: nothing changes unless the
caller may change it, and no answer is a 5xx. Plus the security headers of the pages."""

from __future__ import annotations

import re

import pytest
from factories import csrf_token, sign_in
from sqlalchemy import text

from gis.apikeys import create_key
from gis.db import session_scope
from layers.ogc_config import restricted_grants
from layers.processes import PROCESSES

PASSWORD = "parola-matrice-123"
MUTATING = {"POST", "PUT", "DELETE", "PATCH"}
# what an anonymous caller may do: file a certificate request and confirm it from the e-mailed link, sign in,
# check a PDF, query by POST, count a use of the public map (a session or a search: gis/map_use.py)
PUBLIC_WRITES = {"/api/certificates", "/cereri/noua", "/cereri/<int:request_id>/confirmare", "/office/login",
                 "/verify/<code>", "/ogc/collections/<collection_id>/items", "/api/usage/<any(session, search):kind>"}
# real values for the placeholders that name things (a public and a restricted collection, each
# process), so that the matrix reaches the code behind the 404
PLACES = {"collection_id": ["parcels", "parcel_assessments"], "process_id": sorted(PROCESSES)}
AGENCY_GRANTS = restricted_grants()


def routes(app):
    for rule in app.url_map.iter_rules():
        methods = (rule.methods or set()) & MUTATING
        if not methods:
            continue
        paths = [re.sub(r"<any\(([a-z]+)[^>]*\):[a-z_]+>", r"\1", rule.rule)]
        for name, values in PLACES.items():
            paths = [p.replace(f"<{name}>", v) for p in paths for v in values]
        for path in paths:
            yield rule.rule, re.sub(r"<(?:int:)?[a-z_]+>", "1", path), sorted(methods)


@pytest.fixture(scope="module")
def sessions(app, loaded, staff_client, make_user):
    out = {"anonymous": (app.test_client(), {})}
    for role in ("surveyor", "officer", "admin"):
        out[role] = staff_client(role, username=f"rm.{role}")
    # refused at sign-in: a citizen keeps only the login page's token
    client = app.test_client()
    assert sign_in(client, make_user("rm.citizen", "citizen")).status_code == 401
    assert _sign_in_page(client.get("/office"))
    out["citizen"] = (client, {"X-CSRF-Token": csrf_token(client)})
    with session_scope(loaded, actor="test") as s:  # an agency granted everything a key can be
        _, key = create_key(s, "Agenția de test", AGENCY_GRANTS)
    out["agency"] = (app.test_client(), {"X-API-Key": key})
    return out


def fingerprint(engine) -> tuple:
    with engine.connect() as c:
        return tuple(c.execute(text(
            "SELECT (SELECT count(*) FROM cadastre.parcel), (SELECT coalesce(sum(version), 0) FROM cadastre.parcel), "
            "(SELECT count(*) FROM registry.document), (SELECT count(*) FROM auth.api_key)")).one())


def test_the_app_has_mutating_routes(app):
    assert len(list(routes(app))) >= 10


@pytest.mark.parametrize("who", ["anonymous", "citizen", "surveyor", "agency"])
def test_no_mutation_succeeds_where_it_should_not(app, sessions, engine, who):
    client, headers = sessions[who]
    before = fingerprint(engine)
    for rule, path, methods in routes(app):
        if rule == "/office/logout":  # ends the session the loop uses; harmless by design
            continue
        for method in methods:
            r = client.open(path, method=method, json={}, headers=headers,
                            environ_base={"REMOTE_ADDR": "10.90.0.1"})
            assert r.status_code < 500, (method, path, r.status_code)
            if rule in PUBLIC_WRITES:
                continue
            assert r.status_code in (400, 401, 403, 404, 405, 409, 422, 429), (who, method, path, r.status_code)
            if who in ("anonymous", "citizen"):
                assert r.status_code in (401, 403, 404, 405), (who, method, path, r.status_code)
            if who == "agency" and not rule.startswith("/ogc/processes"):  # a key opens no staff route
                assert r.status_code in (401, 403, 404, 405), (who, method, path, r.status_code)
    assert fingerprint(engine) == before


def test_citizens_cannot_sign_in_to_the_office(app, sessions):
    client = app.test_client()
    r = sign_in(client, "rm.citizen")
    assert r.status_code == 401 and _sign_in_page(client.get("/office"))


def _sign_in_page(response) -> bool:
    """/office without a staff session: the sign-in page (api.staff.requires), never the desk."""
    return response.status_code == 303 and response.headers["Location"].startswith("/office/login")


def test_pages_carry_security_headers(client):
    r = client.get("/")
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in r.headers["Content-Security-Policy"]
    assert r.headers["X-Frame-Options"] == "DENY"
    assert client.get("/api/health").headers["X-Content-Type-Options"] == "nosniff"


SURVEYOR_READS = {"/api/office/topology", "/api/office/measure"}


@pytest.mark.parametrize("who", ["officer", "admin"])
def test_officers_and_admins_reach_every_staff_route(app, sessions, who):
    """The same calls as an officer or admin: let through (an empty body is then a 4xx about
    the body, never a refusal of the person), and never a 5xx."""
    client, headers = sessions[who]
    for rule, path, methods in routes(app):
        if rule == "/office/logout" or not rule.startswith(("/api/office", "/office/requests")):
            continue
        for method in methods:
            r = client.open(path, method=method, json={}, headers=headers, environ_base={"REMOTE_ADDR": "10.90.0.2"})
            assert r.status_code < 500, (who, method, path, r.status_code)
            assert r.status_code not in (401, 403), (who, method, path, r.get_data(as_text=True)[:200])


def test_surveyors_may_check_but_not_edit(app, sessions):
    client, headers = sessions["surveyor"]
    for rule, path, methods in routes(app):
        if not rule.startswith("/api/office"):
            continue
        for method in methods:
            r = client.open(path, method=method, json={}, headers=headers, environ_base={"REMOTE_ADDR": "10.90.0.3"})
            if rule in SURVEYOR_READS:
                assert r.status_code == 400, (method, path, r.status_code)
            else:
                assert r.status_code == 403, (method, path, r.status_code)


def test_an_agency_key_runs_its_processes_and_reads_its_collections_only(sessions, client):
    """The key reaches exactly its grants: processes run (an empty input is a 400 about the
    input, not a refusal), restricted collections read; without the key the same is a 401."""
    agency, headers = sessions["agency"]
    for pid in PROCESSES:
        assert agency.post(f"/ogc/processes/{pid}/execution", json={}, headers=headers).status_code == 400
        assert client.post(f"/ogc/processes/{pid}/execution", json={}).status_code == 401
    for cid in [g for g in AGENCY_GRANTS if g not in PROCESSES]:
        assert agency.get(f"/ogc/collections/{cid}/items?limit=1", headers=headers).status_code == 200
        assert client.get(f"/ogc/collections/{cid}/items?limit=1").status_code == 401
    assert agency.get("/api/office/audit", headers=headers).status_code in (401, 403)

"""Every mutating route of the app, tried by every kind of caller: nothing changes unless the
caller may change it, and no answer is a 5xx. Plus the security headers of the pages."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import text

from gis.db import session_scope
from gis.models import User
from gis.passwords import hash_password

PASSWORD = "parola-matrice-123"
MUTATING = {"POST", "PUT", "DELETE", "PATCH"}
# what an anonymous caller may do: file a certificate request, sign in
PUBLIC_WRITES = {"/api/certificates", "/cereri/noua", "/office/login", "/verify/<code>"}


def routes(app):
    for rule in app.url_map.iter_rules():
        methods = (rule.methods or set()) & MUTATING
        if methods:
            path = re.sub(r"<(?:int:)?[a-z_]+>", "1", rule.rule)
            path = re.sub(r"<any\(([a-z]+)[^>]*\):[a-z_]+>", r"\1", path)
            yield rule.rule, path, sorted(methods)


@pytest.fixture(scope="module")
def sessions(app, loaded):
    with session_scope(loaded, actor="test") as s:
        for role in ("citizen", "surveyor", "officer", "admin"):
            s.add(User(username=f"rm.{role}", full_name=role, role=role, password_hash=hash_password(PASSWORD)))
    out = {"anonymous": (app.test_client(), {})}
    for role in ("citizen", "surveyor", "officer", "admin"):
        client = app.test_client()
        token = re.search(r'name="csrf" value="([^"]+)"', client.get("/office/login").get_data(as_text=True)).group(1)
        client.post("/office/login", data={"csrf": token, "username": f"rm.{role}", "password": PASSWORD})
        page = client.get("/office")
        if role == "citizen":  # refused at sign-in: a citizen keeps only the login page's token
            assert page.status_code == 401
            out[role] = (client, {"X-CSRF-Token": token})
            continue
        token = re.search(r'name="csrf" value="([^"]+)"', page.get_data(as_text=True)).group(1)
        out[role] = (client, {"X-CSRF-Token": token})
    return out


def fingerprint(engine) -> tuple:
    with engine.connect() as c:
        return tuple(c.execute(text(
            "SELECT (SELECT count(*) FROM cadastre.parcel), (SELECT coalesce(sum(version), 0) FROM cadastre.parcel), "
            "(SELECT count(*) FROM registry.document), (SELECT count(*) FROM auth.api_key)")).one())


def test_the_app_has_mutating_routes(app):
    assert len(list(routes(app))) >= 10


@pytest.mark.parametrize("who", ["anonymous", "citizen", "surveyor"])
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
    assert fingerprint(engine) == before


def test_citizens_cannot_sign_in_to_the_office(app, sessions):
    client = app.test_client()
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/office/login").get_data(as_text=True)).group(1)
    r = client.post("/office/login", data={"csrf": token, "username": "rm.citizen", "password": PASSWORD})
    assert r.status_code == 401 and client.get("/office").status_code == 401


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

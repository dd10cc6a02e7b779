"""Staff sign-in (throttling, CSRF, roles) and the officer's actions on certificate requests."""

from __future__ import annotations

import pytest
from factories import STAFF_PASSWORD, csrf_token
from factories import sign_in as post_sign_in
from sqlalchemy import text

from gis.db import session_scope

PASSWORD = STAFF_PASSWORD
ROLES = ("citizen", "surveyor", "officer", "admin")


@pytest.fixture(scope="module")
def accounts(make_user):
    for role in ROLES:
        make_user(f"t.{role}", role, full_name=f"Test {role}")
    make_user("t.locked", "officer", full_name="Test locked")
    return {role: f"t.{role}" for role in ROLES}


csrf = csrf_token


def sign_in(app, username, password=PASSWORD):
    """A new browser signing in: (its client, the answer to the form)."""
    client = app.test_client()
    return client, post_sign_in(client, username, password)


def test_staff_sign_in_and_see_the_requests(app, accounts):
    client, r = sign_in(app, accounts["officer"])
    assert r.status_code == 303 and r.headers["Location"].endswith("/office")
    page = client.get("/office")
    assert page.status_code == 200 and "Cereri de certificate" in page.get_data(as_text=True)
    cookie = r.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_five_wrong_passwords_hold_that_account_from_that_address_only(app, accounts):
    """No lockout for everyone (tests/security/test_sign_in_enumeration.py): the address that
    guessed waits, the account's owner elsewhere signs in."""
    guesser = {"REMOTE_ADDR": "10.55.1.1"}
    for _ in range(5):
        r = post_sign_in_from(app, "t.locked", "wrong-password!", guesser)
        assert r.status_code == 401 and "nume de utilizator sau parolă greșită" in r.get_data(as_text=True)
    r = post_sign_in_from(app, "t.locked", PASSWORD, guesser)
    assert r.status_code == 429 and "Prea multe" in r.get_data(as_text=True)
    assert post_sign_in_from(app, "t.locked", PASSWORD, {"REMOTE_ADDR": "10.55.1.2"}).status_code == 303


def post_sign_in_from(app, username, password, environ):
    client = app.test_client()
    return client.post("/office/login", data={"csrf": csrf(client), "username": username, "password": password},
                       environ_base=environ)


def test_sign_in_without_csrf_is_refused(app, accounts):
    client = app.test_client()
    r = client.post("/office/login", data={"username": accounts["officer"], "password": PASSWORD})
    assert r.status_code == 403


def test_citizens_are_not_staff(app, accounts):
    _, r = sign_in(app, accounts["citizen"])
    assert r.status_code == 401 and "nu este un cont de personal" in r.get_data(as_text=True)


def test_anonymous_office_opens_the_sign_in_page_and_the_api_is_401(client):
    r = client.get("/office")
    assert r.status_code == 303 and r.headers["Location"].endswith("/office/login?next=/office")
    assert client.post("/office/requests/1/issue", data={"confirm": "1"}).status_code == 401


def new_request(client, engine) -> int:
    with engine.connect() as c:
        number = c.execute(text("SELECT cadastral_number FROM public_api.parcel ORDER BY 1 LIMIT 1")).scalar_one()
    r = client.post("/api/certificates", json={"type": "nomenclature", "parcels": [number],
                    "purpose": "informare", "applicant_name": "Ion Pop"},
                    environ_base={"REMOTE_ADDR": "10.80.0.9"})
    assert r.status_code == 201, r.data
    return r.get_json()["id"]


@pytest.mark.parametrize("role,expected", [(None, 401), ("surveyor", 403), ("officer", 200), ("admin", 200)])
def test_role_matrix_for_issuing(app, accounts, engine, loaded, role, expected):
    from gis.certificates.workflow import send_to_review

    request_id = new_request(app.test_client(), engine)
    send_to_review(loaded, request_id, "officer:test")
    if role is None:
        client, token = app.test_client(), ""
    else:
        client, _ = sign_in(app, accounts[role])
        token = csrf(client, "/office")
    r = client.post(f"/api/certificates/{request_id}/issue", json={"unpaid_confirmed": True},
                    headers={"X-CSRF-Token": token})
    assert r.status_code == expected
    with engine.connect() as c:
        status = c.execute(text("SELECT status FROM registry.request WHERE id = :i"), {"i": request_id}).scalar_one()
    assert status == ("issued" if expected == 200 else "review")


def test_an_officer_call_without_csrf_is_refused(app, accounts, engine):
    request_id = new_request(app.test_client(), engine)
    client, _ = sign_in(app, accounts["officer"])
    assert client.post(f"/api/certificates/{request_id}/issue").status_code == 403


def test_officer_cancels_with_a_reason_then_cannot_issue(app, accounts, engine):
    request_id = new_request(app.test_client(), engine)
    client, _ = sign_in(app, accounts["officer"])
    token = csrf(client, "/office")
    no_reason = client.post(f"/api/certificates/{request_id}/cancel", json={}, headers={"X-CSRF-Token": token})
    assert no_reason.status_code == 400
    done = client.post(f"/api/certificates/{request_id}/cancel", json={"reason": "dublură"},
                       headers={"X-CSRF-Token": token})
    assert done.status_code == 200 and done.get_json()["status"] == "cancelled"
    again = client.post(f"/api/certificates/{request_id}/issue", headers={"X-CSRF-Token": token})
    assert again.status_code == 409


def test_the_office_page_issues_through_its_form(app, accounts, engine):
    request_id = new_request(app.test_client(), engine)
    client, _ = sign_in(app, accounts["officer"])
    token = csrf(client, "/office")
    assert client.post(f"/office/requests/{request_id}/review", data={"csrf": token}).status_code == 303
    r = client.post(f"/office/requests/{request_id}/issue", data={"csrf": token, "confirm": "1", "unpaid": "1"})
    assert r.status_code == 303
    with engine.connect() as c:
        assert c.execute(text("SELECT status FROM registry.request WHERE id = :i"),
                         {"i": request_id}).scalar_one() == "issued"


def test_staff_sessions_read_restricted_collections(app, accounts):
    client, _ = sign_in(app, accounts["officer"])
    assert client.get("/ogc/collections/parcel_records/items?f=json&limit=1").status_code == 200
    assert app.test_client().get("/ogc/collections/parcel_records/items?f=json&limit=1").status_code == 401


def test_staff_follow_any_request_without_its_token(app, accounts, engine):
    request_id = new_request(app.test_client(), engine)
    assert app.test_client().get(f"/api/certificates/{request_id}").status_code == 404
    client, _ = sign_in(app, accounts["officer"])
    assert client.get(f"/api/certificates/{request_id}").get_json()["status"] == "received"


def test_many_failed_sign_ins_from_one_address_are_throttled(app, accounts):
    """Password spraying: 20 failures from one address (on any accounts) and that address waits,
    even with a right password; another address is not affected."""
    spray = {"REMOTE_ADDR": "10.55.0.1"}
    client = app.test_client()
    token = csrf(client)
    for i in range(20):
        r = client.post("/office/login", data={"csrf": token, "username": f"nimeni.{i}", "password": "Parola123"},
                        environ_base=spray)
        assert r.status_code == 401
    r = client.post("/office/login", data={"csrf": token, "username": accounts["officer"], "password": PASSWORD},
                    environ_base=spray)
    assert r.status_code == 429 and "Prea multe" in r.get_data(as_text=True)
    r = client.post("/office/login", data={"csrf": token, "username": accounts["officer"], "password": PASSWORD},
                    environ_base={"REMOTE_ADDR": "10.55.0.2"})
    assert r.status_code == 303


def test_secrets_are_never_logged(app, accounts, engine, caplog):
    """Passwords, API keys and request tokens go neither to the application's log (at DEBUG,
    every logger) nor to the audit trail."""
    import logging

    from gis.apikeys import create_key

    secret_password = "parola-secreta-XYZ-991"
    with session_scope(app.extensions["teritoriu.settings"], actor="test") as s:
        _, key = create_key(s, "Agenție jurnal", ["parcel_assessments"])
    caplog.set_level(logging.DEBUG)
    sign_in(app, accounts["officer"], secret_password)              # a failed sign-in
    sign_in(app, accounts["officer"])                               # a good one
    client = app.test_client()
    client.get("/ogc/collections/parcel_assessments/items?limit=1", headers={"X-API-Key": key})
    client.get("/ogc/collections/parcel_assessments/items?limit=1", headers={"Authorization": f"Bearer {key}x"})
    logged = caplog.text
    with engine.connect() as c:
        audit = c.execute(text("SELECT string_agg(coalesce(before::text, '') || coalesce(after::text, '') || actor,"
                               " ' ') FROM audit.log WHERE at > now() - interval '5 minutes'")).scalar() or ""
    for secret in (secret_password, PASSWORD, key, key[8:]):
        assert secret not in logged and secret not in audit

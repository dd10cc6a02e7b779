"""The second factor of local administrators (TOTP, pyotp): enrolment with the secret shown once,
sign-in with a code, a replayed code refused, recovery codes spent once. An app of its own with
admin_totp on (the shared test app signs admins in with the password alone)."""

from __future__ import annotations

import dataclasses
import re
import time
from urllib.parse import parse_qs, urlparse

import pyotp
import pytest
from factories import CSRF_FIELD, STAFF_PASSWORD, csrf_token, sign_in
from sqlalchemy import text


@pytest.fixture(scope="module")
def totp_app(loaded):
    from api import create_app

    app = create_app(dataclasses.replace(loaded, admin_totp=True))
    app.testing = True
    return app


def _opened_with(engine, username: str) -> list[str]:
    with engine.connect() as c:
        return c.execute(text("SELECT s.opened_with FROM auth.session s JOIN auth.user u ON u.id = s.user_id "
                              "WHERE u.username = :u ORDER BY s.created_at"), {"u": username}).scalars().all()


def _fresh_code(engine, username: str, secret: str) -> str:
    """A code the server has not seen: the step after the last one it accepted, or this one."""
    with engine.connect() as c:
        last = c.execute(text("SELECT last_step FROM auth.totp t JOIN auth.user u ON u.id = t.user_id "
                              "WHERE u.username = :u"), {"u": username}).scalar_one()
    return pyotp.TOTP(secret).generate_otp(max(last + 1, int(time.time()) // 30))


def _enrol(app, make_user, engine, username: str) -> tuple[str, str, list[str]]:
    make_user(username, "admin")
    client = app.test_client()
    answer = sign_in(client, username)
    assert answer.status_code == 303 and answer.headers["Location"].endswith("/office/login/totp/enrol")
    assert client.get("/office").status_code == 303  # no session before the second factor
    page = client.get("/office/login/totp/enrol").get_data(as_text=True)
    uri = re.search(r'id="totp-uri" href="([^"]+)"', page).group(1).replace("&amp;", "&")
    secret = parse_qs(urlparse(uri).query)["secret"][0]
    assert uri.startswith("otpauth://totp/") and secret.replace(" ", "")[:4] in page
    code = pyotp.TOTP(secret).now()
    csrf = CSRF_FIELD.search(page).group(1)  # from this page: another GET would show a new secret
    done = client.post("/office/login/totp/enrol", data={"csrf": csrf, "code": code})
    assert done.status_code == 200, done.get_data(as_text=True)
    codes = re.findall(r"<li><code>([0-9A-F-]+)</code></li>", done.get_data(as_text=True))
    assert len(codes) == 10
    assert client.get("/office").status_code == 200
    assert _opened_with(engine, username) == ["password+totp"]
    return secret, code, codes


def _second_step(app, username: str, **form):
    client = app.test_client()
    answer = sign_in(client, username)
    assert answer.status_code == 303 and answer.headers["Location"].endswith("/office/login/totp")
    return client, client.post("/office/login/totp", data={"csrf": csrf_token(client, "/office/login/totp"), **form})


def test_enrolment_then_sign_in_with_a_code(totp_app, make_user, engine, clear_throttles):
    clear_throttles()
    secret, _, _ = _enrol(totp_app, make_user, engine, "totp.admin1")
    client, answer = _second_step(totp_app, "totp.admin1", code=_fresh_code(engine, "totp.admin1", secret))
    assert answer.status_code == 303
    assert client.get("/office").status_code == 200
    assert _opened_with(engine, "totp.admin1") == ["password+totp", "password+totp"]
    with engine.connect() as c:
        logged = c.execute(text("SELECT after->>'opened_with' FROM audit.log WHERE action = 'login' "
                                "AND actor = 'totp.admin1' ORDER BY id DESC LIMIT 1")).scalar()
        trail = c.execute(text("SELECT after->>'secret' FROM audit.log WHERE table_name = 'auth.totp'")).scalars().all()
    assert logged == "password+totp"
    assert trail and secret not in trail and set(trail) <= {"[redacted]", "[redacted: changed]"}


def test_a_replayed_code_is_refused(totp_app, make_user, engine, clear_throttles):
    clear_throttles()
    _, used, _ = _enrol(totp_app, make_user, engine, "totp.admin2")
    client, answer = _second_step(totp_app, "totp.admin2", code=used)  # the code the enrolment accepted
    assert answer.status_code == 401 and "deja folosit" in answer.get_data(as_text=True)
    assert client.get("/office").status_code == 303
    _, wrong = _second_step(totp_app, "totp.admin2", code="000000" if used != "000000" else "111111")
    assert wrong.status_code == 401
    assert _opened_with(engine, "totp.admin2") == ["password+totp"]


def test_a_recovery_code_opens_one_session_only(totp_app, make_user, engine, clear_throttles):
    clear_throttles()
    _, _, codes = _enrol(totp_app, make_user, engine, "totp.admin3")
    client, answer = _second_step(totp_app, "totp.admin3", recovery=codes[0].lower())
    assert answer.status_code == 303 and client.get("/office").status_code == 200
    _, again = _second_step(totp_app, "totp.admin3", recovery=codes[0])
    assert again.status_code == 401 and "recuperare" in again.get_data(as_text=True)
    assert _opened_with(engine, "totp.admin3") == ["password+totp", "password+recovery-code"]
    with engine.connect() as c:
        stored = c.execute(text("SELECT code_hash FROM auth.recovery_code r JOIN auth.user u ON u.id = r.user_id "
                                "WHERE u.username = 'totp.admin3'")).scalars().all()
    assert len(stored) == 10 and not {c.replace("-", "") for c in codes} & set(stored)


def test_officers_and_a_wrong_password_never_reach_the_second_step(totp_app, make_user, clear_throttles):
    clear_throttles()
    make_user("totp.officer", "officer")
    client = totp_app.test_client()
    answer = sign_in(client, "totp.officer")
    assert answer.status_code == 303 and answer.headers["Location"].endswith("/office")
    make_user("totp.admin4", "admin")
    assert sign_in(totp_app.test_client(), "totp.admin4", STAFF_PASSWORD + "x").status_code == 401
    assert totp_app.test_client().get("/office/login/totp").status_code == 401  # nothing pending

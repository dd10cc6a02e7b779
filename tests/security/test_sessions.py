"""Issue 17, item 6: staff sessions could not be revoked.

Replayed: the cookie of a signed-out officer still opened /office and /api/office/audit, and an
account set inactive kept working for the cookie's 8 hours. Sessions are now rows of
auth.session, checked on every request; logging out, deactivating the account, changing its role,
its UATs or its password end them; the cookie carries nothing but the session's id.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from factories import sign_in
from flask.sessions import SecureCookieSessionInterface
from sqlalchemy import text

from gis.settings import PROJECT_ROOT


def _cookie(client) -> str:
    return client.get_cookie("session").value


def _replay(app, cookie: str):
    """A second browser holding a copy of the cookie (what an attacker who copied it has)."""
    other = app.test_client()
    other.set_cookie("session", cookie)
    return other


def _opens(client) -> list[int]:
    """What the desk and the API answer: 401 for each, the desk's page as the sign-in page it opens."""
    page = client.get("/office")
    desk = 401 if page.status_code == 303 and "/office/login" in page.headers["Location"] else page.status_code
    return [desk, client.get("/api/office/audit?limit=1").status_code]


def _signed_in(app, make_user, username: str):
    """An officer's browser, signed in: /office and the audit trail open."""
    make_user(username, "officer")
    client = app.test_client()
    assert sign_in(client, username).status_code == 303
    assert _opens(client) == [200, 200]
    return client


def _sql(engine, sql: str, **params) -> None:
    with engine.begin() as c:
        c.execute(text("SELECT set_config('teritoriu.actor', 'test:sessions', true)"))
        c.execute(text(sql), params)


def test_the_cookie_carries_only_the_session_id(app, make_user, engine):
    client = _signed_in(app, make_user, "sec.s.cookie")
    data = SecureCookieSessionInterface().get_signing_serializer(app).loads(_cookie(client))
    assert set(data) - {"_permanent"} == {"sid"}   # _permanent: Flask's mark of a cookie with a lifetime
    assert "sec.s.cookie" not in str(data) and "officer" not in str(data)
    with engine.connect() as c:   # the table holds the token's SHA-256, not the token
        stored = c.execute(text("SELECT s.id = :t, s.id = encode(sha256(convert_to(:t, 'UTF8')), 'hex') "
                                "FROM auth.session s JOIN auth.user u ON u.id = s.user_id "
                                "WHERE u.username = 'sec.s.cookie'"), {"t": data["sid"]}).one()
    assert stored == (False, True)


def test_after_logout_the_old_cookie_opens_nothing(app, make_user, engine):
    client = _signed_in(app, make_user, "sec.s.logout")
    stolen = _cookie(client)
    token = client.get("/office").get_data(as_text=True).split('name="csrf" value="')[1].split('"')[0]
    assert client.post("/office/logout", data={"csrf": token}).status_code == 303
    replayed = _replay(app, stolen)
    assert _opens(replayed) == [401, 401]
    with engine.connect() as c:
        row = c.execute(text("SELECT revoked_at IS NOT NULL, revoked_reason FROM auth.session s "
                             "JOIN auth.user u ON u.id = s.user_id WHERE u.username = 'sec.s.logout' "
                             "ORDER BY s.created_at DESC LIMIT 1")).one()
    assert row == (True, "logout")


@pytest.mark.parametrize(("change", "sql"), [
    ("deactivated", "UPDATE auth.user SET active = false WHERE username = :u"),
    ("role", "UPDATE auth.user SET role = 'surveyor' WHERE username = :u"),
    ("password", "UPDATE auth.user SET password_hash = 'scrypt$16384$8$1$AAAA$BBBB' WHERE username = :u"),
    ("uats", "INSERT INTO auth.user_uat (user_id, uat_siruta) SELECT id, (SELECT min(siruta) FROM territory.uat) "
             "FROM auth.user WHERE username = :u"),
])
def test_a_change_to_the_account_ends_its_sessions(app, make_user, engine, change, sql):
    username = f"sec.s.{change}"
    client = _signed_in(app, make_user, username)
    copy = _replay(app, _cookie(client))
    _sql(engine, sql, u=username)
    assert _opens(client) == [401, 401]
    assert _opens(copy) == [401, 401]
    with engine.connect() as c:
        open_ = c.execute(text("SELECT count(*) FROM auth.session s JOIN auth.user u ON u.id = s.user_id "
                               "WHERE u.username = :u AND s.revoked_at IS NULL"), {"u": username}).scalar_one()
    assert open_ == 0


def test_a_session_older_than_its_life_is_refused(app, make_user, engine):
    client = _signed_in(app, make_user, "sec.s.old")
    _sql(engine, "UPDATE auth.session SET created_at = created_at - interval '9 hours' "
                 "WHERE user_id = (SELECT id FROM auth.user WHERE username = 'sec.s.old')")
    assert client.get("/api/office/audit?limit=1").status_code == 401


def test_a_forged_or_unknown_session_id_is_nobody(app, make_user):
    client = _signed_in(app, make_user, "sec.s.forged")
    serializer = SecureCookieSessionInterface().get_signing_serializer(app)
    forged = _replay(app, serializer.dumps({"sid": "A" * 43}))
    assert forged.get("/api/office/audit?limit=1").status_code == 401
    legacy = _replay(app, serializer.dumps({"user_id": 1, "username": "sec.s.forged", "role": "admin"}))
    assert legacy.get("/api/office/audit?limit=1").status_code == 401
    assert client.get("/api/office/audit?limit=1").status_code == 200


def test_the_cli_deactivates_an_account_and_ends_its_sessions(app, loaded, make_user, engine):
    client = _signed_in(app, make_user, "sec.s.cli")
    env = {**os.environ, "TERITORIU_DB_NAME": loaded.db_name}
    done = subprocess.run([str(Path(sys.executable).parent / "teritoriu"), "user", "deactivate", "sec.s.cli"],
                          capture_output=True, text=True, env=env, cwd=PROJECT_ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "1" in done.stdout
    assert client.get("/api/office/audit?limit=1").status_code == 401
    assert sign_in(app.test_client(), "sec.s.cli").status_code == 401

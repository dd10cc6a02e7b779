"""Staff sign-in through a real OpenID provider: `oidc-provider` from npm (OpenID-certified),
started by this module with a test client (tests/clients/oidc/provider.mjs), and the app served
over real HTTP; a requests session plays the browser through the whole code flow with PKCE
(the provider's own sign-in and consent forms). Forged, expired and wrongly addressed ID tokens
are checked against the provider's published keys (JWKS)."""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
import socket
import subprocess
import threading
import time
from html import unescape
from pathlib import Path

import pytest
import requests
from factories import free_port
from sqlalchemy import text
from werkzeug.serving import make_server

from gis.settings import PROJECT_ROOT

HERE = PROJECT_ROOT / "tests" / "clients" / "oidc"
NODE = shutil.which("node")
CLIENT_ID, CLIENT_SECRET = "teritoriu-test", "secret-client-de-test-0123456789"

if NODE is None or not (HERE / "node_modules" / "oidc-provider").is_dir():
    pytest.skip("node or tests/clients/oidc/node_modules is missing (scripts/setup.sh runs npm ci there)",
                allow_module_level=True)


def _wait_for(port: int, process: subprocess.Popen) -> None:
    for _ in range(400):  # ready when it accepts a connection (a slow machine: up to 20 s)
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(f"the OpenID provider stopped: {process.stderr.read().decode()[-2000:]}") from None
            time.sleep(0.05)
    raise RuntimeError("the OpenID provider did not start")


@pytest.fixture(scope="module")
def sample_uat(loaded, engine) -> int:
    with engine.connect() as c:
        siruta = c.execute(text("SELECT siruta FROM territory.uat ORDER BY siruta LIMIT 1")).scalar_one()
    assert siruta > 0
    return siruta


@pytest.fixture(scope="module")
def provider(tmp_path_factory, sample_uat):
    from joserfc.jwk import RSAKey

    folder: Path = tmp_path_factory.mktemp("oidc")
    port, app_port = free_port(), free_port()
    key = RSAKey.generate_key(2048, parameters={"kid": "cheie-test-1", "use": "sig", "alg": "RS256"})
    app_base = f"http://127.0.0.1:{app_port}"
    config = {
        "issuer": f"http://127.0.0.1:{port}", "port": port, "jwk": key.as_dict(private=True),
        "client": {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
                   "redirect_uris": [f"{app_base}/office/login/oidc/callback"],
                   "post_logout_redirect_uris": [f"{app_base}/office/login"]},
        "accounts": {
            "maria": {"preferred_username": "maria.ionescu", "name": "Maria Ionescu", "email": "maria@cj.example",
                      "roles": ["gis-ofiter", "altceva"], "uats": [sample_uat]},
            "radu": {"preferred_username": "radu.admin", "name": "Radu Admin", "roles": ["admin"]},
            "paul": {"preferred_username": "paul.cetatean", "name": "Paul", "roles": ["contabilitate"]},
        },
    }
    (folder / "config.json").write_text(json.dumps(config))
    process = subprocess.Popen([NODE, str(HERE / "provider.mjs"), str(folder / "config.json")], cwd=HERE,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        _wait_for(port, process)
        yield {"issuer": config["issuer"], "key": key, "app_base": app_base, "app_port": app_port}
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def oidc_settings(loaded, provider):
    return dataclasses.replace(loaded, oidc_issuer=provider["issuer"], oidc_client_id=CLIENT_ID,
                               oidc_client_secret=CLIENT_SECRET, oidc_label="Platforma județeană",
                               oidc_scopes="openid profile email teritoriu",
                               oidc_role_values=(("gis-ofiter", "officer"),), oidc_roles_claim="roles",
                               oidc_uats_claim="uats", port=provider["app_port"])


@pytest.fixture(scope="module")
def oidc_server(oidc_settings):
    """The app with the provider configured, over real HTTP."""
    from api import create_app

    app = create_app(oidc_settings)
    server = make_server("127.0.0.1", oidc_settings.port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{oidc_settings.port}"
    server.shutdown()


FORM_ACTION = re.compile(r'<form[^>]*action="([^"]+)"')


def _browse_sign_in(base: str, issuer: str, login: str) -> tuple[requests.Session, requests.Response]:
    """What a person does: the sign-in page's button, the provider's sign-in and consent forms."""
    browser = requests.Session()
    page = browser.get(f"{base}/office/login", timeout=30)
    assert 'id="oidc-sign-in"' in page.text and "Platforma județeană" in page.text
    answer = browser.get(f"{base}/office/login/oidc", timeout=30)
    assert answer.url.startswith(issuer) and 'name="login"' in answer.text, answer.text[:500]
    first = answer.history[0]
    assert "code_challenge_method=S256" in first.headers["Location"] and "nonce=" in first.headers["Location"]
    action = unescape(FORM_ACTION.search(answer.text).group(1))
    answer = browser.post(issuer + action if action.startswith("/") else action,
                          data={"prompt": "login", "login": login, "password": "orice"}, timeout=30)
    if 'name="prompt" value="consent"' in answer.text:
        action = unescape(FORM_ACTION.search(answer.text).group(1))
        answer = browser.post(issuer + action if action.startswith("/") else action, data={"prompt": "consent"},
                              timeout=30)
    return browser, answer


def test_code_flow_with_pkce_maps_claims_to_role_and_uats(oidc_server, provider, engine, sample_uat):
    browser, answer = _browse_sign_in(oidc_server, provider["issuer"], "maria")
    assert answer.status_code == 200 and answer.url == f"{oidc_server}/office", (answer.url, answer.text[:300])
    with engine.connect() as c:
        account = c.execute(text("SELECT id, role, source, external_id, email, ARRAY(SELECT uat_siruta FROM "
                                 "auth.user_uat WHERE user_id = u.id) AS uats FROM auth.user u "
                                 "WHERE username = 'maria.ionescu'")).one()
        opened = c.execute(text("SELECT opened_with FROM auth.session WHERE user_id = :i"),
                           {"i": account.id}).scalars().all()
        logged = c.execute(text("SELECT after->>'opened_with' FROM audit.log WHERE action = 'login' "
                                "AND actor = 'maria.ionescu' ORDER BY id DESC LIMIT 1")).scalar()
    assert (account.role, account.source, account.uats) == ("officer", "oidc", [sample_uat])
    assert account.external_id == f"{provider['issuer']} maria" and account.email == "maria@cj.example"
    assert opened == ["oidc"] and logged == "oidc"
    # logging out ends the session here and sends the browser to the provider's end_session_endpoint
    desk = browser.get(f"{oidc_server}/office", timeout=30).text
    csrf = re.search(r'name="csrf" value="([^"]+)"', desk).group(1)
    out = browser.post(f"{oidc_server}/office/logout", data={"csrf": csrf}, allow_redirects=False, timeout=30)
    assert out.status_code == 303 and out.headers["Location"].startswith(f"{provider['issuer']}/session/end?")
    assert "id_token_hint=" in out.headers["Location"]
    assert browser.get(f"{oidc_server}/office", allow_redirects=False, timeout=30).status_code == 303


def test_a_role_name_counts_as_itself_and_no_uat_claim_means_every_uat(oidc_server, provider, engine):
    _, answer = _browse_sign_in(oidc_server, provider["issuer"], "radu")
    assert answer.url == f"{oidc_server}/office"
    with engine.connect() as c:
        row = c.execute(text("SELECT role, (SELECT count(*) FROM auth.user_uat WHERE user_id = u.id) AS n "
                             "FROM auth.user u WHERE username = 'radu.admin'")).one()
    assert (row.role, row.n) == ("admin", 0)


def test_no_staff_role_in_the_claims_is_refused(oidc_server, provider, engine):
    browser, answer = _browse_sign_in(oidc_server, provider["issuer"], "paul")
    assert answer.status_code == 401 and "nu are un rol" in answer.text
    assert browser.get(f"{oidc_server}/office", allow_redirects=False, timeout=30).status_code == 303
    with engine.connect() as c:
        assert c.execute(text("SELECT count(*) FROM auth.user WHERE username = 'paul.cetatean'")).scalar() == 0


def test_a_callback_with_another_state_is_refused(oidc_server):
    browser = requests.Session()
    started = browser.get(f"{oidc_server}/office/login/oidc", allow_redirects=False, timeout=30)
    assert started.status_code == 303 and "state=" in started.headers["Location"]
    forged = browser.get(f"{oidc_server}/office/login/oidc/callback?code=x&state=alta", timeout=30)
    assert forged.status_code == 401
    assert browser.get(f"{oidc_server}/office", allow_redirects=False, timeout=30).status_code == 303


def _token(key, **claims) -> str:
    from joserfc import jwt

    return jwt.encode({"alg": "RS256", "kid": "cheie-test-1"}, claims, key)


def _claims(issuer: str, **more) -> dict:
    now = int(time.time())
    return {"iss": issuer, "aud": CLIENT_ID, "sub": "maria", "iat": now, "exp": now + 300, "nonce": "n-1", **more}


def test_id_tokens_are_checked_against_the_providers_keys(oidc_settings, provider):
    from joserfc.jwk import RSAKey

    from gis import oidc

    issuer, key = provider["issuer"], provider["key"]
    assert oidc.validate_id_token(oidc_settings, _token(key, **_claims(issuer)), "n-1")["sub"] == "maria"
    forger = RSAKey.generate_key(2048, parameters={"kid": "cheie-test-1"})  # same kid, another key
    now = int(time.time())
    refused = {
        "forged signature": _token(forger, **_claims(issuer)),
        "expired": _token(key, **_claims(issuer, iat=now - 7200, exp=now - 3600)),
        "wrong aud": _token(key, **_claims(issuer, aud="alt-client")),
        "wrong issuer": _token(key, **_claims("http://127.0.0.1:1/alt")),
        "wrong nonce": _token(key, **_claims(issuer, nonce="n-2")),
        "no signature": ".".join(_token(key, **_claims(issuer)).split(".")[:2]) + ".",
    }
    for why, token in refused.items():
        with pytest.raises(oidc.OidcError) as caught:
            oidc.validate_id_token(oidc_settings, token, "n-1")
        assert caught.value.code == "invalid", why


def test_provider_down_is_a_clear_503(oidc_settings):
    from api import create_app

    app = create_app(dataclasses.replace(oidc_settings, oidc_issuer=f"http://127.0.0.1:{free_port()}"))
    answer = app.test_client().get("/office/login/oidc")
    assert answer.status_code == 503 and "nu răspunde" in answer.get_data(as_text=True)

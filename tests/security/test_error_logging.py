"""Issue 17, item 16: every 500 is logged with a request id, and the answer carries the same id.

pygeoapi's `"logging": {"level": "CRITICAL"}` used to raise the root logger to CRITICAL (through
logging.basicConfig), which silenced the application's own error log."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import textwrap

import pytest


def _logged_with(caplog, rid: str) -> list[logging.LogRecord]:
    return [r for r in caplog.records if rid in r.getMessage() and r.levelno >= logging.ERROR]


def test_a_500_is_logged_with_the_id_the_json_answer_carries(client, monkeypatch, caplog):
    import api.search

    def broken(*args, **kwargs):
        raise RuntimeError("boom: password=hunter2")

    monkeypatch.setattr(api.search, "search", broken)
    with caplog.at_level(logging.INFO):
        r = client.get("/api/search?q=Morii")
    assert r.status_code == 500
    rid = r.headers.get("X-Request-Id")
    assert rid and len(rid) >= 8
    body = r.get_json()
    assert body["request_id"] == rid and rid in body["message"]
    assert "hunter2" not in r.get_data(as_text=True) and "Traceback" not in r.get_data(as_text=True)
    records = _logged_with(caplog, rid)
    assert records, [r.getMessage() for r in caplog.records]
    assert any(r.exc_info and "hunter2" in str(r.exc_info[1]) for r in records), "the traceback is in the log"


def test_a_500_page_carries_the_id_in_the_users_language(client, monkeypatch, caplog):
    import api.verify

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(api.verify, "lookup", broken)
    with caplog.at_level(logging.INFO):
        r = client.get("/verify/ABCD-EF01-2345", headers={"Accept": "text/html", "Accept-Language": "hu"})
    assert r.status_code == 500 and r.mimetype == "text/html"
    rid = r.headers["X-Request-Id"]
    page = r.get_data(as_text=True)
    assert rid in page and "Belső hiba" in page and "Traceback" not in page
    assert _logged_with(caplog, rid)


def test_a_500_answered_by_pygeoapi_is_logged_too(client, monkeypatch, caplog):
    from pygeoapi.provider.base import ProviderQueryError

    from layers.provider import PostGISProvider

    def broken(self, *args, **kwargs):
        raise ProviderQueryError("the provider failed")

    monkeypatch.setattr(PostGISProvider, "query", broken)
    with caplog.at_level(logging.INFO):
        r = client.get("/ogc/collections/parcels/items?f=json&limit=1")
    assert r.status_code >= 500
    rid = r.headers["X-Request-Id"]
    assert r.get_json()["request_id"] == rid
    assert _logged_with(caplog, rid)


def test_every_answer_has_a_request_id(client):
    a, b = client.get("/api/health"), client.get("/api/health")
    assert a.headers["X-Request-Id"] and a.headers["X-Request-Id"] != b.headers["X-Request-Id"]


SCRIPT = textwrap.dedent("""
    import logging, sys
    from gis.settings import load_settings
    from api import create_app
    import api.search

    app = create_app(load_settings(db_name=sys.argv[1]))   # builds pygeoapi's API objects
    print("root level", logging.getLevelName(logging.getLogger().level), flush=True)
    def broken(*args, **kwargs):
        raise RuntimeError("boom in a subprocess")
    api.search.search = broken
    r = app.test_client().get("/api/search?q=Morii")
    print("status", r.status_code, "id", r.headers.get("X-Request-Id"), flush=True)
""")


@pytest.mark.slow
def test_pygeoapi_leaves_the_root_logger_alone_and_errors_reach_stderr(loaded):
    """As in production: no pytest handlers on the root logger, the app built, a 500 forced."""
    from gis.settings import PROJECT_ROOT

    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    out = subprocess.run([sys.executable, "-c", SCRIPT, loaded.db_name], capture_output=True, text=True,
                         timeout=300, env=env, cwd=PROJECT_ROOT)
    assert "status 500" in out.stdout, out.stdout + out.stderr[-2000:]
    assert "root level CRITICAL" not in out.stdout
    rid = out.stdout.split(" id ", 1)[1].split()[0]
    assert rid != "None"
    lines = [line for line in out.stderr.splitlines() if rid in line]
    assert lines and "ERROR" in lines[0], out.stderr[-2000:]
    assert "boom in a subprocess" in out.stderr, "the traceback goes to the log"

"""Issue 17, item 9: the throttles did not hold in production.

Replayed against `teritoriu serve --production` with two workers: the counters lived in each
worker's memory (a client whose requests reached the other worker started again from zero), and
they keyed on the connection's address: behind the README's reverse proxy every client was
127.0.0.1, and a client talking to the app directly could not be told apart by a header either.
Now the counters are rows of auth.throttle (every worker sees them) and X-Forwarded-For is
believed from TERITORIU_TRUSTED_PROXIES hops only.

Which worker answers is not left to chance: the other one is stopped (SIGSTOP) while a request
is sent, so the kernel hands the connection to the one that runs.
"""

from __future__ import annotations

import os
import signal
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests
from factories import CSRF_FIELD
from sqlalchemy import text

pytestmark = pytest.mark.slow  # gunicorn servers of their own

LIMITS = {"TERITORIU_SIGN_IN_FAILURES_PER_ADDRESS": "3", "TERITORIU_FILINGS_PER_ADDRESS": "2",
          "TERITORIU_VERIFY_PER_ADDRESS": "4"}


@pytest.fixture(scope="module")
def servers(loaded, production_server):
    """Two workers each: one straight on the network (no proxy trusted), one behind one proxy."""
    base = {"TERITORIU_DB_NAME": loaded.db_name, **LIMITS}
    return {"direct": production_server({**base, "TERITORIU_TRUSTED_PROXIES": "0"}, workers=2),
            "proxied": production_server({**base, "TERITORIU_TRUSTED_PROXIES": "1"}, workers=2)}


@pytest.fixture(autouse=True)
def forget_counters(clear_throttles):
    """The servers count 127.0.0.1 too (the tests' own address): start and end with no counts."""
    clear_throttles("")
    yield
    clear_throttles("")


def workers(base_url: str) -> list[int]:
    """The worker processes of the server on that port (children of its gunicorn master)."""
    port = base_url.rsplit(":", 1)[1]
    parents = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes().split(b"\0")
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if f"TERITORIU_PORT={port}".encode() in environ:
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found = sorted(pid for pid, parent in parents.items() if parent in parents)
    assert len(found) == 2, found
    return found


@contextmanager
def only(worker: int, every: list[int]):
    """Only `worker` accepts connections meanwhile."""
    others = [w for w in every if w != worker]
    for w in others:
        os.kill(w, signal.SIGSTOP)
    try:
        yield
    finally:
        for w in others:
            os.kill(w, signal.SIGCONT)


def login_page(base: str) -> tuple[str, dict]:
    r = requests.get(f"{base}/office/login", timeout=30)
    return CSRF_FIELD.search(r.text).group(1), dict(r.cookies)


def failed_sign_in(base: str, form: tuple[str, dict], username: str, forwarded: str | None = None) -> int:
    token, cookies = form
    headers = {"Connection": "close", **({"X-Forwarded-For": forwarded} if forwarded else {})}
    r = requests.post(f"{base}/office/login", data={"csrf": token, "username": username, "password": "nu-e-parola"},
                      cookies=cookies, headers=headers, timeout=30, allow_redirects=False)
    return r.status_code


def test_failed_sign_ins_count_across_workers(servers):
    base = servers["proxied"]
    first, second = workers(base)
    with only(first, [first, second]):
        form = login_page(base)
        assert [failed_sign_in(base, form, f"nimeni.{i}", "10.86.0.1") for i in range(3)] == [401] * 3
    with only(second, [first, second]):
        assert failed_sign_in(base, form, "nimeni.3", "10.86.0.1") == 429


def test_filings_and_checks_count_across_workers(servers, engine):
    base = servers["proxied"]
    first, second = workers(base)
    with engine.connect() as c:
        number = c.execute(text("SELECT cadastral_number FROM public_api.parcel WHERE intravilan "
                                "ORDER BY cadastral_number OFFSET 7 LIMIT 1")).scalar_one()
    body = {"type": "urbanism", "parcels": [number], "purpose": "construire", "applicant_name": "Ana Pop"}
    headers = {"Connection": "close", "X-Forwarded-For": "10.86.1.1"}

    def file() -> int:
        return requests.post(f"{base}/api/certificates", json=body, headers=headers, timeout=60).status_code

    def check() -> int:
        return requests.get(f"{base}/verify/ABCD-EFGH-JKMN-PQRS", headers=headers, timeout=30).status_code

    with only(first, [first, second]):
        assert [file(), file()] == [201, 201]
        assert [check() for _ in range(4)] == [404] * 4
    with only(second, [first, second]):
        assert file() == 429
        assert check() == 429


def test_a_forwarded_address_from_an_untrusted_client_is_ignored(servers):
    """Straight on the network, X-Forwarded-For is whatever the client wants: not believed."""
    base = servers["direct"]
    form = login_page(base)
    codes = [failed_sign_in(base, form, f"nimeni.{i}", f"10.85.0.{i + 1}") for i in range(3)]
    assert codes == [401] * 3
    assert failed_sign_in(base, form, "nimeni.9", "10.85.0.99") == 429


def test_the_trusted_proxys_forwarded_address_is_the_client(servers):
    base = servers["proxied"]
    form = login_page(base)
    assert [failed_sign_in(base, form, f"nimeni.{i}", "10.84.0.1") for i in range(3)] == [401] * 3
    assert failed_sign_in(base, form, "nimeni.9", "10.84.0.1") == 429
    assert failed_sign_in(base, form, "nimeni.9", "10.84.0.2") == 401  # another client behind the proxy
    # what the client itself wrote before the proxy's entry changes nothing
    assert failed_sign_in(base, form, "nimeni.10", "203.0.113.7, 10.84.0.1") == 429

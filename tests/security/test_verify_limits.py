"""Issue 17, item 17: /verify had no rate limit (507 guesses a second) and codes carried 48 bits.

Replayed: guessing codes from one address. Lookups are now counted per client address in
PostgreSQL for every worker (TERITORIU_VERIFY_PER_ADDRESS in TERITORIU_VERIFY_WINDOW_S, 429 with
Retry-After beyond); new codes are 16 characters of Crockford's base32 (80 bits) and the codes
issued before (12 hex digits) still verify.
"""

from __future__ import annotations

import math
import re

import pytest
from sqlalchemy import text

DEFAULT_LIMIT = 60  # checks per address and window by default (gis.settings: verify_per_address)


@pytest.fixture(scope="module")
def workers(two_workers):
    return two_workers()


@pytest.fixture(autouse=True)
def forget_counters(clear_throttles):
    clear_throttles("verify:")
    yield
    clear_throttles("verify:")


@pytest.fixture(scope="module")
def number(engine):
    with engine.connect() as c:
        return c.execute(text("SELECT cadastral_number FROM public_api.parcel WHERE intravilan "
                              "ORDER BY cadastral_number OFFSET 9 LIMIT 1")).scalar_one()


def test_guessing_codes_is_held_per_address_on_every_worker(workers):
    guesses = [workers[i % 2].get(f"/verify/{i:04d}-0000-0000", environ_base={"REMOTE_ADDR": "10.89.0.1"})
               for i in range(DEFAULT_LIMIT + 5)]
    codes = [r.status_code for r in guesses]
    assert codes[:DEFAULT_LIMIT] == [404] * DEFAULT_LIMIT
    assert codes[DEFAULT_LIMIT:] == [429] * 5, codes[DEFAULT_LIMIT:]
    assert int(guesses[-1].headers["Retry-After"]) > 0
    assert "Prea multe verificări" in guesses[-1].get_data(as_text=True)
    other = workers[0].get("/verify/0000-0000-0001", environ_base={"REMOTE_ADDR": "10.89.0.2"})
    assert other.status_code == 404
    assert workers[0].application.extensions["teritoriu.settings"].verify_per_address == DEFAULT_LIMIT


def test_new_codes_carry_at_least_80_bits():
    from gis.certificates import workflow

    codes = {workflow._code() for _ in range(2000)}
    assert len(codes) == 2000
    alphabet = set("".join(codes).replace("-", ""))
    lengths = {len(c.replace("-", "")) for c in codes}
    assert len(lengths) == 1
    bits = lengths.pop() * math.log2(len(alphabet))
    assert bits >= 80, (bits, sorted(alphabet))
    assert not alphabet & set("ILOU"), "no letters that read as digits"


def test_old_and_new_codes_verify_as_typed(loaded, workers, number, monkeypatch):
    from gis.certificates import issue, workflow

    new = issue(loaded, "urbanism", [number], "construire", "Popa Ana", "test", unpaid_confirmed=True)
    assert re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){3}", new.verification_code)
    monkeypatch.setattr(workflow, "_code", lambda: "00AB-C1DE-F234")  # as issued before the change
    old = issue(loaded, "urbanism", [number], "construire", "Popa Ana", "test", unpaid_confirmed=True)
    address = {"REMOTE_ADDR": "10.89.1.1"}
    typed = [(old.verification_code, old), (old.verification_code.lower(), old), ("00ab%20c1de%20f234", old),
             (new.verification_code, new), (new.verification_code.lower().replace("-", "%20"), new),
             (new.verification_code.replace("0", "O").replace("1", "I"), new)]
    for code, certificate in typed:
        page = workers[0].get(f"/verify/{code}", environ_base=address)
        assert page.status_code == 200, code
        assert f"{certificate.registry_number}/{certificate.year}" in page.get_data(as_text=True), code

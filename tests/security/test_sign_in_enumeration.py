"""Issue 17, item 13: the sign-in told which user names exist, and let anyone lock an account.

Replayed: a real account's wrong password took 75-82 ms against 32-45 ms for an unknown name (the
stand-in hash had other scrypt parameters), a locked-out message appeared only for real accounts,
and five wrong passwords from anywhere locked the account for everyone for 15 minutes. The cost is
checked by counting the work, not with a stopwatch: every scrypt call is recorded.
"""

from __future__ import annotations

import hashlib
import re

import pytest
from factories import STAFF_PASSWORD, csrf_token

import gis.passwords


@pytest.fixture(scope="module")
def accounts(make_user, engine):
    from sqlalchemy import text

    make_user("enum.real", "officer")
    make_user("enum.victim", "officer")
    make_user("enum.gone", "officer")
    with engine.begin() as c:
        c.execute(text("SELECT set_config('teritoriu.actor', 'test', true)"))
        c.execute(text("UPDATE auth.user SET active = false WHERE username = 'enum.gone'"))


def attempt(app, username: str, password: str, address: str):
    client = app.test_client()
    return client.post("/office/login", data={"csrf": csrf_token(client), "username": username, "password": password},
                       environ_base={"REMOTE_ADDR": address})


@pytest.fixture
def scrypt_calls(monkeypatch):
    """Every scrypt computed while the test runs: (n, r, p, maxmem, dklen, salt length)."""
    calls = []
    real = hashlib.scrypt

    def spy(password, *, salt, n, r, p, maxmem=0, dklen=64):
        calls.append((n, r, p, maxmem, dklen, len(salt)))
        return real(password, salt=salt, n=n, r=r, p=p, maxmem=maxmem, dklen=dklen)

    monkeypatch.setattr(gis.passwords.hashlib, "scrypt", spy)
    return calls


def test_a_wrong_password_and_an_unknown_name_cost_the_same_work(app, accounts, scrypt_calls):
    answers = {}
    for who, address in (("enum.real", "10.83.0.1"), ("enum.nobody", "10.83.0.2"), ("enum.gone", "10.83.0.3")):
        scrypt_calls.clear()
        r = attempt(app, who, "not-the-password", address)
        answers[who] = (r.status_code, scrypt_calls[:])
    real = answers["enum.real"]
    assert real[0] == 401 and len(real[1]) == 1, real
    assert real[1][0][:3] == (gis.passwords.N, gis.passwords.R, gis.passwords.P)
    assert answers["enum.nobody"] == real, answers
    assert answers["enum.gone"] == real, answers


def _page_text(response) -> str:
    """The answer as a person reads it (the form's token and the scripts' nonce aside)."""
    return re.sub(r'(name="csrf" value|nonce)="[^"]+"', "", response.get_data(as_text=True))


def test_the_answers_do_not_tell_which_names_exist(app, accounts):
    """Eight wrong passwords for a real account and for a name without one: the same answers,
    the same words, at every step (no "locked" message for real accounts only)."""
    real = [attempt(app, "enum.real", "wrong-password!", "10.83.1.1") for _ in range(8)]
    unknown = [attempt(app, "enum.nobody2", "wrong-password!", "10.83.1.2") for _ in range(8)]
    assert [r.status_code for r in real] == [r.status_code for r in unknown]
    assert [_page_text(r) for r in real] == [_page_text(r) for r in unknown]
    assert "locked" not in "".join(_page_text(r) for r in real)
    assert 429 in [r.status_code for r in real], "the guesses are throttled all the same"


def test_five_wrong_passwords_do_not_lock_the_account_for_everyone(app, accounts):
    for _ in range(5):
        assert attempt(app, "enum.victim", "wrong-password!", "10.83.2.1").status_code == 401
    blocked = attempt(app, "enum.victim", STAFF_PASSWORD, "10.83.2.1")
    assert blocked.status_code == 429 and blocked.headers.get("Retry-After")
    assert "Prea multe" in blocked.get_data(as_text=True)
    # the officer, elsewhere, signs in
    assert attempt(app, "enum.victim", STAFF_PASSWORD, "10.83.2.2").status_code == 303

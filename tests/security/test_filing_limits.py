"""Issue 17, item 15: anyone could use up registry numbers.

Replayed: six anonymous filings in a burst took numbers 6 to 11. Filings (POST /api/certificates
and the /cereri/noua form) are now counted per client address and per e-mail in PostgreSQL, the
same counters for every worker: beyond TERITORIU_FILINGS_PER_ADDRESS / _PER_EMAIL in
TERITORIU_FILING_WINDOW_S the answer is 429 with Retry-After and a message in the caller's
language, and no number is taken. Two app instances stand for two workers.
"""

from __future__ import annotations

import pytest
from factories import CSRF_FIELD
from sqlalchemy import text

LIMITS = {"TERITORIU_FILINGS_PER_ADDRESS": "3", "TERITORIU_FILINGS_PER_EMAIL": "2"}


@pytest.fixture(scope="module")
def workers(loaded, two_workers):
    """Two workers of one server, with small filing limits."""
    from gis.settings import load_settings

    with pytest.MonkeyPatch.context() as mp:
        for key, value in LIMITS.items():
            mp.setenv(key, value)
        settings = load_settings(db_name=loaded.db_name, port=loaded.port)
    return two_workers(settings)


@pytest.fixture(autouse=True)
def forget_counters(clear_throttles):
    clear_throttles("filing:")
    yield
    clear_throttles("filing:")


@pytest.fixture(scope="module")
def number(engine):
    with engine.connect() as c:
        return c.execute(text("SELECT cadastral_number FROM public_api.parcel WHERE intravilan "
                              "ORDER BY cadastral_number OFFSET 8 LIMIT 1")).scalar_one()


def numbers_taken(engine) -> int:
    with engine.connect() as c:
        return c.execute(text("SELECT count(*) FROM registry.request")).scalar_one()


def file(client, number, address: str, email: str | None = None, language: str | None = None, parcel=None):
    body = {"type": "urbanism", "parcels": [parcel or number], "purpose": "construire locuință",
            "applicant_name": "Ion Pop", **({"applicant_email": email} if email else {})}
    return client.post("/api/certificates", json=body, environ_base={"REMOTE_ADDR": address},
                       headers={"Accept-Language": language} if language else {})


def test_a_burst_from_one_address_stops_at_the_limit_on_every_worker(workers, engine, number):
    before = numbers_taken(engine)
    answers = [file(workers[i % 2], number, "10.87.0.1") for i in range(6)]
    assert [r.status_code for r in answers] == [201, 201, 201, 429, 429, 429]
    assert numbers_taken(engine) == before + 3
    refused = answers[3]
    assert int(refused.headers["Retry-After"]) > 60
    assert "Prea multe cereri depuse" in refused.get_json()["message"]
    assert file(workers[0], number, "10.87.0.2").status_code == 201  # another address is not held


def test_one_email_from_many_addresses_stops_at_its_limit(workers, number):
    codes = [file(workers[i % 2], number, f"10.87.1.{i + 1}", email).status_code
             for i, email in enumerate(["ana@example.ro", "Ana+2@Example.ro", "ana@example.ro"])]
    assert codes == [201, 201, 429]


def test_the_message_is_in_the_callers_language(workers, number):
    for _ in range(3):
        file(workers[0], number, "10.87.2.1")
    hu = file(workers[1], number, "10.87.2.1", language="hu")
    en = file(workers[1], number, "10.87.2.1", language="en-GB,en;q=0.8")
    assert hu.status_code == en.status_code == 429
    assert "Túl sok kérelmet" in hu.get_json()["message"]
    assert "Too many requests filed" in en.get_json()["message"]


def test_the_request_form_is_held_by_the_same_count(workers, number):
    for _ in range(3):
        assert file(workers[0], number, "10.87.3.1").status_code == 201
    form = workers[1]
    token = CSRF_FIELD.search(form.get("/cereri/noua?lang=en").get_data(as_text=True)).group(1)
    r = form.post("/cereri/noua?lang=en", data={"csrf": token, "type": "urbanism", "parcels": number,
                                                 "applicant_name": "Ion Pop", "purpose": "construire"},
                  environ_base={"REMOTE_ADDR": "10.87.3.1"})
    assert r.status_code == 429 and r.headers.get("Retry-After")
    assert "Too many requests filed" in r.get_data(as_text=True)


def test_refused_and_failed_filings_take_nothing_from_the_quota(workers, number):
    for _ in range(5):
        assert file(workers[0], number, "10.87.4.1", parcel="999999999").status_code == 404
    assert [file(workers[1], number, "10.87.4.1").status_code for _ in range(4)] == [201, 201, 201, 429]


def test_a_new_window_lets_the_address_file_again(workers, engine, number):
    assert [file(workers[0], number, "10.87.5.1").status_code for _ in range(4)] == [201, 201, 201, 429]
    with engine.begin() as c:  # the window's end moved into the past: as if an hour went by
        c.execute(text("UPDATE auth.throttle SET until = now() - interval '1 second' WHERE scope = 'filing:address'"))
    assert file(workers[1], number, "10.87.5.1").status_code == 201

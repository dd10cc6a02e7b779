"""Issue 17, item 7: a cancelled certificate no longer verifies as genuine.

An officer cancels an issued certificate (with a reason; the date is recorded by the database);
/verify/<code> then says ANULAT with the date and the reason, and an uploaded copy of the very
PDF issued gets a verdict that says the document is void, in ro, en and hu."""

from __future__ import annotations

import io
import re
from datetime import datetime

import pytest
from sqlalchemy import text

from gis.certificates import issue
from gis.request_states import can_move

REASON = "Emis din eroare <b>pe alt imobil</b>"


@pytest.fixture(scope="module")
def cancelled(loaded, engine, staff_client):
    with engine.connect() as c:
        number = c.execute(text("SELECT cadastral_number FROM public_api.parcel ORDER BY cadastral_number "
                                "LIMIT 1")).scalar_one()
    done = issue(loaded, "urbanism", [number], "construire", "Popescu Ion", "test", unpaid_confirmed=True)
    client, headers = staff_client("officer")
    before = datetime.now().astimezone()
    r = client.post(f"/api/certificates/{done.request_id}/cancel", json={"reason": REASON}, headers=headers)
    assert r.status_code == 200, r.data[:300]
    assert r.get_json()["status"] == "cancelled"
    return done, before


def test_an_issued_or_downloaded_certificate_may_be_cancelled():
    assert can_move("issued", "cancelled") and can_move("downloaded", "cancelled")


def test_the_cancellation_is_recorded_with_its_date_and_reason(cancelled, engine):
    done, before = cancelled
    with engine.connect() as c:
        status, reason, at = c.execute(text("SELECT status, cancel_reason, cancelled_at FROM registry.request "
                                            "WHERE id = :i"), {"i": done.request_id}).one()
    assert status == "cancelled" and reason == REASON
    assert at is not None and abs((at - before).total_seconds()) < 3600


def test_a_cancellation_needs_a_reason(loaded, engine, staff_client):
    with engine.connect() as c:
        number = c.execute(text("SELECT cadastral_number FROM public_api.parcel ORDER BY cadastral_number "
                                "LIMIT 1")).scalar_one()
    done = issue(loaded, "urbanism", [number], "construire", "Ionescu Maria", "test", unpaid_confirmed=True)
    client, headers = staff_client("officer")
    r = client.post(f"/api/certificates/{done.request_id}/cancel", json={"reason": "  "}, headers=headers)
    assert r.status_code == 400
    with engine.connect() as c:
        assert c.execute(text("SELECT status FROM registry.request WHERE id = :i"),
                         {"i": done.request_id}).scalar_one() == "issued"


def _date(engine, request_id: int, lang: str = "ro") -> str:
    """The cancellation's day as the page writes it in `lang` (gis.texts: Babel's locale data)."""
    with engine.connect() as c:
        at = c.execute(text("SELECT cancelled_at FROM registry.request WHERE id = :i"), {"i": request_id}).scalar_one()
    return at.strftime({"ro": "%d.%m.%Y", "en": "%d/%m/%Y", "hu": "%Y. %m. %d."}[lang])


def test_verify_says_anulat_with_date_and_reason(client, cancelled, engine):
    done, _ = cancelled
    page = client.get(f"/verify/{done.verification_code}").get_data(as_text=True)
    assert "ANULAT" in page and _date(engine, done.request_id) in page
    assert "Emis din eroare &lt;b&gt;pe alt imobil&lt;/b&gt;" in page and "<b>pe alt" not in page
    assert "data-status='cancelled'" in page


@pytest.mark.parametrize("lang,words", [("ro", "NU mai este valabil"), ("en", "NO longer valid"),
                                        ("hu", "NEM érvényes")])
def test_the_issued_pdf_of_a_cancelled_certificate_is_not_called_genuine(client, cancelled, engine, lang, words):
    done, _ = cancelled
    r = client.post(f"/verify/{done.verification_code}?lang={lang}", data={"pdf": (io.BytesIO(done.pdf), "c.pdf")},
                    content_type="multipart/form-data")
    page = r.get_data(as_text=True)
    assert r.status_code == 200
    assert "data-verdict='genuine'" not in page
    verdict = re.search(r"<p class='t-note' data-verdict='([a-z]+)'><strong>(.*?)</strong>", page, re.S)
    assert verdict and verdict.group(1) == "cancelled", page[-1500:]
    assert "ANULAT" in verdict.group(2) and words in verdict.group(2)
    assert _date(engine, done.request_id, lang) in verdict.group(2) and "pe alt imobil" in verdict.group(2)


def test_a_valid_certificate_still_verifies_as_genuine(client, loaded, engine):
    with engine.connect() as c:
        number = c.execute(text("SELECT cadastral_number FROM public_api.parcel ORDER BY cadastral_number "
                                "LIMIT 1")).scalar_one()
    done = issue(loaded, "urbanism", [number], "construire", "Pop Ana", "test", unpaid_confirmed=True)
    page = client.post(f"/verify/{done.verification_code}", data={"pdf": (io.BytesIO(done.pdf), "c.pdf")},
                       content_type="multipart/form-data").get_data(as_text=True)
    assert "data-verdict='genuine'" in page and "ANULAT" not in page

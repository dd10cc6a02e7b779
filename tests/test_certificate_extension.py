"""Issue 19, item 1: an extension is an act on the original certificate. Same number, same content,
the original's bytes stamped "PRELUNGIT până la … prin …"; requested at least 15 days before expiry,
granted once, for at most 12 months, for 30 % of the fee paid; refused when expired, already
extended, cancelled or not an urbanism certificate."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import text

from gis.certificates import CertificateError, issue
from gis.certificates.extension import add_months, extend
from gis.certificates.fees import Choices
from gis.certificates.workflow import cancel

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils: make setup")


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "e.pdf"
    path.write_bytes(pdf)
    return " ".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())


def counts(engine) -> tuple[int, int]:
    with engine.connect() as c:
        return c.execute(text("SELECT (SELECT count(*) FROM registry.request), "
                              "(SELECT coalesce(sum(last_number), 0) FROM registry.counter)")).one()


def test_add_months_keeps_the_day_or_takes_the_months_last():
    assert add_months(date(2026, 12, 1), 24) == date(2028, 12, 1)
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert add_months(date(2027, 11, 30), 3) == date(2028, 2, 29)


@needs_poppler
def test_the_extension_stamps_the_original_and_is_granted_once(loaded, engine, client, tmp_path, artifacts):
    paid_on = date.today() - timedelta(days=1)
    done = issue(loaded, "urbanism", ["50103"], "construire locuință P+1E", "Popescu Ion", "officer:test",
                 receipt=("CH-77", paid_on.isoformat()))
    assert done.facts.fee.amount_lei == Decimal("7.00")
    issued_on, valid_until = done.facts.issued_on, add_months(done.facts.issued_on, 24)
    before = counts(engine)
    asked = valid_until - timedelta(days=20)
    ext = extend(loaded, done.verification_code.lower(), "cererea nr. 812 din 10.11.2028", "officer:test",
                 requested_on=asked)
    assert (ext.valid_until, ext.extended_until, ext.months) == (valid_until, add_months(valid_until, 12), 12)
    assert ext.fee_lei == Decimal("2.10") and "taxei achitate" in ext.fee_basis   # 30 % of 7,00 lei paid
    assert counts(engine) == before   # no new request, no new registry number
    # the original's bytes, unchanged, with an incremental update; same number, same content
    assert ext.pdf.startswith(done.pdf) and len(ext.pdf) > len(done.pdf)
    flat = pdf_text(ext.pdf, tmp_path)
    assert f"PRELUNGIT până la {ext.extended_until:%d.%m.%Y} prin cererea nr. 812 din 10.11.2028" in flat
    assert "taxa de prelungire 2,10 lei" in flat and "art. 474 alin. (3)" in flat
    assert f"Nr. {done.registry_number}/{done.year} din {issued_on:%d.%m.%Y}" in flat
    assert "valabilitate de 24 de luni" in flat
    with engine.connect() as c:
        stored = c.execute(text("SELECT d.sha256, e.sha256 FROM registry.document d JOIN registry.extension e "
                                "ON e.document_id = d.id WHERE d.verification_code = :c"),
                           {"c": done.verification_code}).one()
    assert stored == (done.sha256, ext.sha256)
    with pytest.raises(CertificateError, match="prelungit deja.*o singură dată"):
        extend(loaded, done.verification_code, "cererea nr. 900", "officer:test", requested_on=asked)
    page = client.get(f"/verify/{done.verification_code}").get_data(as_text=True)
    assert f"prelungit până la {ext.extended_until:%d.%m.%Y} prin cererea nr. 812 din 10.11.2028" in page
    upload = client.post(f"/verify/{done.verification_code}", data={"pdf": (io.BytesIO(ext.pdf), "e.pdf")},
                         content_type="multipart/form-data")
    assert "data-verdict='genuine'" in upload.get_data(as_text=True)
    (artifacts / "cu-prelungit.pdf").write_bytes(ext.pdf)
    subprocess.run(["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "1", str(artifacts / "cu-prelungit.pdf"),
                    str(artifacts / "cu-prelungit")], check=True)


def test_late_expired_too_long_cancelled_and_non_urbanism_are_refused(loaded, engine):
    done = issue(loaded, "urbanism", ["51222"], "construire", "Pop Ana", "officer:test", unpaid_confirmed=True,
                 choices=Choices(validity_months=6))
    valid_until = add_months(done.facts.issued_on, 6)   # the validity chosen for this certificate
    code = done.verification_code
    for asked, months, words in ((valid_until - timedelta(days=14), 12, "cel puțin 15 zile"),
                                 (valid_until + timedelta(days=1), 12, "a expirat"),
                                 (valid_until - timedelta(days=30), 13, "cel mult 12 luni"),
                                 (valid_until - timedelta(days=30), 0, "cel mult 12 luni")):
        with pytest.raises(CertificateError, match=words):
            extend(loaded, code, "cererea nr. 1", "officer:test", requested_on=asked, months=months)
    with pytest.raises(CertificateError, match="actul prin care"):
        extend(loaded, code, "  ", "officer:test", requested_on=valid_until - timedelta(days=30))
    # 15 days before expiry is still in time; six months asked: until six months later; unpaid: 30 % of the fee set
    ext = extend(loaded, code, "cererea nr. 2", "officer:test", requested_on=valid_until - timedelta(days=15),
                 months=6)
    assert ext.extended_until == add_months(valid_until, 6) and ext.fee_lei == Decimal("1.80")
    assert "plata nu a fost înregistrată" in ext.fee_basis
    other = issue(loaded, "urbanism", ["50103"], "construire", "Pop Ana", "officer:test", unpaid_confirmed=True)
    cancel(loaded, other.request_id, "emis din eroare", "officer:test")
    with pytest.raises(CertificateError, match="anulat"):
        extend(loaded, other.verification_code, "cererea nr. 3", "officer:test", requested_on=other.facts.issued_on)
    cns = issue(loaded, "nomenclature", ["50103"], "informare", "Pop Ana", "officer:test", unpaid_confirmed=True)
    for code in (cns.verification_code, "NOPE-NOPE-NOPE-NOPE"):
        with pytest.raises(CertificateError, match="nu există un certificat de urbanism"):
            extend(loaded, code, "cererea nr. 4", "officer:test", requested_on=cns.facts.issued_on)
    with engine.connect() as c:
        assert c.execute(text("SELECT count(*) FROM registry.extension e JOIN registry.document d "
                              "ON d.id = e.document_id WHERE d.verification_code IN (:a, :b)"),
                         {"a": other.verification_code, "b": cns.verification_code}).scalar_one() == 0


def test_a_signed_original_stays_valid_and_the_extension_is_signed_too(loaded, tmp_path):
    import dataclasses

    from pyhanko.pdf_utils.reader import PdfFileReader

    from gis.certificates.signing import create_self_signed, validate

    signed = dataclasses.replace(loaded, signing_key=str(tmp_path / "k.pem"), signing_cert=str(tmp_path / "c.pem"))
    _, cert = create_self_signed(signed, "Primăria Test")
    done = issue(signed, "urbanism", ["50103"], "construire", "A B", "officer:test", unpaid_confirmed=True)
    ext = extend(signed, done.verification_code, "cererea nr. 5", "officer:test",
                 requested_on=done.facts.issued_on)
    signatures = PdfFileReader(io.BytesIO(ext.pdf)).embedded_signatures
    assert [s.field_name for s in signatures] == ["SemnaturaPrimarie", "Prelungire"]
    # the extension's own signature covers the whole stamped file; the original's still covers its own
    # revision (the issued bytes), and reports that a later revision drew on the page
    assert validate(done.pdf, cert.read_bytes()) and validate(ext.pdf, cert.read_bytes(), index=1)
    assert not validate(ext.pdf, cert.read_bytes(), index=0)


def test_the_officer_extends_over_the_api_and_others_cannot(loaded, client, staff_client):
    done = issue(loaded, "urbanism", ["51222"], "construire", "Pop Ana", "officer:test", unpaid_confirmed=True)
    body = {"code": done.verification_code, "reference": "cererea nr. 31 din 01.12.2026",
            "requested_on": done.facts.issued_on.isoformat(), "months": 9}
    assert client.post("/api/certificates/extensions", json=body).status_code == 401
    surveyor, surveyor_headers = staff_client("surveyor", username="ext.surveyor")
    assert surveyor.post("/api/certificates/extensions", json=body, headers=surveyor_headers).status_code == 403
    officer, headers = staff_client("officer", username="ext.officer")
    for bad, status in (({**body, "months": "12"}, 400), ({**body, "requested_on": "mâine"}, 400),
                        ({**body, "reference": ""}, 400), ({**body, "code": "NOPE-NOPE-NOPE-NOPE"}, 404)):
        answer = officer.post("/api/certificates/extensions", json=bad, headers=headers)
        assert answer.status_code == status and answer.get_json()["message"], bad
    made = officer.post("/api/certificates/extensions", json=body, headers=headers)
    assert made.status_code == 201, made.get_json()
    got = made.get_json()
    assert got["registry_number"] == f"{done.registry_number}/{done.year}" and got["months"] == 9
    assert got["extended_until"] == add_months(add_months(done.facts.issued_on, 24), 9).isoformat()
    again = officer.post("/api/certificates/extensions", json=body, headers=headers)
    assert again.status_code == 409 and "o singură dată" in again.get_json()["message"]
    pdf = officer.get(got["pdf"])
    assert pdf.status_code == 200 and pdf.data.startswith(done.pdf)
    assert client.get(got["pdf"]).status_code == 401

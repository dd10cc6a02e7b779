"""Certificates: fees at the bracket edges, the PDFs read back against the database, gapless
numbering under concurrency, immutability, verification of genuine and tampered files."""

from __future__ import annotations

import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import text

from gis.certificates import CertificateError, certificate_facts, draft, issue, nomenclature_fee, urbanism_fee
from gis.parcel_facts import ParcelNotFound
from gis.uats import genitive

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils: make setup")
ON = date(2026, 11, 22)


@pytest.mark.parametrize("area,rural,extension,lei", [
    (150, False, False, "6.00"), (150.01, False, False, "7.00"), (151, False, False, "7.00"),
    (250, False, False, "7.00"), (500, False, False, "9.00"), (750, False, False, "12.00"),
    (1000, False, False, "14.00"), (1001, False, False, "14.01"), (2500, False, False, "29.00"),
    (1000, True, False, "7.00"), (150, True, False, "3.00"), (1000, False, True, "4.20"),
    (1001, True, True, "2.10"),
])
def test_urbanism_fee_brackets(area, rural, extension, lei):
    assert urbanism_fee(area, rural, extension, on=ON).amount_lei == Decimal(lei)


def test_nomenclature_fee_is_the_council_amount():
    fee = nomenclature_fee(on=ON)
    assert fee.amount_lei == Decimal("10.00") and "HCL" in fee.basis


def test_no_fee_table_before_the_first_year():
    with pytest.raises(CertificateError, match="no urbanism fee table"):
        urbanism_fee(500, False, on=date(2019, 1, 1))


@pytest.fixture(scope="module")
def chosen(engine):
    """A built intravilan parcel with an address, a neighbour, and a parcel far from it."""
    with engine.connect() as c:
        number = c.execute(text("""
            SELECT p.cadastral_number FROM public_api.parcel p
            JOIN public_api.address_point a ON a.cadastral_number = p.cadastral_number
            JOIN public_api.building b ON b.parcel_id = p.id
            ORDER BY p.cadastral_number LIMIT 1""")).scalar_one()
        neighbour = c.execute(text("""
            SELECT q.cadastral_number FROM public_api.parcel p JOIN public_api.parcel q
              ON ST_Touches(p.geom, q.geom) AND ST_Length(ST_Intersection(p.geom, q.geom)) > 1
            WHERE p.cadastral_number = :n ORDER BY 1 LIMIT 1"""), {"n": number}).scalar_one()
        far = c.execute(text("""
            SELECT q.cadastral_number FROM public_api.parcel p, public_api.parcel q
            WHERE p.cadastral_number = :n AND ST_Distance(p.geom, q.geom) > 500 ORDER BY 1 LIMIT 1"""),
            {"n": number}).scalar_one()
    return {"number": number, "neighbour": neighbour, "far": far}


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "c.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def ro(value: float) -> str:
    text_ = f"{value:,.2f}".rstrip("0").rstrip(".")
    return text_.replace(",", " ").replace(".", ",").replace(" ", ".")


@needs_poppler
def test_the_urbanism_certificate_states_what_the_database_says(loaded, engine, chosen, tmp_path, artifacts):
    done = issue(loaded, "urbanism", [chosen["number"]], "construire locuință P+1E+M", "Popescu Ion", "test",
                 unpaid_confirmed=True)
    facts = done.facts
    p = facts.parcels[0]
    txt = pdf_text(done.pdf, tmp_path)
    flat = " ".join(txt.split())
    for needle in ("CERTIFICAT DE URBANISM", "1. REGIMUL JURIDIC", "2. REGIMUL ECONOMIC",
                   "3. REGIMUL TEHNIC", "5. CEREREA DE EMITERE A AUTORIZAȚIEI", "În scopul: construire locuință P+1E+M",
                   f"Nr. {done.registry_number}/{done.year}", done.verification_code, "pagina 1 din",
                   "PRIMAR", "SECRETAR GENERAL", "ARHITECT-ȘEF", "Stereo 70",
                   f"PRIMĂRIA {genitive(facts.uat.name).upper()}"):  # the letterhead is set in capitals
        assert needle in flat, needle
    assert p.cadastral_number in flat and ("intravilan" if p.intravilan else "extravilan") in flat
    for z in p.zones:
        assert f"{z.code} ({z.document_kind})" in flat and f"{ro(z.share_percent)} %" in flat
        assert f"{ro(z.pot_max)} %" in flat and f"HCL nr. {z.hcl_number}" in flat
    assert ro(p.max_footprint_m2) in flat and ro(p.max_floor_area_m2) in flat
    (zone,) = p.zones  # the chosen parcel lies in one zone: its footprint is its area times that zone's POT
    assert ro(p.reference_area * zone.pot_max / 100) in flat
    assert f"{facts.fee.amount_lei:.2f}".replace(".", ",") + " lei" in flat
    for r in p.restrictions:
        assert r.legal_basis.split(",")[0] in flat
    assert "ș" in txt and "ț" in txt and "ş" not in txt and "ţ" not in txt  # comma below, embedded
    (artifacts / "certificat-urbanism.pdf").write_bytes(done.pdf)
    subprocess.run(["pdftoppm", "-r", "70", "-png", str(artifacts / "certificat-urbanism.pdf"),
                    str(artifacts / "certificat-urbanism")], check=True)


@needs_poppler
def test_the_nomenclature_certificate_gives_the_address_and_former_names(loaded, engine, tmp_path, artifacts):
    with engine.connect() as c:
        number, street, house = c.execute(text("""
            SELECT a.cadastral_number, a.street_name, a.house_number FROM public_api.address_point a
            JOIN streets.street_name n ON n.street_id = a.street_id ORDER BY 1 LIMIT 1""")).one()
        former = c.execute(text("""
            SELECT n.name, n.hcl_number FROM streets.street_name n JOIN public_api.address_point a
              ON a.street_id = n.street_id WHERE a.cadastral_number = :n"""), {"n": number}).one()
    done = issue(loaded, "nomenclature", [number], "înscriere în cartea funciară", "Ionescu Maria", "test",
                 unpaid_confirmed=True)
    flat = " ".join(pdf_text(done.pdf, tmp_path).split())
    assert "CERTIFICAT DE NOMENCLATURĂ STRADALĂ ȘI ADRESĂ" in flat
    assert f"{street} nr. {house}" in flat
    assert former[0] in flat and f"HCL nr. {former[1]}" in flat
    assert "10,00 lei" in flat
    (artifacts / "certificat-nomenclatura.pdf").write_bytes(done.pdf)
    subprocess.run(["pdftoppm", "-r", "70", "-png", str(artifacts / "certificat-nomenclatura.pdf"),
                    str(artifacts / "certificat-nomenclatura")], check=True)


@needs_poppler
def test_a_draft_is_watermarked_and_numbers_nothing(loaded, engine, chosen, tmp_path):
    with engine.connect() as c:
        before = c.execute(text("SELECT count(*) FROM registry.document")).scalar_one()
    done = draft(loaded, "urbanism", [chosen["number"]], "informare", "X")
    assert "PROIECT" in pdf_text(done.pdf, tmp_path)
    with engine.connect() as c:
        assert c.execute(text("SELECT count(*) FROM registry.document")).scalar_one() == before


def test_parcels_apart_are_refused_unless_the_officer_records_one_investment(engine, chosen):
    """Issue 19 item 5 (gis/certificates/apart.py); the sample pair 51760+51222: test_certificate_fees.py."""
    from gis.certificates.fees import Choices

    with engine.connect() as c:
        together = certificate_facts(c, "urbanism", [chosen["number"], chosen["neighbour"]], "x")
        with pytest.raises(CertificateError, match="nu sunt alăturate") as refused:
            certificate_facts(c, "urbanism", [chosen["number"], chosen["far"]], "x")
        apart = certificate_facts(c, "urbanism", [chosen["number"], chosen["far"]], "x",
                                  choices=Choices(one_investment="aceeași rețea de irigații"))
    assert together.contiguous and together.one_investment == "" and together.warnings == []
    assert chosen["number"] in str(refused.value) and chosen["far"] in str(refused.value)
    assert not apart.contiguous and apart.one_investment == "aceeași rețea de irigații"
    assert apart.total_area == pytest.approx(sum(p.reference_area for p in apart.parcels))


def test_parcels_of_two_uats_are_refused(engine, conn, chosen, make_uat):
    make_uat(conn, 999301, "Altă comună", (100000, 100000, 101000, 101000))
    conn.execute(text(
        "INSERT INTO cadastre.parcel (uat_siruta, cadastral_number, use_category, intravilan, geom) "
        "VALUES (999301, '880001', 'CC', true, ST_Multi(ST_MakeEnvelope(100100, 100100, 100130, 100140, 3844)))"))
    with pytest.raises(CertificateError, match="different UATs"):
        certificate_facts(conn, "urbanism", [chosen["number"], "880001"], "construire")


def test_an_unknown_parcel_is_named_in_the_error(engine):
    with engine.connect() as c, pytest.raises(ParcelNotFound, match="999999999"):
        certificate_facts(c, "urbanism", ["999999999"], "construire")


@pytest.mark.slow
def test_registry_numbers_stay_consecutive_under_20_concurrent_issues(loaded, engine, chosen):
    with engine.connect() as c:
        uat = c.execute(text("SELECT uat_siruta FROM public_api.parcel WHERE cadastral_number = :n"),
                        {"n": chosen["number"]}).scalar_one()
        start = c.execute(text("SELECT coalesce(max(last_number), 0) FROM registry.counter "
                               "WHERE uat_siruta = :u AND year = :y"), {"u": uat, "y": date.today().year}).scalar_one()
    with ThreadPoolExecutor(max_workers=8) as pool:
        done = list(pool.map(lambda i: issue(loaded, "nomenclature", [chosen["number"]], "informare",
                                             f"Solicitant {i}", "test",
                                             unpaid_confirmed=True).registry_number, range(20)))
    assert sorted(done) == list(range(start + 1, start + 21))


def test_an_issued_pdf_never_changes(loaded, engine, chosen):
    done = issue(loaded, "nomenclature", [chosen["number"]], "informare", "A B", "test", unpaid_confirmed=True)
    with engine.begin() as c, pytest.raises(Exception, match="immutable"):
        c.execute(text("UPDATE registry.document SET pdf = '\\x00' WHERE request_id = :i"), {"i": done.request_id})
    with engine.connect() as c:
        stored = c.execute(text("SELECT pdf FROM registry.document WHERE request_id = :i"),
                           {"i": done.request_id}).scalar_one()
    assert bytes(stored) == done.pdf


def test_verify_shows_what_was_issued_masked_and_checks_a_file(loaded, client, chosen):
    import io

    done = issue(loaded, "urbanism", [chosen["number"]], "construire", "Popescu Ion", "test", unpaid_confirmed=True)
    page = client.get(f"/verify/{done.verification_code}").get_data(as_text=True)
    assert f"{done.registry_number}/{done.year}" in page and "P*** I***" in page
    assert "Popescu" not in page and done.sha256 in page
    genuine = client.post(f"/verify/{done.verification_code}",
                          data={"pdf": (io.BytesIO(done.pdf), "c.pdf")}, content_type="multipart/form-data")
    assert "data-verdict='genuine'" in genuine.get_data(as_text=True)
    tampered = bytearray(done.pdf)
    tampered[len(tampered) // 2] ^= 0x01
    bad = client.post(f"/verify/{done.verification_code}",
                      data={"pdf": (io.BytesIO(bytes(tampered)), "c.pdf")}, content_type="multipart/form-data")
    assert "data-verdict='different'" in bad.get_data(as_text=True)
    assert client.get("/verify/NOPE-NOPE-NOPE").status_code == 404


def test_an_issued_certificate_carries_a_valid_pades_signature(loaded, chosen, tmp_path):
    import dataclasses

    from gis.certificates.signing import create_self_signed, validate

    signed_settings = dataclasses.replace(loaded, signing_key=str(tmp_path / "k.pem"),
                                          signing_cert=str(tmp_path / "c.pem"))
    _, cert = create_self_signed(signed_settings, "Primăria Test")
    done = issue(signed_settings, "nomenclature", [chosen["number"]], "informare", "A B", "test", unpaid_confirmed=True)
    assert validate(done.pdf, cert.read_bytes())
    tampered = bytearray(done.pdf)
    tampered[len(tampered) // 3] ^= 0x01
    assert not validate(bytes(tampered), cert.read_bytes())
    other = dataclasses.replace(loaded, signing_key=str(tmp_path / "k2.pem"),
                                signing_cert=str(tmp_path / "c2.pem"))
    _, other_cert = create_self_signed(other, "Altcineva")
    assert not validate(done.pdf, other_cert.read_bytes())

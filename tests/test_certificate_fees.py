"""Issue 19, items 5 and 11: the fee for every bracket, year, rural/urban case, the county's approval
(art. 474 alin. 4), exemptions (art. 476), the council's own tables, the validity chosen per request;
parcels that do not touch refused unless the officer records one investment (51760+51222)."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import text

from gis.certificates import CertificateError, certificate_facts, issue, nomenclature_fee, urbanism_fee
from gis.certificates.fees import Choices, extension_fee

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils: make setup")
SAMPLE = 926501   # the sample council's SIRUTA (config.yaml sample_council)

# the sample council's amounts, written out here (not read from config.yaml): per year, per bracket
BRACKETS = {2025: [(150, "5"), (250, "6"), (500, "8"), (750, "11"), (1000, "13")],
            2026: [(150, "6"), (250, "7"), (500, "9"), (750, "12"), (1000, "14")]}
CASES = [(year, area, lei) for year, rows in BRACKETS.items()
         for low, (upper, lei) in zip([0, 150, 250, 500, 750], rows, strict=True)
         for area in (low + 1, upper)]


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "c.pdf"
    path.write_bytes(pdf)
    return " ".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())


@pytest.mark.parametrize("year,area,lei", CASES)
@pytest.mark.parametrize("rural", [False, True])
def test_every_bracket_of_every_year_urban_and_rural(year, area, lei, rural):
    fee = urbanism_fee(area, rural, on=date(year, 6, 1), siruta=SAMPLE)
    expected = Decimal(lei) * (Decimal("0.5") if rural else 1)
    assert fee.amount_lei == expected.quantize(Decimal("0.01")) and expected > 0
    assert f"HCL nr. {'71/2024' if year == 2025 else '85/2025'}" in fee.basis


@pytest.mark.parametrize("year,area,rural,lei", [
    (2025, 1001, False, "13.01"), (2026, 1001, False, "14.01"), (2026, 2500, False, "29.00"),
    (2026, 1122, True, "7.61"), (2026, 1770, True, "10.85"), (2025, 1770, True, "10.35"),
])
def test_over_1000_m2_adds_a_cent_per_m2(year, area, rural, lei):
    assert urbanism_fee(area, rural, on=date(year, 3, 1), siruta=SAMPLE).amount_lei == Decimal(lei)


@pytest.mark.parametrize("initial,paid,lei", [("7.00", True, "2.10"), ("14.01", True, "4.20"),
                                              ("10.85", False, "3.26"), ("0.00", True, "0.00")])
def test_an_extension_costs_thirty_percent_of_the_initial_fee(initial, paid, lei):
    fee = extension_fee(Decimal(initial), paid, 0.3)
    assert fee.amount_lei == Decimal(lei) and "art. 474 alin. (3)" in fee.basis
    assert ("taxei achitate" if paid else "plata nu a fost înregistrată") in fee.basis


def test_another_council_needs_its_own_tables():
    with pytest.raises(CertificateError, match="hotărârea consiliului local"):
        urbanism_fee(500, False, on=date(2026, 5, 1), siruta=999401)
    with pytest.raises(CertificateError, match="hotărârea consiliului local"):
        nomenclature_fee(on=date(2026, 5, 1), siruta=999401)
    own = {"certificates": {"fees": {
        "urbanism": {"2026": {"hcl": "HCL nr. 3/2025 a orașului X", "brackets": [[150, 5.5], [1000, 13]],
                              "over_1000_lei_per_m2": 0.01, "rural_factor": 0.5, "extension_factor": 0.3}},
        "nomenclature": {"2026": {"hcl": "HCL nr. 3/2025 a orașului X", "amount": 8}}}}}
    fee = urbanism_fee(500, False, on=date(2026, 5, 1), uat_settings=own, siruta=999401)
    assert fee.amount_lei == Decimal("13.00") and "HCL nr. 3/2025" in fee.basis
    assert nomenclature_fee(on=date(2026, 5, 1), uat_settings=own, siruta=999401).amount_lei == Decimal("8.00")
    assert nomenclature_fee(on=date(2026, 5, 1), siruta=SAMPLE).amount_lei == Decimal("10.00")


def test_choices_exemption_county_approval_and_validity(loaded, engine):
    with engine.connect() as c:
        plain = certificate_facts(c, "urbanism", ["50103"], "construire locuință P+1E")
        county = certificate_facts(c, "urbanism", ["50103"], "construire", choices=Choices(county_approval=True))
        exempt = certificate_facts(c, "urbanism", ["50103"], "construire biserică",
                                   choices=Choices(exemption="lacas_cult"))
        short = certificate_facts(c, "urbanism", ["50103"], "construire", choices=Choices(validity_months=6))
        for bad, words in ((Choices(exemption="prieteni"), "scutire necunoscută"),
                           (Choices(validity_months=5), "între 6 și 24 luni"),
                           (Choices(validity_months=25), "între 6 și 24 luni")):
            with pytest.raises(CertificateError, match=words):
                certificate_facts(c, "urbanism", ["50103"], "construire", choices=bad)
    assert plain.fee.amount_lei == Decimal("7.00")   # 857 m², 12-14 lei bracket: 14 lei, rural 50 %
    assert county.fee.amount_lei == Decimal("22.00") and "art. 474 alin. (4)" in county.fee.basis
    assert exempt.fee.amount_lei == Decimal("0.00") and "art. 476 alin. (1)" in exempt.fee.basis
    assert (plain.validity_months, short.validity_months) == (24, 6)


def test_51760_and_51222_do_not_touch_and_are_refused_with_the_fee_of_each(loaded, engine):
    with engine.connect() as c:
        with pytest.raises(CertificateError, match="nu sunt alăturate") as refused:
            certificate_facts(c, "urbanism", ["51760", "51222"], "construire")
    assert "51760: 7,61 lei" in str(refused.value) and "51222: 6,00 lei" in str(refused.value)


@needs_poppler
def test_one_investment_gives_one_certificate_on_the_summed_area(loaded, engine, tmp_path, artifacts):
    done = issue(loaded, "urbanism", ["51760", "51222"], "construire seră", "Pop Ana", "officer:test",
                 unpaid_confirmed=True, choices=Choices(one_investment="aceeași exploatație agricolă, un proiect"))
    assert done.facts.fee.amount_lei == Decimal("10.85")   # 1.770 m², rural: (14 + 7,70) × 50 %
    with engine.connect() as c:
        recorded = c.execute(text("SELECT one_investment, fee FROM registry.request WHERE id = :i"),
                             {"i": done.request_id}).one()
    assert recorded == ("aceeași exploatație agricolă, un proiect", Decimal("10.85"))
    flat = pdf_text(done.pdf, tmp_path)
    assert "formează o singură investiție" in flat and "aceeași exploatație agricolă, un proiect" in flat
    assert "10,85 lei" in flat and "nu sunt alăturate (nu formează" not in flat
    (artifacts / "cu-o-investitie.pdf").write_bytes(done.pdf)


@needs_poppler
def test_the_certificate_prints_the_chosen_validity_and_the_exemption(loaded, tmp_path):
    done = issue(loaded, "urbanism", ["50103"], "construire capelă", "Parohia X", "officer:test",
                 choices=Choices(validity_months=6, exemption="lacas_cult"))
    flat = pdf_text(done.pdf, tmp_path)
    assert "valabilitate de 6 luni" in flat and "scutit de taxă" in flat and "art. 476 alin. (1)" in flat
    assert "0,00 lei" in flat


def test_a_council_with_its_own_tables_never_falls_back_on_the_samples_years():
    own = {"certificates": {"fees": {"urbanism": {"2027": {
        "hcl": "HCL nr. 9/2026", "brackets": [[1000, 20]], "over_1000_lei_per_m2": 0.01, "rural_factor": 0.5,
        "extension_factor": 0.3}}}}}
    assert urbanism_fee(500, False, on=date(2027, 2, 1), uat_settings=own, siruta=SAMPLE).amount_lei == Decimal("20.00")
    with pytest.raises(CertificateError, match="no urbanism fee table for 2026"):
        urbanism_fee(500, False, on=date(2026, 2, 1), uat_settings=own, siruta=SAMPLE)


# Codul fiscal art. 474 alin. (1)-(4) (checked: fisc.ro, "Taxa eliberare certificat de urbanism"): the
# range of each urban bracket in lei, the rural and extension shares, the cap of the county's approval
LAW_LIMITS = {"brackets": [(150, 5, 6), (250, 6, 7), (500, 7, 9), (750, 9, 12), (1000, 12, 14)],
              "over_1000_lei_per_m2": 0.01, "rural_factor": 0.5, "extension_factor": 0.3, "county_approval_max": 15}


def test_every_shipped_fee_table_lies_within_the_laws_limits():
    from gis.certificates.rules import config

    tables = config("RO")["fees"]["urbanism"]
    assert len(tables) >= 2
    for year, table in tables.items():
        rows = [(upper, float(lei)) for upper, lei in table["brackets"]]
        assert [u for u, _ in rows] == [u for u, _, _ in LAW_LIMITS["brackets"]], year
        for (_upper, lei), (_, low, high) in zip(rows, LAW_LIMITS["brackets"], strict=True):
            assert low <= lei <= high, (year, lei)
        for key in ("over_1000_lei_per_m2", "rural_factor", "extension_factor"):
            assert table[key] == LAW_LIMITS[key], (year, key)
        assert 0 < table["county_approval_lei"] <= LAW_LIMITS["county_approval_max"], year

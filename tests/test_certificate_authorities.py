"""Issue 19 items 2, 3, 4, 7, 12, 13: the county's bodies for all 41 counties and Bucharest, the road's
administrator by class, titles by UAT kind, the extravilan regime, F.6 sections 4 and 5, Romanian
numbers and dates, the nomenclature's legal basis, the layout — read back from the PDFs (pdftotext)."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from gis.certificates import authorities, draft
from gis.certificates.fees import Choices
from gis.certificates.wording import plan_title, ro_date, ro_number

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils: make setup")

COUNTIES = ("Alba Arad Argeș Bacău Bihor Bistrița-Năsăud Botoșani Brașov Brăila Buzău Caraș-Severin Călărași Cluj "
            "Constanța Covasna Dâmbovița Dolj Galați Giurgiu Gorj Harghita Hunedoara Ialomița Iași Ilfov Maramureș "
            "Mehedinți Mureș Neamț Olt Prahova Satu-Mare Sălaj Sibiu Suceava Teleorman Timiș Tulcea Vaslui Vâlcea "
            "Vrancea").replace("Satu-Mare", "Satu_Mare").split()


# the two parcels do not touch: one certificate only when the officer records one investment
ONE_INVESTMENT = Choices(one_investment="locuință cu anexe pe ambele loturi, aceeași investiție")


def test_every_county_and_bucharest_has_its_bodies():
    names = [c.replace("_", " ") for c in COUNTIES]
    assert len(names) == 41 and set(authorities.counties()) == {*names, "București"}
    for county in authorities.counties():
        bodies = authorities.county_bodies(county)
        assert all(bodies[k] for k in ("isu", "apm", "dsp", "aba", "sga", "ocpi", "djc", "drdp")), county
        assert bodies["isu"].startswith("ISU") and bodies["aba"].startswith("ABA") and bodies["drdp"].startswith("DRDP")
    assert authorities.county_bodies("Cluj")["apm"] == "APM Cluj"
    assert authorities.county_bodies("București")["dsp"] == "DSP a Municipiului București"
    assert authorities.county_bodies("bistrita-nasaud")["isu"] == authorities.county_bodies("Bistrița-Năsăud")["isu"]
    assert authorities.county_bodies("Municipiul Bucuresti")["county"] == "București"
    with pytest.raises(authorities.UnknownCounty, match="Atlantida"):
        authorities.county_bodies("Atlantida")


@pytest.mark.parametrize("restriction,expected", [
    ("Zona de protecție a drumului național DN 1", "Compania Națională de Administrare a Infrastructurii Rutiere, "
                                                   "prin DRDP Cluj"),
    ("Zona de protecție a drumului județean DJ 107", "Consiliul Județean Cluj"),
    ("Zona de protecție a drumului comunal DC 12", "Consiliul Local al municipiului Turda"),
    ("Zona de protecție a străzii Morii", "Consiliul Local al municipiului Turda"),
])
def test_the_road_authority_follows_the_road_class(restriction, expected):
    assert authorities.road_authority(restriction, "Cluj", "municipiului Turda") == expected


@pytest.mark.parametrize("kind,title", [("comună", "COMUNEI"), ("oraș", "ORAȘULUI"), ("municipiu", "MUNICIPIULUI"),
                                        ("sector", "SECTORULUI")])
def test_the_secretary_is_named_by_the_uat_kind(kind, title):
    titles = authorities.signatory_titles({"secretary": "SECRETAR GENERAL AL {uat_kind}", "mayor": "PRIMAR"}, kind)
    assert titles == {"secretary": f"SECRETAR GENERAL AL {title}", "mayor": "PRIMAR"}


def test_romanian_numbers_dates_and_plan_titles():
    assert ro_number(857) == "857,00" and ro_number(1770) == "1.770,00" and ro_date("2026-12-01") == "01.12.2026"
    assert plan_title("PUZ", "PUZ „Zona centrală”") == "PUZ „Zona centrală”"
    assert plan_title("PUZ", "Zona centrală") == "PUZ „Zona centrală”"


def _flat(pdf: bytes, tmp_path, name: str = "c.pdf") -> str:
    path = tmp_path / name
    path.write_bytes(pdf)
    return " ".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())


def _png(pdf: bytes, artifacts, name: str) -> None:
    (artifacts / f"{name}.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "1", str(artifacts / f"{name}.pdf"),
                    str(artifacts / name)], check=True)


@needs_poppler
def test_an_extravilan_parcel_gets_the_pug_extravilan_regime(loaded, tmp_path, artifacts):
    done = draft(loaded, "urbanism", ["50489"], "construire anexă agricolă", "Popa Ion")
    (regime,) = done.facts.extravilan
    assert regime.document_kind == "PUG" and regime.hcl_number == "27"
    flat = _flat(done.pdf, tmp_path)
    assert "Nu este acoperită de o documentație de urbanism aprobată" not in flat
    for needle in ("Extravilan — parcela 50489", "Planul Urbanistic General al comunei Valea Verde",
                   "HCL nr. 27 din 25.04.2019", "Legea nr. 18/1991 a fondului funciar, art. 91 și 92",
                   "HG nr. 525/1996 (Regulamentul general de urbanism), art. 3",
                   "Extravilan, reglementat de Planul Urbanistic General"):
        assert needle in flat, needle
    _png(done.pdf, artifacts, "cu-extravilan-50489")


@needs_poppler
def test_the_two_parcel_certificate_names_the_county_bodies_and_f6_sections(loaded, tmp_path, artifacts):
    done = draft(loaded, "urbanism", ["51760", "51222"], "locuință", "Popa Ion", choices=ONE_INVESTMENT)
    flat = _flat(done.pdf, tmp_path)
    for needle in ("PRIMĂRIA COMUNEI VALEA VERDE", "SECRETAR GENERAL AL COMUNEI",
                   "4. OBLIGAȚII ALE TITULARULUI CERTIFICATULUI DE URBANISM",
                   "autorității competente pentru protecția mediului: APM Bihor", "art. 6 alin. (1) lit. d)",
                   "5. CEREREA DE EMITERE A AUTORIZAȚIEI DE CONSTRUIRE/DESFIINȚARE",
                   "certificatul de urbanism;", "documentația tehnică — D.T.",
                   "dovada privind achitarea taxelor legale",
                   "d.1) privind utilitățile urbane", "d.2) privind securitatea la incendiu",
                   "d.3) avize/acorduri specifice", "d.4) studii de specialitate",
                   "ISU „Crișana” al județului Bihor", "OCPI Bihor",
                   "administratorului drumului: Consiliul Județean Bihor (OG 43/1997",  # DJ 767: the county council
                   "Ordinul MDRL nr. 839/2009", "6. VALABILITATE", "suprafață 1.770,00 m²",
                   "transmis solicitantului", "(numele și prenumele)",
                   "planuri urbanistice în vigoare la " + ro_date(done.facts.issued_on),
                   "verificare: http://"):
        assert needle in flat, needle
    assert "CJ Bihor" not in flat and "ABA Crișuri" not in flat  # the old hard-coded Bihor names are gone
    assert "Zonă de protecție a drumului" in flat  # the map's legend: the road protection zone is drawn
    assert "http:// " not in flat  # the footer URL is never broken after the scheme
    _png(done.pdf, artifacts, "cu-intravilan-51760-51222")


@needs_poppler
def test_a_puz_is_named_once(loaded, tmp_path):
    done = draft(loaded, "urbanism", ["51175"], "locuință", "Popa Ion")
    flat = _flat(done.pdf, tmp_path)
    assert "PUZ „Zona centrală — extindere locuințe”" in flat and "PUZ „PUZ" not in flat


@needs_poppler
def test_the_nomenclature_certificate_cites_the_acts_and_former_numbers(loaded, tmp_path, artifacts):
    done = draft(loaded, "nomenclature", ["50006"], "informare", "Popa Ion")
    assert done.facts.street_acts and done.facts.former_addresses
    flat = _flat(done.pdf, tmp_path)
    for needle in ("nomenclaturii stradale a comunei Valea Verde", "HG nr. 777/2016", "OG nr. 63/2002",
                   "nr. 7/1996", "Actele de denumire", "Strada Bisericii", "HCL nr. 109/2008 din 23.05.2008",
                   "Strada Lenin (numărul din acea perioadă nu este înregistrat)"):
        assert needle in flat, needle
    _png(done.pdf, artifacts, "cns-strada-redenumita-50006")


@needs_poppler
def test_the_request_prints_domicile_date_and_the_officers_approvals(client, loaded, tmp_path):
    from gis.certificates.approval_choice import choose_approvals
    from gis.certificates.rules import CertificateError
    from gis.certificates.workflow import draft_pdf, get_request

    r = client.post("/api/certificates", json={
        "type": "urbanism", "parcels": ["51760"], "purpose": "locuință P+1E", "applicant_name": "Ana Pop",
        "applicant_domicile": "județul Bihor, comuna Valea Verde, str. Morii nr. 3"},
        environ_base={"REMOTE_ADDR": "10.77.0.9"})
    assert r.status_code == 201, r.get_data(as_text=True)
    request_id = r.get_json()["id"]
    assert client.post("/api/certificates", json={
        "type": "urbanism", "parcels": ["51760"], "purpose": "locuință", "applicant_name": "Ana Pop",
        "applicant_domicile": "x" * 301}, environ_base={"REMOTE_ADDR": "10.77.0.10"}).status_code == 400
    with pytest.raises(CertificateError, match="aviz necunoscut"):
        choose_approvals(loaded, request_id, ["d1_gas", "no_such"], "test")
    assert choose_approvals(loaded, request_id, ["d1_gas", "d2_health", "d4_topo"], "test") == [
        "d1_gas", "d2_health", "d4_topo"]
    from gis.db import get_engine

    with get_engine(loaded, "app").connect() as c:
        info = get_request(c, request_id)
    flat = _flat(draft_pdf(loaded, request_id), tmp_path)
    for needle in ("cu domiciliul/sediul în județul Bihor, comuna Valea Verde, str. Morii nr. 3",
                   f"înregistrată la nr. {info.number_label} din {ro_date(info.request_date)}",
                   "Aviz de alimentare cu gaze naturale", "Notificare / aviz sanitar (DSP Bihor)",
                   "Ridicare topografică vizată de OCPI Bihor"):
        assert needle in flat, needle
    assert "Studiu geotehnic" not in flat  # a default the officer did not choose


@needs_poppler
def test_the_signatories_are_named_when_the_uat_gives_their_names(loaded, tmp_path):
    import dataclasses

    from gis.certificates.map_extract import MapExtract
    from gis.certificates.render import render_pdf

    done = draft(loaded, "urbanism", ["50103"], "locuință P+1E", "Popa Ion")
    assert "(numele și prenumele)" in _flat(done.pdf, tmp_path, "a.pdf")  # no names set: a line to write them on
    named = dataclasses.replace(done.facts, uat=dataclasses.replace(
        done.facts.uat, settings={"signatory_names": {"mayor": "Ion Mureșan", "secretary": "Ana Pop",
                                                      "architect": "Dan Lazăr"}}))
    pdf = render_pdf(named, MapExtract("<svg/>", 1000, ()), "1/2026", "PROIECT", "http://x/verify/P", True)
    flat = _flat(pdf, tmp_path, "b.pdf")
    assert all(n in flat for n in ("Ion Mureșan", "Ana Pop", "Dan Lazăr")) and "(numele și prenumele)" not in flat
    assert "situat în comuna Valea Verde" in flat


RIGHT_MARGIN_PT = 16 / 25.4 * 72   # base.css @page margin-right: 16 mm


def _words_by_page(pdf: bytes, tmp_path) -> list[tuple[float, list[tuple[float, str]]]]:
    """(page width, [(xMax, word)]) per page, from pdftotext -bbox."""
    import re

    path = tmp_path / "layout.pdf"
    path.write_bytes(pdf)
    html = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True).stdout
    out = []
    for page in html.split("<page ")[1:]:
        width = float(re.search(r'width="([\d.]+)"', page).group(1))
        words = [(float(x), w) for x, w in re.findall(r'<word xMin="[\d.]+" yMin="[\d.]+" xMax="([\d.]+)" '
                                                      r'yMax="[\d.]+">([^<]*)</word>', page)]
        out.append((width, words))
    return out


@needs_poppler
def test_nothing_passes_the_right_margin_and_the_regime_header_stays_with_its_rows(loaded, tmp_path):
    done = draft(loaded, "urbanism", ["51760", "51222"], "locuință", "Popa Ion", choices=ONE_INVESTMENT)
    pages = _words_by_page(done.pdf, tmp_path)
    assert len(pages) >= 2
    for width, words in pages:
        # the map's neighbour labels are clipped by its frame (pdftotext still lists them): 5-digit numbers;
        # the watermark's letters are single characters of PROIECT
        text_words = [(x, w) for x, w in words if not (w.isdigit() and len(w) == 5) and not (len(w) == 1 and w in
                                                                                                   "PROIECT")]
        assert text_words
        worst = max(text_words)
        assert worst[0] <= width - RIGHT_MARGIN_PT + 1, worst
    header = next(i for i, (_, words) in enumerate(pages) if "Pondere" in [w for _, w in words])
    first_row = next(i for i, (_, words) in enumerate(pages) if "(PUG)" in [w for _, w in words])  # "L1a-2 (PUG)"
    capacity = next(i for i, (_, words) in enumerate(pages) if "Amprentă" in [w for _, w in words])
    assert header == first_row and capacity >= header


def test_the_checked_bodies_are_the_published_ones():
    """What the sources confirmed (authorities_ro.yaml cites them): DRDP Cluj's seven counties, DRDP
    Buzău's four (since 30.12.2021), ISU „Unirea” Alba and ISU „Crișana” Bihor."""
    from gis.certificates.authorities import county_bodies

    for county in ("Cluj", "Bistrița-Năsăud", "Bihor", "Maramureș", "Alba", "Satu Mare", "Sălaj"):
        assert county_bodies(county)["drdp"] == "DRDP Cluj", county
    for county in ("Buzău", "Brăila", "Galați", "Vrancea"):
        assert county_bodies(county)["drdp"] == "DRDP Buzău", county
    assert county_bodies("Alba")["isu"] == "ISU „Unirea” al județului Alba"
    assert county_bodies("Bihor")["isu"] == "ISU „Crișana” al județului Bihor"

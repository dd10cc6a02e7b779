"""A certificate kind is one registered object (gis.certificates.kinds): a third kind registered
here, with its own module-level class and a trivial template, appears in the API, the CLI, the
OGC processes and the OpenAPI document without a line changed in any of them; it is taken out
again at the end so the other tests see the two shipped kinds only."""

from __future__ import annotations

import subprocess

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from gis.certificates.kinds import CertificateKind, all_kinds, get_kind, names, register, unregister

TEMPLATE = """<!DOCTYPE html>
<html lang="ro"><head><meta charset="utf-8"><title>Certificat de informare {{ number_label }}</title>
<style>{{ css | safe }}</style></head>
<body class="{{ 'draft' if draft else '' }}">
{% include "_letterhead.html" %}
<h1>CERTIFICAT DE INFORMARE</h1>
<p class="number">Nr. {{ number_label }}</p>
{% for p in facts.parcels %}
<p>Imobilul {{ p.cadastral_number }}: {{ fmt(p.reference_area) }} m², {{ category(p.use_category) }}</p>
{% endfor %}
<p>Taxa: {{ money(facts.fee.amount_lei) }} lei ({{ facts.fee.basis }})</p>
</body></html>
"""


class Information(CertificateKind):
    """Certificat de informare: the parcels' area and land use, nothing else; free."""
    name = "informare"
    title = {"ro": "Certificat de informare", "en": "Information certificate"}
    summary = "information"
    process_id = "information-certificate"
    process_title = {"ro": "Certificat de informare", "en": "Information certificate"}
    purpose_required = False
    default_purpose = "informare"
    cli_help = "Certificat de informare (suprafață și categorie de folosință)."
    request_fields = {"note": {"type": "string", "maxLength": 200, "description": "a note for the registry"}}


@pytest.fixture
def informare(tmp_path):
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "informare.html").write_text(TEMPLATE, encoding="utf-8")
    Information.templates = folder
    kind = register(Information)
    try:
        yield kind
    finally:
        unregister(kind.name)


@pytest.fixture(scope="module")
def number(engine):
    with engine.connect() as c:
        return c.execute(text("SELECT cadastral_number FROM public_api.parcel WHERE intravilan "
                              "ORDER BY cadastral_number LIMIT 1")).scalar_one()


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "c.pdf"
    path.write_bytes(pdf)
    return " ".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())


def test_the_shipped_kinds_are_registered_in_order():
    assert names() == ["urbanism", "nomenclature"]
    assert get_kind("nomenclatura").name == "nomenclature" and get_kind("bogus") is None
    with pytest.raises(ValueError):
        register(get_kind("urbanism").__class__)


def test_a_third_kind_is_filed_by_the_api_and_its_pdf_uses_its_template(informare, client, number, tmp_path):
    bad = client.post("/api/certificates", json={"type": "bogus", "parcels": [number], "purpose": "informare",
                                                 "applicant_name": "Ion Popa"})
    assert bad.status_code == 400
    assert "'urbanism', 'nomenclature', 'informare'" in bad.get_json()["message"]
    r = client.post("/api/certificates", json={"type": "informare", "parcels": [number], "purpose": "informare",
                                               "applicant_name": "Ion Popa"})
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert body["type"] == "informare" and body["fee"] == "0.00" and body["status"] == "received"
    status = client.get(f"/api/certificates/{body['id']}?token={body['token']}").get_json()
    assert status["type"] == "informare"
    pdf = client.get(f"/api/certificates/{body['id']}.pdf?token={body['token']}")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    flat = pdf_text(pdf.data, tmp_path)
    assert "CERTIFICAT DE INFORMARE" in flat and f"Imobilul {number}" in flat and "PROIECT" in flat


def test_a_third_kind_is_in_the_openapi_document(informare, client):
    doc = client.get("/api/openapi.json").get_json()
    post = doc["paths"]["/api/certificates"]["post"]
    schema = post["requestBody"]["content"]["application/json"]["schema"]
    assert schema["properties"]["type"]["enum"] == ["urbanism", "nomenclature", "informare"]
    assert "note" in schema["properties"] and "information" in post["summary"]
    own = doc["components"]["schemas"]["CertificateRequest_informare"]
    assert own["properties"]["type"]["enum"] == ["informare"] and "purpose" not in own["required"]


def test_a_third_kind_is_a_cli_command(informare, loaded, number, tmp_path, monkeypatch):
    from api.cli import certificates, main

    monkeypatch.setattr(certificates, "_settings", lambda: loaded)
    listing = CliRunner().invoke(main, ["certificate", "--help"])
    assert listing.exit_code == 0 and "informare" in listing.output and "urbanism" in listing.output
    out = tmp_path / "informare.pdf"
    done = CliRunner().invoke(main, ["certificate", "informare", "--parcel", number, "--draft", "-o", str(out)])
    assert done.exit_code == 0, done.output
    assert "draft (PROIECT)" in done.output and "fee 0.00 lei" in done.output
    assert "CERTIFICAT DE INFORMARE" in pdf_text(out.read_bytes(), tmp_path)


def test_a_third_kind_is_an_ogc_process(informare, loaded, number):
    from api import create_app
    from gis.apikeys import create_key
    from gis.db import session_scope
    from layers.ogc_config import pygeoapi_config, restricted_grants
    from layers.processes import PROCESSES

    assert PROCESSES["information-certificate"] == "informare"
    assert "information-certificate" in pygeoapi_config(loaded, restricted=True)["resources"]
    assert "information-certificate" in restricted_grants()
    with session_scope(loaded, actor="test") as s:
        key = create_key(s, "Agenția de test", ["information-certificate"])[1]
    app = create_app(loaded)
    app.testing = True
    client = app.test_client()
    listed = client.get("/ogc/processes?f=json", headers={"X-API-Key": key}).get_json()
    assert "information-certificate" in {p["id"] for p in listed["processes"]}
    described = client.get("/ogc/processes/information-certificate?f=json", headers={"X-API-Key": key}).get_json()
    assert described["inputs"]["purpose"]["minOccurs"] == 0 and "note" in described["inputs"]
    r = client.post("/ogc/processes/information-certificate/execution", json={"inputs": {"parcels": [number]}},
                    headers={"X-API-Key": key})
    assert r.status_code == 200, r.get_data(as_text=True)
    facts = r.get_json()["value"]
    assert facts["kind"] == "informare" and facts["purpose"] == "informare"
    assert facts["parcels"][0]["cadastral_number"] == number


def test_a_third_kind_is_in_the_public_map_s_configuration(informare, client):
    page = client.get("/").get_data(as_text=True)
    assert '"certificate_kinds"' in page and '"informare"' in page and "Certificat de informare" in page


def test_the_third_kind_is_gone_after_its_tests(client):
    assert "informare" not in all_kinds()
    doc = client.get("/api/openapi.json").get_json()
    assert "CertificateRequest_informare" not in doc["components"]["schemas"]

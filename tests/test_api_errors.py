"""Issue 21 (Languages): every /api error has one shape, {status, code, message, error}, with a catalogue
code and the message in the request's language: Romanian unless asked, English with Accept-Language: en,
Hungarian with ?lang=hu (api/errors.py)."""

from __future__ import annotations

import ast
import re
from itertools import count
from pathlib import Path

import pytest
from sqlalchemy import text

from gis.texts import entries

ROOT = Path(__file__).resolve().parent.parent
ADDRESSES = count(1)  # each request from its own address: no rate limit or filing quota is shared


def _filing(**fields):
    return {"type": "urbanism", "parcels": ["50123"], "applicant_name": "Ion Pop", "purpose": "construire casă",
            **fields}


# (who, method, url, json body, status, code, a word of the message in ro / en / hu)
CASES = [
    (None, "GET", "/api/parcels/at?lon=abc&lat=46", None, 400, "param.number", ("număr", "number", "szám")),
    (None, "GET", "/api/parcels/at?lon=200&lat=46", None, 400, "param.lon_lat_range",
     ("intervalul", "within", "között")),
    (None, "GET", "/api/parcels/at?lat=46", None, 400, "param.required", ("obligatoriu", "required", "kötelező")),
    (None, "GET", "/api/parcels/999999999", None, 404, "parcel.not_found_number",
     ("nicio parcelă", "no current parcel", "parcella")),
    (None, "GET", "/api/parcels/123?uat=abc", None, 400, "usage.uat", ("cifre", "digits", "SIRUTA")),
    (None, "GET", "/api/search?q=morii&limit=x", None, 400, "param.whole_number",
     ("număr întreg", "whole number", "egész szám")),
    (None, "GET", "/api/search?q=" + "a" * 300, None, 400, "search.too_long",
     ("caractere", "characters", "karakter")),
    (None, "GET", "/api/export/nope.csv", None, 404, "export.no_collection",
     ("colecția publică", "public collection", "nyilvános gyűjtemény")),
    (None, "GET", "/api/styles/nope.sld", None, 404, "styles.no_layer", ("stratul", "layer", "réteg")),
    (None, "GET", "/api/nowhere", None, 404, "http.404", ("nimic", "nothing", "nincs semmi")),
    (None, "POST", "/api/certificates", {"type": "nope"}, 400, "certificates.type",
     ("unul dintre", "one of", "egyike")),
    (None, "POST", "/api/certificates", _filing(parcels=[]), 400, "certificates.parcels",
     ("numere cadastrale", "cadastral numbers", "helyrajzi")),
    (None, "POST", "/api/certificates", _filing(applicant_name="I"), 400, "certificates.applicant_name",
     ("solicitantului", "required", "kérelmező")),
    (None, "POST", "/api/certificates", _filing(parcels=["abc!"]), 400, "certificate.bad_number",
     ("nu este un număr cadastral", "not a cadastral number", "nem")),  # a CertificateError refusal
    (None, "GET", "/api/office/discrepancies?uat=1", None, 401, "auth.sign_in_first",
     ("autentificați-vă", "sign in", "jelentkezzen")),
    ("surveyor", "GET", "/api/office/parcels/1/fiscal", None, 403, "auth.personal_data",
     ("Rolul", "Your role", "szerepköre")),
    ("officer", "GET", "/api/office/discrepancies?uat=abc", None, 400, "param.whole_number",
     ("număr întreg", "whole number", "egész szám")),
    ("officer", "GET", "/api/office/parcels/999999999/fiscal", None, 404, "parcel.not_found_id",
     ("nicio parcelă", "no current parcel", "parcella")),
    ("officer", "POST", "/api/office/topology", {"area": 1}, 400, "body.json_fields",
     ("trimiteți", "send", "küldje")),
    ("officer", "POST", "/api/office/coordinates", {"uat": "UAT", "text": "1 2\nabc\n3 4"}, 422,
     "coordinates.no_pair", ("linia 2", "line 2", "2. sorban")),  # gis.coordinates' CoordinateError
    ("officer", "POST", "/api/office/measure", {"geometry": {"type": "Point", "coordinates": [1, 2]}}, 400,
     "editing.measure", ("măsoară", "measure", "mérhető")),
    ("officer", "GET", "/api/office/parcels/near?uat=1&lon=1&lat=1&bbox=a", None, 400, "param.bbox",
     ("grade", "degrees", "fokban")),
    ("officer", "POST", "/api/certificates/999999999/payment", [], 400, "body.json_fields",
     ("trimiteți", "send", "küldje")),
]


@pytest.fixture(scope="module")
def ask(app, staff_client, engine):
    with engine.connect() as c:
        uat = c.execute(text("SELECT siruta FROM territory.uat ORDER BY siruta LIMIT 1")).scalar_one()
    clients = {None: (app.test_client(), {})}
    for role in ("surveyor", "officer"):
        clients[role] = staff_client(role, username=f"apierrors.{role}")

    def ask(who, method, url, body, lang):
        client, headers = clients[who]
        headers = dict(headers)
        if lang == "en":
            headers["Accept-Language"] = "en"
        elif lang == "hu":
            url += ("&" if "?" in url else "?") + "lang=hu"
        if isinstance(body, dict) and body.get("uat") == "UAT":
            body = {**body, "uat": uat}
        return client.open(url, method=method, json=body, headers=headers,
                           environ_base={"REMOTE_ADDR": f"10.99.{next(ADDRESSES) // 250}.{next(ADDRESSES) % 250}"})

    return ask


def _words(message: str) -> set[str]:
    return {w for w in re.findall(r"[^\W\d_]{3,}", message.lower())}


def _romanian_vocabulary() -> set[str]:
    """Words of the Romanian texts that no English or Hungarian text of the catalogues uses."""
    ro, other = set(), set()
    for context in ("message", "office", "map", "verify"):
        for langs in entries(context).values():
            ro |= _words(langs.get("ro", ""))
            other |= _words(langs.get("en", "")) | _words(langs.get("hu", ""))
    return ro - other


@pytest.mark.parametrize("who,method,url,body,status,code,words", CASES,
                         ids=[f"{c[5]}:{c[2][:40]}" for c in CASES])
def test_a_bad_request_gets_its_code_and_a_message_in_the_request_language(ask, who, method, url, body, status,
                                                                           code, words):
    said = {}
    for lang, word in zip(("ro", "en", "hu"), words, strict=True):
        r = ask(who, method, url, body, lang)
        got = r.get_json()
        assert r.status_code == status, (lang, r.status_code, got)
        assert set(got) >= {"status", "code", "message", "error"}, got
        assert got["status"] == status and got["code"] == code and isinstance(got["error"], str), got
        assert word in got["message"], (lang, got["message"])
        said[lang] = got["message"]
    assert len(set(said.values())) == 3, said  # three languages, three texts
    romanian = _words(said["ro"]) & _romanian_vocabulary()
    assert romanian, said["ro"]  # the check below is not vacuous
    for lang in ("en", "hu"):
        assert not _words(said[lang]) & romanian, (lang, said[lang], romanian)


CODE_CALL = re.compile(r"""\b(?:message|fail|answer)\(\s*(?:\d{3},\s*)?["']([a-z_]+(?:\.[a-z_0-9]+)+)["']""")
CODED_RAISE = re.compile(r"""(?:message_code=|\braise \w+\((?:f?"[^"]*"\s*)+,\s*)["']([a-z_]+(?:\.[a-z_0-9]+)+)["']""")


def test_every_message_code_the_api_uses_has_romanian_english_and_hungarian_texts():
    catalogue = entries("message")
    used = {}
    for folder in ("api", "gis"):
        for path in (ROOT / folder).rglob("*.py"):
            source = path.read_text(encoding="utf-8")
            for found in (*CODE_CALL.findall(source), *CODED_RAISE.findall(source)):
                used.setdefault(found, path.relative_to(ROOT))
    assert len(used) > 80  # the scan finds the calls
    missing = {code: str(where) for code, where in used.items()
               if not {"ro", "en", "hu"} <= set(catalogue.get(code, {}))}
    assert not missing


REFUSALS = {"CertificateError", "StateConflict", "NotFound", "NotExtendable", "NoSuchCertificate"}


def test_every_certificate_refusal_says_itself_in_english_and_hungarian():
    """A CertificateError's template is an office entry (keyed by its Romanian text) or carries a message code."""
    office, messages = entries("office"), entries("message")
    seen = 0
    for path in (ROOT / "gis" / "certificates").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in REFUSALS
                    and node.args):
                continue
            where = f"{path.name}:{node.lineno}"
            assert isinstance(node.args[0], ast.Constant), f"{where}: a template with its values, not an f-string"
            code = next((k.value.value for k in node.keywords if k.arg == "message_code"), None)
            langs = messages.get(code, {}) if code else office.get(node.args[0].value, {})
            assert {"en", "hu"} <= set(langs), f"{where}: {node.args[0].value!r}"
            seen += 1
    assert seen > 30


def test_the_openapi_document_describes_the_error_shape(client):
    doc = client.get("/api/openapi.json").get_json()
    schema = doc["components"]["schemas"]["Error"]
    assert schema["required"] == ["status", "code", "message", "error"]
    assert schema["properties"]["code"]["type"] == "string"


def test_a_message_value_may_be_called_status(app):
    """fail()'s own arguments are positional: an import's {status} is a value of the message."""
    from werkzeug.exceptions import Conflict

    from api.errors import fail

    with app.test_request_context("/api/imports/1/accept", headers={"Accept-Language": "en"}):
        with pytest.raises(Conflict) as refused:
            fail(409, "imports.decision_state", status="committed")
    assert refused.value.message_code == "imports.decision_state"
    assert refused.value.description == "the import is committed, not waiting for a decision"

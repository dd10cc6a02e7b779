"""/verify/<code>: anyone holding a certificate checks what was issued, and whether a PDF file
is byte for byte the one issued. The applicant's name is shown masked only."""

from __future__ import annotations

import hashlib
import html

from flask import Blueprint, Response, abort, current_app, request

from gis.certificates import lookup, stored_pdf
from gis.db import get_engine
from webmap.simple_page import simple_page

bp = Blueprint("verify", __name__)
KIND_NAMES = {"urbanism": "Certificat de urbanism",
              "nomenclature": "Certificat de nomenclatură stradală și adresă"}
MAX_UPLOAD = 20 * 1024 * 1024


def _page(title: str, body: str, status: int = 200) -> Response:
    return simple_page(title, body, status=status)


@bp.route("/verify/<code>", methods=["GET", "POST"])
def verify(code: str):
    settings = current_app.extensions["teritoriu.settings"]
    if len(code) > 40:
        abort(404)
    with get_engine(settings, "app").connect() as conn:
        found = lookup(conn, code)
        pdf = stored_pdf(conn, code) if found and request.method == "POST" else None
    if found is None:
        return _page("Verificare certificat", "<p>Nu există niciun document emis cu acest cod. "
                     "Verificați codul tipărit sub codul QR.</p>", 404)
    e = html.escape
    rows = [("Document", KIND_NAMES.get(found.kind, found.kind)),
            ("Emitent", f"Primăria {found.uat_name}"),
            ("Număr de înregistrare", f"{found.registry_number}/{found.year}"),
            ("Data emiterii", found.issued_at.strftime("%d.%m.%Y %H:%M")),
            ("Solicitant", found.applicant_masked),
            ("Imobile (nr. cadastral)", ", ".join(found.cadastral_numbers)),
            ("Amprenta SHA-256 a PDF-ului", found.sha256)]
    body = "<dl>" + "".join(f"<dt>{e(k)}</dt><dd>{e(v)}</dd>" for k, v in rows) + "</dl>"
    if request.method == "POST":
        upload = request.files.get("pdf")
        data = upload.read(MAX_UPLOAD + 1) if upload else b""
        if not data or len(data) > MAX_UPLOAD:
            return _page("Verificare certificat", body + "<p class='t-note'>Alegeți fișierul PDF "
                         "(cel mult 20 MB).</p>", 400)
        same = pdf is not None and hashlib.sha256(data).hexdigest() == found.sha256 and data == pdf
        verdict = ("<p class='t-note' data-verdict='genuine'><strong>Fișierul este identic, octet cu "
                   "octet, cu documentul emis.</strong></p>" if same else
                   "<p class='t-note' data-verdict='different'><strong>Fișierul NU este documentul "
                   "emis: a fost modificat sau este alt document.</strong></p>")
        body += verdict
    body += ("<form method='post' enctype='multipart/form-data'><p><label for='pdf'>Verificați un "
             "fișier PDF primit:</label> <input id='pdf' name='pdf' type='file' accept='application/pdf'>"
             " <button class='t-button' type='submit'>Verifică</button></p></form>")
    return _page("Verificare certificat", body)

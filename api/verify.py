"""/verify/<code>: anyone holding a certificate checks what was issued, and whether a PDF file
is byte for byte the one issued. The applicant's name is shown masked only."""

from __future__ import annotations

import hashlib

from flask import Blueprint, Response, abort, current_app, request

from gis.certificates import lookup, stored_pdf
from gis.certificates.kinds import get_kind
from gis.db import get_engine
from webmap.simple_page import render_page

bp = Blueprint("verify", __name__)
MAX_UPLOAD = 20 * 1024 * 1024


def _page(rows: list | None, verdict: str | None = None, status: int = 200) -> Response:
    return render_page("verify.html", status, title="Verificare certificat", rows=rows, verdict=verdict)


@bp.route("/verify/<code>", methods=["GET", "POST"])
def verify(code: str):
    settings = current_app.extensions["teritoriu.settings"]
    if len(code) > 40:
        abort(404)
    with get_engine(settings, "app").connect() as conn:
        found = lookup(conn, code)
        pdf = stored_pdf(conn, code) if found and request.method == "POST" else None
    if found is None:
        return _page(None, status=404)
    kind = get_kind(found.kind)  # the certificate kinds: gis.certificates.kinds
    rows = [("Document", kind.label("ro") if kind else found.kind),
            ("Emitent", f"Primăria {found.uat_name}"),
            ("Număr de înregistrare", f"{found.registry_number}/{found.year}"),
            ("Data emiterii", found.issued_at.strftime("%d.%m.%Y %H:%M")),
            ("Solicitant", found.applicant_masked),
            ("Imobile (nr. cadastral)", ", ".join(found.cadastral_numbers)),
            ("Amprenta SHA-256 a PDF-ului", found.sha256)]
    if request.method != "POST":
        return _page(rows)
    upload = request.files.get("pdf")
    data = upload.read(MAX_UPLOAD + 1) if upload else b""
    if not data or len(data) > MAX_UPLOAD:
        return _page(rows, "missing", 400)
    same = pdf is not None and hashlib.sha256(data).hexdigest() == found.sha256 and data == pdf
    return _page(rows, "genuine" if same else "different")

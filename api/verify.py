"""/verify/<code>: anyone holding a certificate checks what was issued, and whether a PDF file
is byte for byte the one issued. The applicant's name is shown masked only."""

from __future__ import annotations

import hashlib

from flask import Blueprint, Response, abort, current_app, request

from api.bodies import KB, UPLOAD, body_limit
from api.messages import request_language, verify_texts
from api.ratelimit import verify_quota
from gis.certificates import lookup, stored_pdf
from gis.certificates.extension import extension_of
from gis.certificates.kinds import get_kind
from gis.db import get_engine
from gis.texts import date, moment
from webmap.simple_page import render_page

bp = Blueprint("verify", __name__)
MAX_UPLOAD = 20 * 1024 * 1024


def _page(rows: list | None, verdict: str | None = None, status: int = 200, void: dict | None = None) -> Response:
    """`void`: the date and reason of a cancelled document (ANULAT), said above the facts and in
    the verdict on an uploaded copy; every text in the page's language (api/messages.py)."""
    lang = request_language()
    texts = verify_texts(lang)
    if verdict == "genuine" and void:
        verdict = "cancelled"  # the very document issued, but void
    verdict_text = {"genuine": texts["genuine"], "different": texts["different"],
                    "cancelled": texts["genuine_cancelled"].format(**void) if void else ""}.get(verdict or "")
    return render_page("verify.html", status, title=texts["title"], rows=rows, verdict=verdict, lang=lang,
                       texts=texts, verdict_text=verdict_text,
                       void_note=texts["cancelled_note"].format(**void) if void else None)


@bp.route("/verify/<code>", methods=["GET", "POST"])
@body_limit(MAX_UPLOAD + 64 * KB, *UPLOAD)  # the PDF and the form around it, refused before it is read
def verify(code: str):
    verify_quota()  # lookups per client address, for every worker (api.ratelimit): 429 beyond
    settings = current_app.extensions["teritoriu.settings"]
    if len(code) > 40:
        abort(404)
    with get_engine(settings, "app").connect() as conn:
        found = lookup(conn, code)
        pdf = stored_pdf(conn, code) if found and request.method == "POST" else None
        extended = extension_of(conn, code) if found else None  # the original stamped "prelungit până la …"
    if found is None:
        return _page(None, status=404)
    kind = get_kind(found.kind)  # the certificate kinds: gis.certificates.kinds
    lang = request_language()
    texts = verify_texts(lang)
    void = None  # a cancelled document: ANULAT, since when and why
    if found.cancelled:
        when = moment(found.cancelled_at, lang)
        void = {"date": when, "reason": found.cancel_reason or "—"}
    rows = [(texts["document"], kind.label(lang) if kind else found.kind),
            (texts["issuer"], texts["issuer_value"].format(uat=found.uat_name)),
            (texts["number"], f"{found.registry_number}/{found.year}"),
            (texts["issued_at"], moment(found.issued_at, lang)),
            (texts["applicant"], found.applicant_masked),
            (texts["parcels"], ", ".join(found.cadastral_numbers)),
            (texts["sha256"], found.sha256),
            (texts["status"], texts["cancelled"].format(**void) if void else texts["valid"])]
    if extended:
        rows.append((texts["extended"], texts["extended_value"].format(
            until=date(extended[0], lang), reference=extended[1], sha=extended[2])))
    if request.method != "POST":
        return _page(rows, void=void)
    upload = request.files.get("pdf")
    data = upload.read(MAX_UPLOAD + 1) if upload else b""
    if not data or len(data) > MAX_UPLOAD:
        return _page(rows, "missing", 400, void=void)
    digest = hashlib.sha256(data).hexdigest()
    same = (pdf is not None and digest == found.sha256 and data == pdf) or bool(extended and digest == extended[2])
    return _page(rows, "genuine" if same else "different", void=void)

"""/cereri/noua: the citizen's request form behind the public map's buttons, and
/cereri/<id>?token=…: the request's status page (registry number, status, fee, draft/PDF)."""

from __future__ import annotations

import hmac
import secrets

from flask import Blueprint, Response, redirect, request, session, url_for

from api.bodies import FORM, HTML_FORM, body_limit
from api.certificates import _owned, create, validated_request
from api.staff import scope_by_uat
from gis.certificates.kinds import get_kind
from gis.request_states import ISSUED, LABELS
from gis.texts import number
from webmap.i18n import pick_language, t, tr
from webmap.simple_page import render_page

bp = Blueprint("requests_page", __name__)
scope_by_uat(bp)  # a signed-in account of other UATs: another UAT's request is a 404 (api.staff)
STATUS = LABELS  # the request states: gis/request_states.py


def _csrf() -> str:
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(24)
    return session["csrf"]


@bp.get("/cereri/noua")
def new_request():
    lang = pick_language(request.args.get("lang") or request.cookies.get("lang"))
    kind = request.args.get("tip", "urbanism")
    parcel = request.args.get("parcela", "")[:60]
    return _form(lang, kind, {"parcels": parcel})


def _form(lang: str, kind: str, values: dict, error: str = "", status: int = 200) -> Response:
    values = {k: str(values.get(k, "")) for k in ("parcels", "applicant_name", "applicant_email", "purpose")}
    chosen = get_kind(kind) or get_kind("urbanism")  # the certificate kinds: gis.certificates.kinds
    title = t(chosen.request_text, lang) if chosen.request_text else chosen.label(lang)
    return render_page("request_form.html", status, title=title, lang=lang,
                       error=error, csrf=_csrf(), values=values, kind=chosen.name,
                       labels={key.removeprefix("request."): t(key, lang) for key in (
                           "cadastral_number", "back_to_map", "request.name", "request.email", "request.purpose",
                           "request.submit", "request.privacy")})


@bp.post("/cereri/noua")
@body_limit(FORM, *HTML_FORM)
def submit():
    lang = pick_language(request.args.get("lang") or request.cookies.get("lang"))
    form = request.form
    kind = str(form.get("type", "urbanism"))
    if not hmac.compare_digest(form.get("csrf", "").encode(), session.get("csrf", "-").encode()):
        return _form(lang, kind, form, t("request.session_expired", lang), 400)
    try:
        info = create(validated_request(dict(form), form=True), "public:request-form")
    except Exception as exc:  # a 4xx from validation or the rules: show it in the form
        description = getattr(exc, "description", None)
        if description is None:
            raise
        response = _form(lang, kind, form, description, getattr(exc, "code", 400))
        if getattr(exc, "retry_after", None):  # too many filings (api.ratelimit.filing_quota)
            response.headers["Retry-After"] = str(exc.retry_after)
        return response
    return redirect(url_for("requests_page.status", request_id=info.id, token=info.access_token,
                            lang=lang), 303)


@bp.get("/cereri/<int:request_id>")
def status(request_id: int):
    lang = pick_language(request.args.get("lang") or request.cookies.get("lang"))
    reader = _owned(request_id)  # the applicant (token) or an officer of its UAT (session); else 404
    info = reader.info
    # the token is the applicant's: it goes back only into the applicant's own page, never a staff one
    pdf = (url_for("certificates.pdf", request_id=info.id, token=info.access_token) if reader.applicant
           else url_for("certificates.pdf", request_id=info.id))
    fee = t("request.fee_value", lang).format(amount=number(info.fee, lang, 2)) if info.fee is not None else "—"
    rows = [(t("request.number", lang), info.number_label),
            (t("request.state", lang), tr(STATUS.get(info.status, info.status), lang)),
            (t("request.parcels", lang), ", ".join(info.cadastral_numbers)), (t("request.purpose", lang), info.purpose),
            (t("request.fee", lang), fee)]
    cancel = t("request.cancel_reason", lang).format(reason=info.cancel_reason or "")
    return render_page("request_status.html", private=True,
                       title=t("request.status_title", lang).format(number=info.number_label), lang=lang, rows=rows,
                       pdf=pdf, issued=info.status in ISSUED,
                       cancel_note=cancel if info.status == "cancelled" else None,
                       labels={key.removeprefix("request."): t(key, lang) for key in (
                           "request.download", "request.view_draft", "request.keep_page")})

"""/cereri/noua: the citizen's request form behind the public map's buttons, and
/cereri/<id>?token=…: the request's status page (registry number, status, fee, draft/PDF)."""

from __future__ import annotations

import hmac
import secrets

from flask import Blueprint, Response, abort, current_app, redirect, request, session, url_for

from api.bodies import FORM, HTML_FORM, body_limit
from api.certificates import _owned, create, validated_request
from api.staff import scope_by_uat
from gis.certificates.kinds import get_kind
from gis.certificates.workflow import get_request
from gis.db import get_engine
from gis.payment import TreasuryError, grouped, treasury_of
from gis.request_states import ISSUED, LABELS
from gis.texts import number
from webmap.i18n import pick_language, t, texts, tr
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
    order = url_for("requests_page.payment_order", request_id=info.id, lang=lang,
                    **({"token": info.access_token} if reader.applicant else {}))
    return render_page("request_status.html", private=True,
                       title=t("request.status_title", lang).format(number=info.number_label), lang=lang, rows=rows,
                       tx=texts(lang), awaiting=not info.registered and info.status != "cancelled",
                       pay=payment_instructions(info, lang, order), pdf=pdf, issued=info.status in ISSUED,
                       cancel_note=cancel if info.status == "cancelled" else None,
                       labels={key.removeprefix("request."): t(key, lang) for key in (
                           "request.download", "request.view_draft", "request.keep_page")})


@bp.get("/cereri/<int:request_id>/ordin-de-plata")
def payment_order(request_id: int):
    """The payment order to print: only for a registered request with a fee still to pay and a
    treasury account configured (else a 404 that says why)."""
    lang = pick_language(request.args.get("lang") or request.cookies.get("lang"))
    reader = _owned(request_id)
    info = reader.info
    pay = payment_instructions(info, lang, "")
    if not pay or pay["paid"] or not pay["treasury"]:
        abort(404, description=t("pay_not_configured", lang) if pay and not pay["paid"] else t("pay_paid", lang)
              if pay else t("awaiting_confirmation", lang))
    status_url = url_for("requests_page.status", request_id=info.id, lang=lang,
                         **({"token": info.access_token} if reader.applicant else {}))
    return render_page("payment_order.html", private=True, lang=lang, tx=texts(lang),
                       title=f"{t('pay_order_title', lang)} · {info.number_label}", pay=pay,
                       payer=info.applicant_name, status_url=status_url)


@bp.route("/cereri/<int:request_id>/confirmare", methods=["GET", "POST"])
@body_limit(FORM, *HTML_FORM)
def confirm_request(request_id: int):
    """The e-mailed link (GET) asks; the form (POST, the token in its body) confirms: the request is
    registered (gis.certificates.confirmation). An unknown or used token is a 404, an expired one a 410."""
    from gis.certificates.confirmation import ConfirmationError, confirm, problem

    lang = pick_language(request.args.get("lang") or request.cookies.get("lang"))
    code = ((request.form.get("cod") if request.method == "POST" else request.args.get("cod")) or "")[:100]
    page = {"title": t("confirm_title", lang), "lang": lang, "tx": texts(lang), "request_id": request_id,
            "code": code}
    refused = {"expired": ("confirm_expired", 410), "unknown": ("confirm_unknown", 404)}
    if request.method == "GET":
        found = problem(_settings(), request_id, code)
        if found is None:
            return render_page("request_confirm.html", private=True, **page)
        return render_page("request_confirm.html", refused[found][1], private=True, problem=t(refused[found][0], lang),
                           **page)
    try:
        number, year = confirm(_settings(), request_id, code)
    except ConfirmationError as exc:
        key, status = refused["expired" if exc.expired else "unknown"]
        return render_page("request_confirm.html", status, private=True, problem=t(key, lang), **page)
    with get_engine(_settings(), "app").connect() as conn:
        token = get_request(conn, request_id).access_token
    return render_page("request_confirm.html", private=True, done=t("confirm_done", lang).format(
        number=f"{number}/{year}"), status_url=url_for("requests_page.status", request_id=request_id, token=token,
                                                       lang=lang), **page)


def _settings():
    return current_app.extensions["teritoriu.settings"]


def payment_instructions(info, lang: str, order_url: str) -> dict | None:
    """How to pay a registered request's fee (None: not registered, or no fee): the UAT's treasury
    account (None when it has none, or a wrong one: then the page says to pay at the cash desk)."""
    if not info.registered or not info.fee or info.status == "cancelled":
        return None
    if info.payment is not None:
        return {"paid": True}
    with get_engine(_settings(), "app").connect() as conn:
        try:
            treasury = treasury_of(conn, info.uat_siruta)
        except TreasuryError as exc:  # stored around `teritoriu uat treasury`: never print a wrong account
            current_app.logger.error("UAT %s: %s", info.uat_siruta, exc)
            treasury = None
    return {"paid": False, "treasury": treasury, "iban": grouped(treasury.iban) if treasury else "",
            "amount": number(info.fee, lang, 2),  # in the page's locale, as the status rows
            "reference": t("pay_reference_value", lang).format(number=info.number_label),
            "order_url": order_url}

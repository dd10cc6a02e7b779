"""/cereri/noua: the citizen's request form behind the public map's buttons, and
/cereri/<id>?token=…: the request's status page (registry number, status, fee, draft/PDF)."""

from __future__ import annotations

import hmac
import html
import secrets

from flask import Blueprint, Response, redirect, request, session, url_for

from api.certificates import _owned, create, validated_request
from webmap.i18n import pick_language, t
from webmap.simple_page import simple_page

bp = Blueprint("requests_page", __name__)
KINDS = {"urbanism": "request_cu", "nomenclatura": "request_cns", "nomenclature": "request_cns"}
STATUS = {"received": "înregistrată", "draft": "în lucru (proiect)", "review": "în verificare",
          "issued": "emis", "downloaded": "emis și descărcat", "cancelled": "anulată"}


def _page(title: str, body: str, lang: str, status: int = 200) -> Response:
    return simple_page(title, body, lang, status)


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
    e = html.escape
    label = t(KINDS.get(kind, "request_cu"), lang)
    v = {k: e(str(values.get(k, ""))) for k in ("parcels", "applicant_name", "applicant_email", "purpose")}
    body = (f"{'<p class=t-note role=alert>' + e(error) + '</p>' if error else ''}"
            f'<form method="post" action="/cereri/noua?lang={lang}">'
            f'<input type="hidden" name="csrf" value="{_csrf()}">'
            f'<input type="hidden" name="type" value="{e("nomenclature" if KINDS.get(kind) == "request_cns" else "urbanism")}">'
            f'<p><label for="parcels">{e(t("cadastral_number", lang))}</label><br>'
            f'<input id="parcels" name="parcels" required value="{v["parcels"]}"></p>'
            f'<p><label for="applicant_name">Nume și prenume / denumire</label><br>'
            f'<input id="applicant_name" name="applicant_name" required autocomplete="name" value="{v["applicant_name"]}"></p>'
            f'<p><label for="applicant_email">E-mail</label><br>'
            f'<input id="applicant_email" name="applicant_email" type="email" autocomplete="email" value="{v["applicant_email"]}"></p>'
            f'<p><label for="purpose">În scopul</label><br>'
            f'<textarea id="purpose" name="purpose" required rows="3">{v["purpose"]}</textarea></p>'
            f'<p><button class="t-button" type="submit">Trimite cererea</button> '
            f'<a class="t-link" href="/?lang={lang}">{e(t("back_to_map", lang))}</a></p></form>'
            '<p class="small">Datele personale sunt folosite numai pentru soluționarea cererii.</p>')
    return _page(label, body, lang, status)


@bp.post("/cereri/noua")
def submit():
    lang = pick_language(request.args.get("lang") or request.cookies.get("lang"))
    form = request.form
    kind = "nomenclatura" if form.get("type") == "nomenclature" else "urbanism"
    if not hmac.compare_digest(form.get("csrf", "").encode(), session.get("csrf", "-").encode()):
        return _form(lang, kind, form, "Sesiunea a expirat; trimiteți din nou formularul.", 400)
    try:
        info = create(validated_request(dict(form)), "public:request-form")
    except Exception as exc:  # a 4xx from validation or the rules: show it in the form
        description = getattr(exc, "description", None)
        if description is None:
            raise
        return _form(lang, kind, form, description, getattr(exc, "code", 400))
    return redirect(url_for("requests_page.status", request_id=info.id, token=info.access_token,
                            lang=lang), 303)


@bp.get("/cereri/<int:request_id>")
def status(request_id: int):
    lang = pick_language(request.args.get("lang") or request.cookies.get("lang"))
    info = _owned(request_id)
    e = html.escape
    pdf = f"/api/certificates/{info.id}.pdf?token={e(info.access_token)}"
    rows = [("Număr de înregistrare", info.number_label), ("Starea", STATUS.get(info.status, info.status)),
            ("Imobile", ", ".join(info.cadastral_numbers)), ("În scopul", info.purpose),
            ("Taxa", f"{info.fee} lei" if info.fee is not None else "—")]
    body = ("<dl>" + "".join(f"<dt>{e(k)}</dt><dd>{e(str(val))}</dd>" for k, val in rows) + "</dl>"
            f'<p><a class="t-button" href="{pdf}">'
            f'{"Descarcă certificatul" if info.status in ("issued", "downloaded") else "Vezi proiectul (PROIECT)"}'
            f'</a></p><p class="small">Păstrați această pagină (adresa ei) pentru a urmări cererea.</p>')
    if info.status == "cancelled":
        body += f"<p class='t-note'>Motivul anulării: {e(info.cancel_reason or '')}</p>"
    return _page(f"Cererea nr. {info.number_label}", body, lang)

"""/office/requests: the request desk. The list, each request's page (its draft, its payment,
the officer's actions, and once issued its registry number, verification code and signed PDF),
and the actions themselves. Issuing is confirmed on the request's page (a required tick box; a
second one when no payment is recorded), so it never happens from a stray click in the list."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, request, url_for
from sqlalchemy import text

from api import messages
from api.staff import csrf_token, current_user, requires, scope_by_uat, staff_actor, uat_filter_sql
from gis.certificates.rules import CertificateError
from gis.certificates.workflow import (
    RequestNotFound,
    UnpaidNeedsConfirmation,
    cancel,
    get_request,
    issue_request,
    record_payment,
    send_to_review,
    start_draft,
    unpaid_policy,
)
from gis.db import get_engine
from gis.payment import CHANNEL_LABELS
from gis.request_states import CLOSED, ISSUED, LABELS, allows
from gis.roles import EDITORS, reads_requests
from webmap.simple_page import render_page

bp = Blueprint("desk", __name__, url_prefix="/office/requests")
scope_by_uat(bp)  # another UAT's request is a 404 (api.staff)

# the officer's actions as the desk names them (verbs; the states are gis.request_states.LABELS)
ACTION_LABELS = {"draft": "Începe proiectul", "review": "Trimite la verificare", "issue": "Emite…",
                 "cancel": "Anulează"}


def _settings():
    return current_app.extensions["teritoriu.settings"]


def request_rows() -> list[dict]:
    """The newest 200 requests of the user's UATs, for the desk's list (none for a surveyor)."""
    scope, params = uat_filter_sql("r.uat_siruta")
    if not reads_requests(current_user()["role"]):  # surveyors: no certificate requests (gis.roles)
        return []
    with get_engine(_settings(), "app").connect() as conn:
        rows = conn.execute(text(f"""
            SELECT r.id, r.registry_number || '/' || r.year, r.kind, r.applicant_name, r.status, r.fee,
                   array_to_string(ARRAY(SELECT p.cadastral_number FROM registry.request_parcel rp
                     JOIN cadastre.parcel p ON p.id = rp.parcel_id WHERE rp.request_id = r.id), ', '),
                   r.paid_receipt IS NOT NULL OR coalesce(r.fee, 0) = 0
            FROM registry.request r WHERE {scope} AND r.registry_number IS NOT NULL  -- confirmed (registered) only
            ORDER BY r.year DESC, r.registry_number DESC LIMIT 200"""), params).all()  # noqa: S608 (uat_filter_sql)
    return [{"id": r[0], "number": r[1], "kind": r[2], "applicant": r[3], "status": r[4],
             "status_label": LABELS.get(r[4], r[4]), "fee": r[5], "parcels": r[6], "paid": r[7],
             "draft": r[4] not in CLOSED, "document": r[4] in ISSUED,
             "actions": [(a, ACTION_LABELS[a]) for a in ("draft", "review") if allows(r[4], a)],
             "issuable": allows(r[4], "issue")} for r in rows]


def _info(request_id: int):
    with get_engine(_settings(), "app").connect() as conn:
        try:
            info = get_request(conn, request_id)
        except RequestNotFound:
            abort(404, description=messages.message("request.not_found", id=request_id))
        return info, unpaid_policy(conn, info.uat_siruta)


@bp.get("/<int:request_id>")
@requires(*EDITORS)
def page(request_id: int, error: str = "", status: int = 200, form: dict | None = None):
    from gis.certificates.kinds import get_kind
    from gis.certificates.render import money

    info, policy = _info(request_id)
    paid = info.payment is not None or not info.fee
    kind = get_kind(info.kind)
    return render_page("office_request.html", status, private=True, title=f"Cererea nr. {info.number_label}",
                       user=current_user(), csrf=csrf_token(), info=info, state=LABELS.get(info.status, info.status),
                       draft=info.status not in CLOSED, issued=info.status in ISSUED, paid=paid, policy=policy,
                       actions=[(a, ACTION_LABELS[a]) for a in ("draft", "review") if allows(info.status, a)],
                       issuable=allows(info.status, "issue"), cancellable=allows(info.status, "cancel"),
                       kind=kind.label("ro") if kind else info.kind, money=money, channels=CHANNEL_LABELS,
                       error=error, form=form or {}, verify=url_for("verify.verify", code=info.verification_code)
                       if info.verification_code else None)


def act(request_id: int, action: str, reason: str = "", unpaid_confirmed: bool = False):
    """An officer's action on a request: 404 unknown, 409 not allowed in its state (or an
    unpaid request issued without the officer's confirmation)."""
    settings = _settings()
    actor = staff_actor()
    try:
        if action == "draft":  # the officer's explicit action: viewing the draft changes nothing
            return start_draft(settings, request_id, actor)
        if action == "review":
            return send_to_review(settings, request_id, actor)
        if action == "issue":
            return issue_request(settings, request_id, actor, unpaid_confirmed)[0]
        return cancel(settings, request_id, reason, actor)
    except RequestNotFound:
        abort(404, description=messages.message("request.not_found", id=request_id))
    except UnpaidNeedsConfirmation as exc:
        abort(409, description=str(exc))
    except CertificateError as exc:
        abort(400 if "reason" in str(exc) else 409, description=str(exc))


@bp.post("/<int:request_id>/<any(review, cancel, draft):action>")
@requires(*EDITORS)
def action(request_id: int, action: str):
    try:
        act(request_id, action, request.form.get("reason", ""))
    except Exception as exc:  # a 4xx: shown on the request's page
        if getattr(exc, "code", None) in (400, 409):
            return page(request_id, exc.description, exc.code)
        raise
    return redirect(url_for("desk.page", request_id=request_id), 303)


@bp.post("/<int:request_id>/issue")
@requires(*EDITORS)
def issue(request_id: int):
    """Issue after the officer ticked "confirm" (and "without payment" when none is recorded)."""
    if request.form.get("confirm") != "1":
        return page(request_id, "Bifați confirmarea emiterii: documentul emis nu se mai poate modifica.", 400)
    try:
        act(request_id, "issue", unpaid_confirmed=request.form.get("unpaid") == "1")
    except Exception as exc:
        if getattr(exc, "code", None) in (400, 409):
            return page(request_id, exc.description, exc.code)
        raise
    return redirect(url_for("desk.page", request_id=request_id), 303)


@bp.post("/<int:request_id>/payment")
@requires(*EDITORS)
def payment(request_id: int):
    """The fee as paid: amount, receipt number and date (printed on the certificate), and the channel."""
    form = {k: request.form.get(k, "")[:60] for k in ("amount", "receipt", "paid_on", "channel")}
    actor = staff_actor()
    try:
        record_payment(_settings(), request_id, form["amount"], form["receipt"], form["paid_on"], actor,
                       form["channel"] or "counter")
    except RequestNotFound:
        abort(404, description=messages.message("request.not_found", id=request_id))
    except CertificateError as exc:
        return page(request_id, str(exc), 400, form)
    return redirect(url_for("desk.page", request_id=request_id), 303)

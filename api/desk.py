"""/office/requests: the request desk. The list, each request's page (its draft, its payment,
the officer's actions, and once issued its registry number, verification code and signed PDF),
and the actions themselves. Issuing is confirmed on the request's page (a required tick box; a
second one when no payment is recorded), so it never happens from a stray click in the list.
The page also holds the forms for what the rules let the officer decide (issue 19): the approvals
chosen from the county's list (approval_choice), the verdict on the declared purpose with its
reason (purpose_override) and, once issued, the extension (extension). A refusal's HTTP status is
the rule's own (CertificateError.status: 400 input, 409 state, 404 unknown); its text is shown on
the page in the officer's language (webmap.i18n.tr of the rule's Romanian template)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, request, url_for
from sqlalchemy import text

from api import messages
from api.refusals import refuse, said
from api.staff import current_user, requires, scope_by_uat, staff_actor, uat_filter_sql
from api.staff_pages import staff_page
from gis.certificates.rules import CertificateError
from gis.certificates.workflow import (
    RequestNotFound,
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
from webmap.i18n import tr

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
    return staff_page("office_request.html", "Cererea nr. {number}", status, title_values={"number": info.number_label},
                       info=info, state=LABELS.get(info.status, info.status),
                       draft=info.status not in CLOSED, issued=info.status in ISSUED, paid=paid, policy=policy,
                       actions=[(a, ACTION_LABELS[a]) for a in ("draft", "review") if allows(info.status, a)],
                       issuable=allows(info.status, "issue"), cancellable=allows(info.status, "cancel"),
                       kind=kind.label(messages.page_language()) if kind else info.kind, money=money,
                       channels=CHANNEL_LABELS,
                       error=error, form=form or {}, verify=url_for("verify.verify", code=info.verification_code)
                       if info.verification_code else None, **decisions(info, kind))


def decisions(info, kind) -> dict:
    """What the officer's decision forms show: the approvals offered (with the current choice), the
    purpose verdict recorded, and for an issued certificate that may be extended, its extension."""
    from gis.certificates import approval_choice, purpose_override
    from gis.certificates.extension import extension_of

    with get_engine(_settings(), "app").connect() as conn:
        open_ = info.status not in CLOSED
        return {"approvals": approval_choice.options(conn, info, _settings().profile) if open_ else [],
                "verdict": purpose_override.recorded(conn, info.id) if info.kind == "urbanism" else None,
                "verdict_form": open_ and info.kind == "urbanism",
                "extension": extension_of(conn, info.verification_code) if info.verification_code else None,
                "extendable": bool(kind and kind.extendable and info.status in ISSUED)}


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
    except CertificateError as exc:  # UnpaidNeedsConfirmation too: a 409 like every state conflict
        refuse(exc)


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
        return page(request_id, tr("Bifați confirmarea emiterii: documentul emis nu se mai poate modifica.",
                                   messages.page_language()), 400)
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
        return page(request_id, said(exc), exc.status, form)
    return redirect(url_for("desk.page", request_id=request_id), 303)


def _decided(request_id: int, decide, form: dict | None = None):
    """Run an officer's decision; a refusal is shown on the request's page with the rule's status."""
    try:
        decide(staff_actor())
    except RequestNotFound:
        abort(404, description=messages.message("request.not_found", id=request_id))
    except CertificateError as exc:
        return page(request_id, said(exc), exc.status, form)
    return redirect(url_for("desk.page", request_id=request_id), 303)


@bp.post("/<int:request_id>/approvals")
@requires(*EDITORS)
def approvals(request_id: int):
    """The approvals of F.6 section 5 lit. d) the officer ticked from the county's list."""
    from gis.certificates.approval_choice import choose_approvals

    keys = [k[:200] for k in request.form.getlist("approval")][:100]
    return _decided(request_id, lambda actor: choose_approvals(_settings(), request_id, keys, actor))


@bp.post("/<int:request_id>/purpose-verdict")
@requires(*EDITORS)
def purpose_verdict(request_id: int):
    """The officer's verdict on the declared purpose ("poate" / "nu poate") and its reason."""
    from gis.certificates.purpose_override import record

    form = {k: request.form.get(k, "")[:600] for k in ("may_use", "reason")}
    may_use = {"1": True, "0": False}.get(form["may_use"])  # anything else: the rule's own 400
    return _decided(request_id, lambda actor: record(_settings(), request_id, may_use, form["reason"], actor), form)


@bp.post("/<int:request_id>/extension")
@requires(*EDITORS)
def extension(request_id: int):
    """Extend the issued certificate on the holder's request (its registration and date, the months)."""
    from datetime import date

    from gis.certificates.extension import extend

    form = {k: request.form.get(k, "")[:120] for k in ("reference", "requested_on", "months")}
    info, _policy = _info(request_id)
    lang = messages.request_language()
    try:
        asked = date.fromisoformat(form["requested_on"]) if form["requested_on"] else None
        months = int(form["months"]) if form["months"] else None
    except ValueError:
        return page(request_id, tr("data cererii trebuie să fie o dată, iar durata un număr de luni", lang), 400,
                    form)
    if not info.verification_code:
        return page(request_id, tr("numai un certificat emis se prelungește", lang), 409, form)
    return _decided(request_id, lambda actor: extend(_settings(), info.verification_code, form["reference"], actor,
                                                     asked, months), form)

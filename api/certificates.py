"""/api/certificates: a citizen (or the public map's request form) files a request and follows
it with the token it receives; officers' actions (draft, review, issue, cancel) come with the staff
workspace and its login (issue 6); until then they are done with `teritoriu certificate ...`.

    POST /api/certificates {type: a registered kind (gis.certificates.kinds: urbanism, nomenclature...),
                            parcels: [...], purpose, applicant_name, applicant_email?}
                                               -> 201 {id, registry_number, status, fee, token, ...}
         with applicant_email: registry_number is null until the applicant confirms from the e-mailed
         link (notices in the caller's language: lang=, Accept-Language)
    GET  /api/certificates/<id>?token=...      -> the request's state
    GET  /api/certificates/<id>.pdf?token=...  -> the draft (PROIECT) or, once issued, the PDF
    POST /api/certificates/<id>/<draft|review|issue|cancel>  -> an officer's action (session + CSRF);
         issue only from review, {"unpaid_confirmed": true} when no payment is recorded
    POST /api/certificates/<id>/payment {amount, receipt, paid_on, channel?}  -> the fee as paid (officer)
    POST /api/certificates/extensions {code, reference[, months, requested_on]} -> an issued CU extended
         on the original (officer; gis.certificates.extension); GET .../extensions/<code>.pdf its PDF

Who reads a request: its applicant, with the token and no staff session; officers and admins of
its UAT, with their session (never a token). Anyone else, a surveyor included, gets the 404 of an
unknown id. Reads change no state, except the applicant's first download of the issued document.
"""

from __future__ import annotations

import hmac
import re
from dataclasses import dataclass
from typing import NoReturn

from flask import Blueprint, Response, current_app, jsonify, request, url_for

from api.bodies import FORM, JSON, body_limit
from api.errors import fail, fail_with
from api.ratelimit import filing_quota, rate_limited
from api.refusals import refuse
from api.staff import current_user, requires, scope_by_uat, staff_actor
from gis.certificates.kinds import get_kind, names
from gis.certificates.rules import CertificateError
from gis.certificates.workflow import (
    RequestInfo,
    RequestNotFound,
    download,
    draft_pdf,
    file_request,
    get_request,
    issued_pdf,
    record_payment,
)
from gis.db import get_engine
from gis.parcel_facts import ParcelNotFound
from gis.request_states import ISSUED
from gis.roles import EDITORS, reads_requests
from gis.uats import MAX_UAT_CODE

bp = Blueprint("certificates", __name__, url_prefix="/api/certificates")
scope_by_uat(bp)
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _settings():
    return current_app.extensions["teritoriu.settings"]


def _text(data: dict, name: str) -> str:
    """A text field as the schema says: a string (or absent) of valid Unicode; else a 400."""
    value = data.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        fail(400, "param.text", name=name)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate (\ud800) decodes from JSON and encodes nowhere
        fail(400, "param.invalid_text", name=name)
    return value.strip()


def validated_request(data: dict, form: bool = False) -> dict:
    """The fields of a new request, or a 400 that says what is wrong. The JSON API takes the types
    its schema gives; the request form (`form`) sends every field as text, parcels in one line."""
    if not isinstance(data, dict):
        fail(400, "body.json_object")
    kind = get_kind(_text(data, "type"))
    if kind is None:
        fail(400, "certificates.type", allowed=", ".join(map(repr, names())))
    parcels = data.get("parcels")
    if form and isinstance(parcels, str):
        parcels = [p for p in re.split(r"[,\s;]+", _text(data, "parcels")) if p]
    if not isinstance(parcels, list) or not parcels or len(parcels) > 20 or not all(
            isinstance(p, str) and 0 < len(p) <= 30 and p.isprintable() and p.isascii() for p in parcels):
        fail(400, "certificates.parcels")
    name = _text(data, "applicant_name")
    if not 3 <= len(name) <= 200:
        fail(400, "certificates.applicant_name")
    email = _text(data, "applicant_email") or None
    if email and (len(email) > 200 or not EMAIL.match(email)):
        fail(400, "certificates.applicant_email")
    purpose = _text(data, "purpose")
    if not 3 <= len(purpose) <= 500:
        fail(400, "certificates.purpose")
    if any("\x00" in v for v in [name, purpose, *(parcels or [])]):
        fail(400, "request.nul")
    uat = data.get("uat")
    if uat is not None and (isinstance(uat, bool) or not isinstance(uat, int) or not 0 < uat <= MAX_UAT_CODE):
        fail(400, "certificates.uat")
    domicile = _text(data, "applicant_domicile")  # printed on the certificate (F.6: "cu domiciliul/sediul în")
    if len(domicile) > 300 or "\x00" in domicile:
        fail(400, "certificates.domicile")
    return {"kind": kind.name, "parcels": parcels, "purpose": purpose, "applicant": name, "email": email, "uat": uat,
            "domicile": domicile or None}


def create(fields: dict, actor: str, language: str | None = None):
    """File a request from the public: with an e-mail address it waits for the applicant's confirmation
    (the e-mailed link gives it its number, gis.certificates.confirmation); its notices are in `language`."""
    from api.messages import request_language

    try:
        with filing_quota(fields["email"]):  # per address and e-mail, for every worker: 429 beyond
            return file_request(_settings(), fields["kind"], fields["parcels"], fields["purpose"],
                                fields["applicant"], actor, email=fields["email"], uat=fields.get("uat"),
                                domicile=fields.get("domicile"), confirm_by_email=bool(fields["email"]),
                                language=language or request_language())
    except ParcelNotFound as exc:
        fail_with(404, exc)
    except CertificateError as exc:
        refuse(exc)


@dataclass(frozen=True)
class Reader:
    """Who reads a request: its applicant (the token, no staff session) or an officer of its UAT."""
    info: RequestInfo
    applicant: bool


def _no_request(request_id: int) -> NoReturn:
    fail(404, "request.not_found", id=request_id)


def _owned(request_id: int) -> Reader:
    """The request, for whoever may read it; everyone else gets the 404 of an unknown id (the id is
    never confirmed). Staff use their session, never a token: officers and admins (gis.roles
    REQUEST_READERS) of the request's UAT read it, and the read is logged (it shows personal data);
    surveyors and other UATs' staff do not. Without a staff session, the request's token opens it."""
    from api.auth import record_staff_read
    from api.staff import user_uats

    with get_engine(_settings(), "app").connect() as conn:
        try:
            info = get_request(conn, request_id)
        except RequestNotFound:
            _no_request(request_id)
    user = current_user()
    if user is None:
        token = request.args.get("token", "")
        if not token or not hmac.compare_digest(token.encode(), info.access_token.encode()):
            _no_request(request_id)
        return Reader(info, applicant=True)
    uats = user_uats()
    if not reads_requests(user["role"]) or (uats is not None and info.uat_siruta not in uats):
        _no_request(request_id)
    record_staff_read(_settings(), user, "registry.request", str(info.id), info.uat_siruta)
    return Reader(info, applicant=False)


@bp.post("")
@body_limit(FORM, *JSON)
@rate_limited("requests", share=0.1)
def post():
    info = create(validated_request(request.get_json(silent=True)), "public:request")
    body = {**info.to_json(), "token": info.access_token,
            "status_url": url_for("certificates.status", request_id=info.id, token=info.access_token)}
    return jsonify(body), 201


@bp.get("/<int:request_id>")
def status(request_id: int):
    response = jsonify(_owned(request_id).info.to_json())
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/<int:request_id>/<any(review, issue, cancel, draft):action>")
@requires(*EDITORS)
def officer_action(request_id: int, action: str):
    """Officer actions (signed-in session + X-CSRF-Token): draft, review, issue, cancel {reason}."""
    from api.desk import act

    body = request.get_json(silent=True) or {}
    reason = str(body.get("reason", "")) if isinstance(body, dict) else ""
    confirmed = isinstance(body, dict) and body.get("unpaid_confirmed") is True
    return jsonify(act(request_id, action, reason, unpaid_confirmed=confirmed).to_json())


@bp.post("/<int:request_id>/payment")
@requires(*EDITORS)
def payment(request_id: int):
    """The fee as paid (session + X-CSRF-Token): {"amount": "7.00", "receipt": "…", "paid_on": "YYYY-MM-DD",
    "channel": "counter" | "bank_transfer" | "online_portal" (gis.payment.CHANNELS; default counter)}."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        fail(400, "body.json_fields", fields="{amount, receipt, paid_on}")
    actor = staff_actor()
    try:
        info = record_payment(_settings(), request_id, str(body.get("amount", "")), str(body.get("receipt", "")),
                              str(body.get("paid_on", "")), actor, str(body.get("channel", "counter")))
    except RequestNotFound:
        _no_request(request_id)
    except CertificateError as exc:
        refuse(exc)
    return jsonify(info.to_json())


@bp.post("/<int:request_id>/purpose-verdict")
@requires(*EDITORS)
def purpose_verdict(request_id: int):
    """The officer's verdict on the declared purpose (session + X-CSRF-Token): {"may_use": bool, "reason": "…"}."""
    from gis.certificates.purpose_override import record

    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        fail(400, "body.json_fields", fields="{may_use, reason}")
    actor = staff_actor()
    try:
        return jsonify(record(_settings(), request_id, body.get("may_use"), str(body.get("reason", "")), actor))
    except RequestNotFound:
        _no_request(request_id)
    except CertificateError as exc:
        refuse(exc)


@bp.get("/<int:request_id>.pdf")
def pdf(request_id: int):
    """The draft or the issued document. A read changes no state, except the applicant's first
    download of the issued document, recorded as the applicant (never a staff read)."""
    reader = _owned(request_id)
    info = reader.info
    try:
        if info.status in ISSUED:
            if reader.applicant and request.method == "GET":  # not a HEAD: nothing was downloaded
                data = download(_settings(), request_id, f"applicant:request-{request_id}")
            else:
                data = issued_pdf(_settings(), request_id)
            name = f"certificat-{info.kind}-{info.registry_number}-{info.year}.pdf"
        elif info.status == "cancelled":
            fail(409, "certificates.cancelled", reason=info.cancel_reason)
        else:
            data = draft_pdf(_settings(), request_id)
            name = f"proiect-{info.kind}-{info.registry_number}-{info.year}.pdf"
    except CertificateError as exc:  # a read sends no input: what refuses it is the request's state
        refuse(exc, 409)
    return Response(data, mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{name}"',
                             "Cache-Control": "private, no-store"})


@bp.post("/extensions")
@requires(*EDITORS)
def extension():
    """Extend an issued urbanism certificate (session + X-CSRF-Token): 201, or 404 (no such CU),
    409 (expired, already extended, cancelled, asked too late), 400 (bad input)."""
    from datetime import date

    from api.staff import require_uat
    from gis.certificates.extension import certificate_uat, extend

    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("code"), str):
        fail(400, "body.json_fields", fields="{code, reference[, months, requested_on]}")
    months = body.get("months")
    if months is not None and (not isinstance(months, int) or isinstance(months, bool)):
        fail(400, "certificates.months")
    try:
        asked = date.fromisoformat(str(body["requested_on"])) if body.get("requested_on") else None
    except ValueError:
        fail(400, "param.date", name="requested_on")
    with get_engine(_settings(), "app").connect() as conn:
        uat = certificate_uat(conn, body["code"][:40])
    if uat is not None:
        require_uat(uat)
    actor = staff_actor()
    try:
        done = extend(_settings(), body["code"][:40], str(body.get("reference", "")), actor, asked, months)
    except CertificateError as exc:  # NoSuchCertificate 404, NotExtendable 409, bad input 400
        refuse(exc)
    return jsonify({"code": done.verification_code, "registry_number": done.number_label,
                    "reference": done.reference, "valid_until": done.valid_until.isoformat(),
                    "extended_until": done.extended_until.isoformat(), "months": done.months,
                    "fee": str(done.fee_lei), "fee_basis": done.fee_basis, "sha256": done.sha256,
                    "pdf": url_for(".extension_pdf", code=done.verification_code)}), 201


@bp.get("/extensions/<code>.pdf")
@requires(*EDITORS)
def extension_pdf(code: str):
    """The extended certificate: the original's bytes with the mention (officer)."""
    from api.staff import require_uat
    from gis.certificates.extension import certificate_uat, extended_pdf

    with get_engine(_settings(), "app").connect() as conn:
        uat = certificate_uat(conn, code[:40])
        pdf = extended_pdf(conn, code[:40])
    if uat is not None:
        require_uat(uat)
    if pdf is None:
        fail(404, "certificates.not_extended")
    return Response(pdf, mimetype="application/pdf")

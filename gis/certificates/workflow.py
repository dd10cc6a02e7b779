"""The request workflow: request → registry number → draft (PROIECT) → review → issued →
downloaded, or cancelled with a reason; an urbanism certificate may be extended once, by an act on
the original (gis.certificates.extension), never by a new request.

The registry number is given when the request is registered: at once for a request filed at the
counter (or online without an e-mail address), and for one filed online with an address when the
applicant confirms it from the e-mailed link (gis.certificates.confirmation). The counter row is
updated in the same transaction that registers the request, so a failed request consumes no number
and concurrent requests get consecutive numbers without duplicates. The notices to the applicant
(gis.request_notices) are queued in the same transactions as the changes they announce.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import secrets
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from sqlalchemy import Connection, text

from gis.certificates.approval_choice import with_chosen_approvals
from gis.certificates.fees import Choices
from gis.certificates.map_extract import draw
from gis.certificates.render import render_pdf
from gis.certificates.rules import CertificateError, CertificateFacts, Payment, StateConflict, certificate_facts
from gis.certificates.signing import sign
from gis.db import get_engine, set_actor
from gis.faults import fault_point
from gis.request_notices import notify
from gis.request_states import CLOSED, LABELS, can_move
from gis.settings import Settings


class RequestNotFound(LookupError):
    pass


class UnpaidNeedsConfirmation(StateConflict):
    """Issuing a request with no payment recorded: the officer confirms it explicitly."""


@dataclass(frozen=True)
class RequestInfo:
    id: int
    kind: str
    uat_siruta: int
    year: int
    registry_number: int | None   # None until the applicant confirms a request filed online
    status: str
    fee: Decimal | None
    applicant_name: str
    purpose: str
    cadastral_numbers: list[str]
    access_token: str
    cancel_reason: str | None
    verification_code: str | None
    extends_document_id: int | None
    payment: Payment | None = None
    choices: Choices | None = None   # what the officer recorded (one investment, validity, exemption...)
    request_date: date | None = None
    applicant_domicile: str | None = None
    chosen_approvals: list[str] | None = None   # the officer's choice for F.6 section 5 d) (approval_choice.py)

    @property
    def number_label(self) -> str:
        return f"{self.registry_number}/{self.year}" if self.registry_number is not None else "—"

    @property
    def registered(self) -> bool:
        return self.registry_number is not None

    def to_json(self) -> dict:
        return {"id": self.id, "type": self.kind, "uat_siruta": self.uat_siruta,
                "registry_number": self.number_label if self.registered else None,
                "status": self.status, "fee": str(self.fee) if self.fee is not None else None,
                "purpose": self.purpose, "parcels": self.cadastral_numbers,
                "cancel_reason": self.cancel_reason, "verification_code": self.verification_code,
                "payment": None if self.payment is None else {
                    "amount": str(self.payment.amount_lei), "receipt": self.payment.receipt,
                    "paid_on": self.payment.paid_on.isoformat(), "channel": self.payment.channel}}


def _json_default(value):
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def facts_json(facts: CertificateFacts) -> dict:
    """The facts as stored beside the PDF (and served as JSON)."""
    data = dataclasses.asdict(facts)
    data["warnings"] = facts.warnings
    data["total_area"] = facts.total_area
    return json.loads(json.dumps(data, default=_json_default))


# Verification codes: 16 characters of Crockford's base32 (no I, L, O, U), 80 bits, in groups of
# four. Codes issued before carry 12 hex digits (48 bits, XXXX-XXXX-XXXX) and keep verifying.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 16


def _code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i:i + 4] for i in range(0, CODE_LENGTH, 4))


def normalize_code(code: str) -> str:
    """A code as typed (any case, spaces or dashes anywhere, O for 0, I or L for 1) in its stored
    spelling; the substitutions are safe for the older hex codes, which have none of those letters."""
    raw = "".join(code.split()).replace("-", "").upper().translate(str.maketrans("OIL", "011"))
    return "-".join(raw[i:i + 4] for i in range(0, len(raw), 4)) if len(raw) in (12, CODE_LENGTH) else raw


def verify_url(settings: Settings, code: str) -> str:
    return f"{settings.base_url}/verify/{code}"


def get_request(conn: Connection, request_id: int) -> RequestInfo:
    row = conn.execute(text("""
        SELECT r.id, r.kind, r.uat_siruta, r.year, r.registry_number, r.status, r.fee, r.applicant_name,
               r.purpose, ARRAY(SELECT p.cadastral_number FROM registry.request_parcel rp
                                JOIN cadastre.parcel p ON p.id = rp.parcel_id
                                WHERE rp.request_id = r.id ORDER BY p.cadastral_number),
               r.access_token, r.cancel_reason,
               (SELECT d.verification_code FROM registry.document d WHERE d.request_id = r.id),
               r.extends_document_id, r.paid_amount, r.paid_receipt, r.paid_on,
               r.one_investment, r.validity_months, r.exemption, r.county_approval,
               r.created_at::date, r.applicant_domicile, r.chosen_approvals, r.paid_channel
        FROM registry.request r WHERE r.id = :id"""), {"id": request_id}).one_or_none()
    if row is None:
        raise RequestNotFound(f"no certificate request {request_id}")
    payment = Payment(row[14], row[15], row[16], row[24]) if row[14] is not None else None
    return RequestInfo(*row[:9], list(row[9]), *row[10:14], payment=payment, choices=Choices(*row[17:21]),
                       request_date=row[21], applicant_domicile=row[22], chosen_approvals=row[23])


def next_number(conn: Connection, uat_siruta: int, year: int) -> int:
    """The UAT's next registry number of `year` (the counter row stays locked until the caller commits)."""
    number = conn.execute(text("""
        INSERT INTO registry.counter (uat_siruta, year, last_number) VALUES (:u, :y, 1)
        ON CONFLICT (uat_siruta, year) DO UPDATE SET last_number = registry.counter.last_number + 1
        RETURNING last_number"""), {"u": uat_siruta, "y": year}).scalar_one()
    fault_point("certificate.numbered")
    return number


def file_request(settings: Settings, kind: str, parcels: list[str], purpose: str, applicant: str,
                 actor: str, email: str | None = None, uat: int | None = None,
                 choices: Choices | None = None, domicile: str | None = None,
                 confirm_by_email: bool = False, language: str = "ro") -> RequestInfo:
    """File a request: validate the selection with the officer's `choices`. It is registered (the
    next registry number) at once, unless `confirm_by_email` (filed online with an `email`): then it
    waits for the applicant's confirmation and the link is queued (gis.certificates.confirmation).
    (An extension is no request: gis.certificates.extension.extend.)"""
    from gis.certificates.confirmation import new_confirmation

    if not applicant or not applicant.strip():
        raise CertificateError("the applicant's name is required", message_code="certificate.no_applicant")
    with get_engine(settings, "app").begin() as conn:
        set_actor(conn, actor)
        facts = certificate_facts(conn, kind, parcels, purpose, applicant, uat, profile=settings.profile,
                                  choices=choices)
        chosen = choices or Choices()
        year = facts.issued_on.year
        waits = bool(confirm_by_email and email)
        number = None if waits else next_number(conn, facts.uat.siruta, year)
        request_id = conn.execute(text("""
            INSERT INTO registry.request (uat_siruta, year, registry_number, registered_at, kind, applicant_name,
                applicant_email, purpose, fee, access_token, created_by,
                one_investment, validity_months, exemption, county_approval, applicant_domicile, language)
            VALUES (:u, :y, CAST(:n AS integer), CASE WHEN CAST(:n AS integer) IS NULL THEN NULL ELSE now() END,
                    :k, :a, :e, :p, :fee, :t, :by, :oi, :vm, :ex, :ca, :dom, :lang) RETURNING id"""),
            {"u": facts.uat.siruta, "y": year, "n": number, "k": facts.kind, "a": applicant.strip(),
             "e": email, "p": facts.purpose, "fee": facts.fee.amount_lei,
             "t": secrets.token_urlsafe(24), "by": actor, "oi": facts.one_investment or None,
             "vm": chosen.validity_months, "ex": chosen.exemption, "ca": chosen.county_approval,
             "dom": (domicile or "").strip()[:300] or None, "lang": language}).scalar_one()
        conn.execute(text("INSERT INTO registry.request_parcel (request_id, parcel_id) "
                          "SELECT :r, unnest(CAST(:ids AS bigint[]))"),
                     {"r": request_id, "ids": [p.id for p in facts.parcels]})
        if waits:
            new_confirmation(conn, settings, request_id)
        else:
            notify(conn, settings, request_id, "registered")
        return get_request(conn, request_id)


def _facts_for(conn: Connection, info: RequestInfo, profile: str | None = None) -> CertificateFacts:
    facts = certificate_facts(conn, info.kind, info.cadastral_numbers, info.purpose,
                              info.applicant_name, info.uat_siruta,
                              extension=info.extends_document_id is not None, profile=profile,
                              choices=info.choices)
    from gis.certificates.purpose_override import recorded

    facts = dataclasses.replace(facts, payment=info.payment, purpose_override=recorded(conn, info.id),
                                request_date=info.request_date, applicant_domicile=info.applicant_domicile or "")
    return with_chosen_approvals(facts, info.chosen_approvals)


def _pdf(conn: Connection, settings: Settings, facts: CertificateFacts, label: str, code: str,
         draft: bool) -> bytes:
    extract = draw(conn, [p.id for p in facts.parcels],
                   settings.orthophoto if settings.orthophoto.exists() else None, facts.issued_on)
    return render_pdf(facts, extract, label, code, verify_url(settings, code), draft)


def _move(conn: Connection, info: RequestInfo, to: str, reason: str | None = None) -> None:
    if not info.registered and to != "cancelled":
        raise StateConflict("cererea nu este confirmată de solicitant: nu are încă număr de înregistrare")
    if not can_move(info.status, to):
        if to == "issued" and info.status in ("received", "draft"):
            raise StateConflict("cererea se emite numai după verificare: trimiteți-o întâi la verificare")
        raise StateConflict("o cerere {state} nu poate deveni {to}", state=LABELS.get(info.status, info.status),
                            to=LABELS.get(to, to))
    conn.execute(text("UPDATE registry.request SET status = :s, cancel_reason = coalesce(:r, cancel_reason) "
                      "WHERE id = :id"), {"s": to, "r": reason, "id": info.id})


def draft_pdf(settings: Settings, request_id: int) -> bytes:
    """The draft with its registry number and the PROIECT watermark (not in the registry).
    A read: it changes no state (an officer moves a request to draft with start_draft, a POST).
    Rendering takes about a second of CPU; an applicant opens the draft again and again, so it
    is kept under var/drafts/ for as long as nothing it shows can have changed: the same facts
    (date, fee, zones, approvals...) and the same data revision (the map's neighbours)."""
    with get_engine(settings, "app").connect() as conn:
        info = get_request(conn, request_id)
        if info.status in CLOSED:
            raise StateConflict("the request is {status}: there is no draft any more", status=info.status,
                                message_code="certificate.no_draft_any_more")
        if not info.registered:
            raise StateConflict("the request is not confirmed yet: there is no draft",
                                message_code="certificate.no_draft_yet")
        facts = _facts_for(conn, info, settings.profile)  # tens of ms; the PDF with its map, a second
        revision = conn.execute(text("SELECT revision FROM public_api.data_revision")).scalar()
        # the request's own token: a database built again reuses ids and revisions, never tokens
        shown = hashlib.sha256(json.dumps([facts_json(facts), info.number_label, info.access_token, revision],
                                          sort_keys=True, default=str).encode()).hexdigest()[:24]
        cached = settings.var_dir / "drafts" / settings.db_name / f"{request_id}-{shown}.pdf"
        if cached.exists():
            pdf = cached.read_bytes()
        else:
            pdf = _pdf(conn, settings, facts, info.number_label, "PROIECT", draft=True)
            cached.parent.mkdir(parents=True, exist_ok=True)
            tmp = cached.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_bytes(pdf)
            os.replace(tmp, cached)
    return pdf


def start_draft(settings: Settings, request_id: int, actor: str) -> RequestInfo:
    """The officer's explicit action: work on the draft (received → draft, or back from review)."""
    with get_engine(settings, "app").begin() as conn:
        set_actor(conn, actor)
        _move(conn, get_request(conn, request_id), "draft")
        return get_request(conn, request_id)


def send_to_review(settings: Settings, request_id: int, actor: str) -> RequestInfo:
    with get_engine(settings, "app").begin() as conn:
        set_actor(conn, actor)
        _move(conn, get_request(conn, request_id), "review")
        notify(conn, settings, request_id, "draft_ready", once=True)
        return get_request(conn, request_id)


def record_payment(settings: Settings, request_id: int, amount: str, receipt: str, paid_on: str,
                   actor: str, channel: str = "counter") -> RequestInfo:
    """The desk records the fee as paid (amount, receipt number, date, and the channel: gis.payment.CHANNELS),
    before the request is issued: the certificate prints it. Recorded again, it replaces the earlier
    record (audited)."""
    from gis.payment import CHANNELS

    if channel not in CHANNELS:
        raise CertificateError("canalul plății trebuie să fie unul dintre: {channels}", channels=", ".join(CHANNELS))
    try:
        typed = str(amount).strip()
        if "," in typed:  # Romanian: 1.234,50 (dots group thousands, the comma is decimal)
            typed = typed.replace(".", "").replace(",", ".")
        value = Decimal(typed)
    except InvalidOperation:
        raise CertificateError("suma achitată trebuie să fie un număr de lei (de ex. 7,00)") from None
    receipt = (receipt or "").strip()
    try:
        day = date.fromisoformat(str(paid_on).strip())
    except ValueError:
        raise CertificateError("data chitanței trebuie să fie o dată (zz.ll.aaaa)") from None
    if not value.is_finite() or value <= 0 or value >= Decimal("1e9"):
        raise CertificateError("suma achitată trebuie să fie mai mare decât zero")
    if not 1 <= len(receipt) <= 40:
        raise CertificateError("numărul chitanței este obligatoriu (cel mult 40 de caractere)")
    if day > date.today() or day.year < 2000:
        raise CertificateError("data chitanței nu poate fi în viitor")
    with get_engine(settings, "app").begin() as conn:
        set_actor(conn, actor)
        info = get_request(conn, request_id)
        if info.status in CLOSED:
            raise StateConflict("cererea este {state}: plata se înregistrează înainte de emitere",
                                state=LABELS[info.status])
        if info.fee is not None and value < info.fee:
            raise CertificateError("suma achitată ({value} lei) este mai mică decât taxa ({fee} lei)", value=value,
                                   fee=info.fee)
        conn.execute(text("UPDATE registry.request SET paid_amount = :a, paid_receipt = :r, paid_on = :d, "
                          "paid_channel = :ch WHERE id = :id"),
                     {"a": value.quantize(Decimal("0.01")), "r": receipt, "d": day, "ch": channel, "id": request_id})
        return get_request(conn, request_id)


def unpaid_policy(conn: Connection, uat_siruta: int) -> str:
    """What issuing without a recorded payment needs in this UAT (territory.uat.settings
    "unpaid_issue"): "confirm" (the default: the officer confirms) or "refuse"."""
    value = conn.execute(text("SELECT settings ->> 'unpaid_issue' FROM territory.uat WHERE siruta = :s"),
                         {"s": uat_siruta}).scalar()
    return "refuse" if value == "refuse" else "confirm"


def _check_payment(conn: Connection, info: RequestInfo, unpaid_confirmed: bool) -> None:
    if info.payment is not None or not info.fee:
        return
    if unpaid_policy(conn, info.uat_siruta) == "refuse":
        raise StateConflict("nu se poate emite: plata taxei nu este înregistrată (setarea UAT-ului)")
    if not unpaid_confirmed:
        raise UnpaidNeedsConfirmation(f"plata taxei de {info.fee} lei nu este înregistrată: "
                                      "confirmați emiterea fără plată sau înregistrați chitanța")


def issue_request(settings: Settings, request_id: int, actor: str,
                  unpaid_confirmed: bool = False) -> tuple[RequestInfo, bytes]:
    """Render the final PDF and store it with its SHA-256; it never changes afterwards. Only a
    request in review is issued (gis.request_states); without a recorded payment, only when the
    officer confirms it (`unpaid_confirmed`) and the UAT allows it."""
    with get_engine(settings, "app").begin() as conn:
        set_actor(conn, actor)
        info = get_request(conn, request_id)
        _move(conn, info, "issued")
        _check_payment(conn, info, unpaid_confirmed)
        facts = _facts_for(conn, info, settings.profile)
        code = _code()
        pdf = _pdf(conn, settings, facts, info.number_label, code, draft=False)
        pdf = sign(settings, pdf, reason=f"{info.kind} nr. {info.number_label}",
                   location=facts.uat.name)
        fault_point("certificate.rendered")
        conn.execute(text("""
            INSERT INTO registry.document (request_id, kind, issued_by, verification_code, pdf, sha256, facts)
            VALUES (:r, :k, :by, :c, :pdf, :sha, CAST(:facts AS jsonb))"""),
            {"r": info.id, "k": info.kind, "by": actor, "c": code, "pdf": pdf,
             "sha": hashlib.sha256(pdf).hexdigest(), "facts": json.dumps(facts_json(facts))})
        fault_point("certificate.stored")
        notify(conn, settings, request_id, "issued")
        return get_request(conn, request_id), pdf


def issued_pdf(settings: Settings, request_id: int) -> bytes:
    """The issued PDF, the same bytes every time. A read: it changes nothing (staff reading a
    request's document use this; so does every download after the applicant's first)."""
    with get_engine(settings, "app").connect() as conn:
        return _stored(conn, request_id)


def download(settings: Settings, request_id: int, actor: str) -> bytes:
    """The applicant's download of the issued PDF (with the request's token, never a staff
    session): the same bytes every time; the first one moves the request to downloaded, recorded
    as `actor` (the applicant). Two first downloads at once record one move."""
    with get_engine(settings, "app").begin() as conn:
        pdf = _stored(conn, request_id)
        set_actor(conn, actor)
        conn.execute(text("UPDATE registry.request SET status = 'downloaded' WHERE id = :id AND status = 'issued'"),
                     {"id": request_id})
    return pdf


def _stored(conn: Connection, request_id: int) -> bytes:
    pdf = conn.execute(text("SELECT pdf FROM registry.document WHERE request_id = :r"),
                       {"r": request_id}).scalar_one_or_none()
    if pdf is None:
        info = get_request(conn, request_id)
        raise StateConflict("the request is {status}: nothing has been issued yet", status=info.status,
                            message_code="certificate.nothing_issued")
    return bytes(pdf)


def cancel(settings: Settings, request_id: int, reason: str, actor: str) -> RequestInfo:
    if not reason or not reason.strip():
        raise CertificateError("a cancellation needs a reason", message_code="certificate.cancel_reason")
    with get_engine(settings, "app").begin() as conn:
        set_actor(conn, actor)
        _move(conn, get_request(conn, request_id), "cancelled", reason.strip())
        notify(conn, settings, request_id, "cancelled", reason=reason.strip())
        return get_request(conn, request_id)

